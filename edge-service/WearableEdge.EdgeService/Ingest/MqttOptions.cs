using Microsoft.Extensions.Options;

namespace WearableEdge.EdgeService.Ingest;

/// <summary>How the service reaches its MQTT broker. Section <c>Mqtt</c>.</summary>
public sealed class MqttOptions
{
    public const string SectionName = "Mqtt";

    /// <summary>
    /// External broker as <c>mqtt://host:port</c> (port defaults to 1883). Empty (the default):
    /// the service starts the embedded MQTTnet broker and connects to it.
    /// </summary>
    public string? BrokerUrl { get; set; }

    /// <summary>Fixed client id, so the broker keeps the persistent session across reconnects. Default <c>wearable-edge-gateway</c>.</summary>
    public string ClientId { get; set; } = "wearable-edge-gateway";

    /// <summary>Optional user name for the broker.</summary>
    public string? Username { get; set; }

    /// <summary>Optional password for the broker.</summary>
    public string? Password { get; set; }

    /// <summary>How long the broker keeps the session (and queues QoS 1 messages) while the service is away. Default 1 day.</summary>
    public TimeSpan SessionExpiry { get; set; } = TimeSpan.FromDays(1);

    /// <summary>First delay before reconnecting; doubles up to <see cref="MaxReconnectDelay"/>. Default 1 s.</summary>
    public TimeSpan ReconnectDelay { get; set; } = TimeSpan.FromSeconds(1);

    /// <summary>Longest delay between reconnect attempts. Default 30 s.</summary>
    public TimeSpan MaxReconnectDelay { get; set; } = TimeSpan.FromSeconds(30);

    /// <summary>Address the embedded broker binds to. Default 127.0.0.1: only local clients.</summary>
    public string EmbeddedBindAddress { get; set; } = "127.0.0.1";

    /// <summary>Port of the embedded broker, 0 for a free port chosen at start. Default 1883.</summary>
    public int EmbeddedPort { get; set; } = 1883;

    /// <summary>
    /// Messages the embedded broker queues per client before it drops the oldest. MQTTnet's default
    /// is 1,000 (FACTS.md); the default here is 100,000 so a busy ward survives a slow consumer.
    /// </summary>
    public int EmbeddedMaxPendingMessagesPerClient { get; set; } = 100_000;

    /// <summary>Capacity of the queue between ingest and the feature stage; ingest waits when it is full (back-pressure to the broker). Default 10,000 samples.</summary>
    public int IngestQueueCapacity { get; set; } = 10_000;
}

internal sealed class MqttOptionsValidator : IValidateOptions<MqttOptions>
{
    public ValidateOptionsResult Validate(string? name, MqttOptions options)
    {
        var errors = new ValidateOptionsResultBuilder();
        if (!string.IsNullOrWhiteSpace(options.BrokerUrl) && !BrokerEndpoint.TryParse(options.BrokerUrl, out _, out var error))
        {
            errors.AddError($"Mqtt:BrokerUrl: {error}");
        }

        if (string.IsNullOrWhiteSpace(options.ClientId) || options.ClientId.Length > 64)
        {
            errors.AddError("Mqtt:ClientId must be 1–64 characters.");
        }

        if (options.SessionExpiry < TimeSpan.Zero || options.SessionExpiry.TotalSeconds > uint.MaxValue)
        {
            errors.AddError("Mqtt:SessionExpiry must be between 0 and 136 years.");
        }

        if (options.ReconnectDelay <= TimeSpan.Zero || options.MaxReconnectDelay < options.ReconnectDelay)
        {
            errors.AddError("Mqtt:ReconnectDelay must be positive and not above Mqtt:MaxReconnectDelay.");
        }

        if (!System.Net.IPAddress.TryParse(options.EmbeddedBindAddress, out _))
        {
            errors.AddError($"Mqtt:EmbeddedBindAddress: '{options.EmbeddedBindAddress}' is not an IP address.");
        }

        if (options.EmbeddedPort is < 0 or > 65535)
        {
            errors.AddError($"Mqtt:EmbeddedPort: {options.EmbeddedPort} is not a TCP port (0–65535, 0 = any free port).");
        }

        if (options.EmbeddedMaxPendingMessagesPerClient < 1)
        {
            errors.AddError("Mqtt:EmbeddedMaxPendingMessagesPerClient must be at least 1.");
        }

        if (options.IngestQueueCapacity < 1)
        {
            errors.AddError("Mqtt:IngestQueueCapacity must be at least 1.");
        }

        return errors.Build();
    }
}

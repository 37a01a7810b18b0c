using Microsoft.Extensions.Options;

namespace WearableEdge.EdgeService.Ingest;

/// <summary>How the service reaches its MQTT broker. Section <c>Mqtt</c>.</summary>
public sealed class MqttOptions
{
    public const string SectionName = "Mqtt";

    /// <summary>
    /// External broker as <c>mqtt://host:port</c> (port defaults to 1883) or, over TLS,
    /// <c>mqtts://host:port</c> (port defaults to 8883). Empty (the default): the service starts the
    /// embedded MQTTnet broker and connects to it.
    /// </summary>
    public string? BrokerUrl { get; set; }

    /// <summary>
    /// PEM file of the certificate authority (or authorities) the broker's certificate must chain
    /// to, with <c>mqtts://</c> only. Set: only these roots are trusted, not the system store.
    /// Empty (the default): the system trust store. Either way the server certificate and its host
    /// name are verified and a failure refuses the connection; there is no switch to skip it.
    /// </summary>
    public string? CaFile { get; set; }

    /// <summary>Optional PEM client certificate presented to the broker (mutual TLS), with <c>mqtts://</c> only; needs <see cref="ClientKeyFile"/>.</summary>
    public string? ClientCertificateFile { get; set; }

    /// <summary>PEM private key (unencrypted PKCS#8, PKCS#1 or SEC1) of <see cref="ClientCertificateFile"/>; keep it readable by the service user only.</summary>
    public string? ClientKeyFile { get; set; }

    /// <summary>Fixed client id, so the broker keeps the persistent session across reconnects. Default <c>wearable-edge-gateway</c>.</summary>
    public string ClientId { get; set; } = "wearable-edge-gateway";

    /// <summary>
    /// User name for the broker; empty (the default) connects anonymously. With the embedded
    /// broker it is also the one account the broker accepts.
    /// </summary>
    public string? Username { get; set; }

    /// <summary>
    /// Password for <see cref="Username"/>. A secret: give it through the environment
    /// (<c>Mqtt__Password</c>), never in a committed configuration file; or use <see cref="PasswordFile"/>.
    /// </summary>
    public string? Password { get; set; }

    /// <summary>File whose first line is the password for <see cref="Username"/> (e.g. a systemd credential or a Docker secret). Not together with <see cref="Password"/>.</summary>
    public string? PasswordFile { get; set; }

    /// <summary>How long the broker keeps the session (and queues QoS 1 messages) while the service is away. Default 1 day.</summary>
    public TimeSpan SessionExpiry { get; set; } = TimeSpan.FromDays(1);

    /// <summary>First delay before reconnecting; doubles up to <see cref="MaxReconnectDelay"/>. Default 1 s.</summary>
    public TimeSpan ReconnectDelay { get; set; } = TimeSpan.FromSeconds(1);

    /// <summary>Longest delay between reconnect attempts. Default 30 s.</summary>
    public TimeSpan MaxReconnectDelay { get; set; } = TimeSpan.FromSeconds(30);

    /// <summary>
    /// Address the embedded broker binds to. Default 127.0.0.1: only local clients. Any address
    /// beyond loopback (e.g. 0.0.0.0) needs <see cref="Username"/> and a password: the broker then
    /// refuses anonymous clients and every client must give those credentials.
    /// </summary>
    public string EmbeddedBindAddress { get; set; } = "127.0.0.1";

    /// <summary>Port of the embedded broker, 0 for a free port chosen at start. Default 1883.</summary>
    public int EmbeddedPort { get; set; } = 1883;

    /// <summary>
    /// Messages the embedded broker queues per client before it drops the oldest. MQTTnet's default
    /// is 1,000 (FACTS.md); the default here is 100,000 so a busy ward survives a slow consumer.
    /// </summary>
    public int EmbeddedMaxPendingMessagesPerClient { get; set; } = 100_000;

    /// <summary>Smallest <see cref="EmbeddedMaxPayloadBytes"/>: the service's own dead letter of a payload at the 256 KiB ingest limit is its base64 (≈ 350 KB) plus a little JSON.</summary>
    public const int MinEmbeddedMaxPayloadBytes = 512 * 1024;

    /// <summary>
    /// Largest PUBLISH payload the embedded broker forwards; a larger one is acknowledged but not
    /// delivered to anyone, and counted (<c>messages_rejected{reason="broker-payload-too-large"}</c>).
    /// Default 1 MiB, well above <c>Ingest:MaxPayloadBytes</c> (256 KiB), so payloads between the
    /// two still reach ingest and are counted <c>payload-too-large</c> there. MQTTnet 5.2 has no
    /// packet size limit of its own: the packet is read whole before this check, so this bounds
    /// what reaches subscribers, not one packet's memory on the way in (deploy/mosquitto does bound that).
    /// </summary>
    public int EmbeddedMaxPayloadBytes { get; set; } = 1024 * 1024;

    /// <summary>Capacity of the queue between ingest and the feature stage; ingest waits when it is full (back-pressure to the broker). Default 10,000 samples.</summary>
    public int IngestQueueCapacity { get; set; } = 10_000;
}

internal sealed class MqttOptionsValidator : IValidateOptions<MqttOptions>
{
    public ValidateOptionsResult Validate(string? name, MqttOptions options)
    {
        var errors = new ValidateOptionsResultBuilder();
        BrokerEndpoint? external = null;
        if (!string.IsNullOrWhiteSpace(options.BrokerUrl) && !BrokerEndpoint.TryParse(options.BrokerUrl, out external, out var error))
        {
            errors.AddError($"Mqtt:BrokerUrl: {error}");
        }

        foreach (var problem in MqttClientSecurity.Problems(options, external))
        {
            errors.AddError(problem);
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

        if (!System.Net.IPAddress.TryParse(options.EmbeddedBindAddress, out var bindAddress))
        {
            errors.AddError($"Mqtt:EmbeddedBindAddress: '{options.EmbeddedBindAddress}' is not an IP address.");
        }
        else if (string.IsNullOrWhiteSpace(options.BrokerUrl) && !System.Net.IPAddress.IsLoopback(bindAddress) && !MqttClientSecurity.HasCredentials(options))
        {
            errors.AddError(
                $"Mqtt:EmbeddedBindAddress is {options.EmbeddedBindAddress}, beyond loopback, so the embedded broker refuses anonymous clients: " +
                "set Mqtt:Username and Mqtt:PasswordFile (or Mqtt:Password through the environment, Mqtt__Password), or bind to 127.0.0.1.");
        }

        if (options.EmbeddedPort is < 0 or > 65535)
        {
            errors.AddError($"Mqtt:EmbeddedPort: {options.EmbeddedPort} is not a TCP port (0–65535, 0 = any free port).");
        }

        if (options.EmbeddedMaxPendingMessagesPerClient < 1)
        {
            errors.AddError("Mqtt:EmbeddedMaxPendingMessagesPerClient must be at least 1.");
        }

        if (options.EmbeddedMaxPayloadBytes < MqttOptions.MinEmbeddedMaxPayloadBytes)
        {
            errors.AddError($"Mqtt:EmbeddedMaxPayloadBytes must be at least {MqttOptions.MinEmbeddedMaxPayloadBytes} (the dead letter of a payload at the 256 KiB ingest limit must fit), not {options.EmbeddedMaxPayloadBytes}.");
        }

        if (options.IngestQueueCapacity < 1)
        {
            errors.AddError("Mqtt:IngestQueueCapacity must be at least 1.");
        }

        return errors.Build();
    }
}

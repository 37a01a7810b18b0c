using System.Buffers;
using System.Text.Json;
using System.Text.Json.Serialization;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;
using MQTTnet;
using WearableEdge.Clinical.Alerts;
using WearableEdge.EdgeService.Alerts;

namespace WearableEdge.EdgeService.Ingest;

/// <summary>
/// <c>wearable-edge/commands/alerts/{alertId}/ack</c> and <c>…/resolve</c>: staff commands from nurse
/// apps over MQTT, JSON <c>{"schemaVersion":1,"by":"…","note":"…"}</c>. The broker authenticates the
/// publisher and its ACL decides who may publish here (docs/contract.md); this handler audits each
/// command like the HTTP API, with <c>by</c> as the actor and <c>mqtt:{topic}</c> as the client. A bad
/// command is counted and logged, never thrown: the message is acknowledged and ingest goes on.
/// </summary>
public sealed class AlertCommandHandler(IServiceProvider services, EdgeMetrics metrics, ILogger<AlertCommandHandler> logger)
{
    /// <summary>Subscription filter for every alert command.</summary>
    public const string TopicFilter = "wearable-edge/commands/alerts/+/+";

    private const string Prefix = "wearable-edge/commands/alerts/";

    /// <summary>Whether <paramref name="topic"/> is under the command root (a command, well formed or not).</summary>
    public static bool IsCommandTopic(string topic) => topic?.StartsWith(Prefix, StringComparison.Ordinal) == true;

    /// <summary>Splits <c>wearable-edge/commands/alerts/{alertId}/{ack|resolve}</c>.</summary>
    public static bool TryParseTopic(string topic, out string alertId, out AlertCommand command)
    {
        alertId = "";
        command = default;
        if (!IsCommandTopic(topic))
        {
            return false;
        }

        var parts = topic[Prefix.Length..].Split('/');
        if (parts.Length != 2 || parts[0].Length is 0 or > 64)
        {
            return false;
        }

        AlertCommand? parsed = parts[1] switch
        {
            "ack" => AlertCommand.Acknowledge,
            "resolve" => AlertCommand.Resolve,
            _ => null,
        };
        if (parsed is null)
        {
            return false;
        }

        alertId = parts[0];
        command = parsed.Value;
        return true;
    }

    /// <summary>Parses a command payload; null when it is not a schema-1 command with a non-empty <c>by</c>.</summary>
    public static AlertCommandMessage? ParsePayload(ReadOnlySequence<byte> payload)
    {
        try
        {
            var reader = new Utf8JsonReader(payload);
            var message = JsonSerializer.Deserialize(ref reader, AlertCommandJsonContext.Default.AlertCommandMessage);
            return message is { SchemaVersion: 1 } && !string.IsNullOrWhiteSpace(message.By) && message.By.Length <= 100 ? message : null;
        }
        catch (JsonException)
        {
            return null;
        }
    }

    public async Task HandleAsync(MqttApplicationMessageReceivedEventArgs e)
    {
        ArgumentNullException.ThrowIfNull(e);
        var topic = e.ApplicationMessage.Topic;
        if (!TryParseTopic(topic, out var alertId, out var command))
        {
            Reject("unknown command topic");
            return;
        }

        if (ParsePayload(e.ApplicationMessage.Payload) is not { } message)
        {
            Reject("payload is not {\"schemaVersion\":1,\"by\":\"…\",\"note\":\"…\"}");
            return;
        }

        try
        {
            var commands = services.GetRequiredService<AlertCommandService>();
            var result = await commands.ExecuteAsync(alertId, command, new AlertActor(message.By, "mqtt:" + topic), message.Note).ConfigureAwait(false);
            metrics.AlertTransition("mqtt-command-" + result.Outcome.ToString().ToLowerInvariant());
            Log.AlertCommandReceived(logger, command.ToString(), alertId, result.Outcome.ToString());
        }
        catch (Exception exception) when (exception is not OperationCanceledException)
        {
            metrics.AlertTransition("mqtt-command-failed");
            Log.AlertCommandFailed(logger, exception);
        }
    }

    private void Reject(string reason)
    {
        metrics.AlertTransition("mqtt-command-rejected");
        Log.AlertCommandRejected(logger, reason);
    }
}

/// <summary>Payload of an alert command over MQTT.</summary>
public sealed record AlertCommandMessage
{
    /// <summary>Always 1.</summary>
    public required int SchemaVersion { get; init; }

    /// <summary>The user or app that sent the command: the audit trail's actor.</summary>
    public required string By { get; init; }

    /// <summary>An optional note for the audit trail.</summary>
    public string? Note { get; init; }
}

[JsonSourceGenerationOptions(PropertyNamingPolicy = JsonKnownNamingPolicy.CamelCase, NumberHandling = JsonNumberHandling.Strict)]
[JsonSerializable(typeof(AlertCommandMessage))]
internal sealed partial class AlertCommandJsonContext : JsonSerializerContext
{
}

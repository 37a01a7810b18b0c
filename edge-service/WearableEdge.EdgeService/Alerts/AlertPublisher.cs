using System.Text;
using System.Text.Json;
using WearableEdge.Contracts;
using WearableEdge.EdgeService.Ingest;
using WearableEdge.EdgeService.Storage;
using WearableEdge.EdgeService.Sync;

namespace WearableEdge.EdgeService.Alerts;

/// <summary>
/// Publishes stored alert transitions on <c>wearable-edge/alerts/{patientId}</c> at QoS 1, from the
/// outbox. An entry is done only when the broker acknowledged it; a subscriber may see the same
/// alert id twice after a crash and must treat the later message as the current state.
/// </summary>
public sealed class AlertPublisher(MqttGatewayClient client) : IOutboxTarget
{
    public const string TargetName = "mqtt";

    public string Name => TargetName;

    public bool IsReady => client.IsConnected;

    public bool Takes(string kind, string action) => kind == OutboxKind.Alert;

    public async Task DeliverAsync(IReadOnlyList<OutboxEntry> entries, CancellationToken cancellationToken)
    {
        foreach (var entry in entries)
        {
            var alert = JsonSerializer.Deserialize(entry.Payload, ContractJsonContext.Default.AlertMessage)!;
            await client.PublishAsync(Topics.Alerts(alert.PatientId), Encoding.UTF8.GetBytes(entry.Payload), cancellationToken).ConfigureAwait(false);
        }
    }

    public DeliveryFailure Classify(Exception exception) => new(exception switch
    {
        InvalidOperationException => "broker-unavailable",
        TimeoutException or TaskCanceledException => "timeout",
        _ => exception.GetType().Name,
    });
}

using System.Text;
using System.Text.Json;
using WearableEdge.Contracts;
using WearableEdge.EdgeService.Ingest;
using WearableEdge.EdgeService.Storage;
using WearableEdge.EdgeService.Sync;

namespace WearableEdge.EdgeService.Fhir;

/// <summary>
/// Publishes each stored alert transition as FHIR R4 JSON (RiskAssessment or DetectedIssue) on
/// <c>wearable-edge/fhir/alerts/{patientId}</c> at QoS 1, from the outbox, like
/// <see cref="Alerts.AlertPublisher"/> does for the v1 JSON: rendered in the dispatcher, never on
/// the ingest path; done only when the broker acknowledged it. The subject is the local patient id,
/// as in the v1 topic on the same broker. On only with <c>Fhir:PublishMqtt=true</c>.
/// </summary>
public sealed class FhirAlertPublisher(MqttGatewayClient client) : IOutboxTarget
{
    public const string TargetName = "mqtt-fhir";

    public string Name => TargetName;

    public bool IsReady => client.IsConnected;

    public bool Takes(string kind, string action) => kind == OutboxKind.Alert;

    public async Task DeliverAsync(IReadOnlyList<OutboxEntry> entries, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(entries);
        foreach (var entry in entries)
        {
            var alert = JsonSerializer.Deserialize(entry.Payload, ContractJsonContext.Default.AlertMessage)!;
            var json = AlertFhirRenderer.RenderJson(alert, FhirSubject.Local(alert.PatientId), pretty: false);
            await client.PublishAsync(Topic(alert.PatientId), Encoding.UTF8.GetBytes(json), cancellationToken).ConfigureAwait(false);
        }
    }

    public DeliveryFailure Classify(Exception exception) => new(exception switch
    {
        InvalidOperationException => "broker-unavailable",
        TimeoutException or TaskCanceledException => "timeout",
        _ => exception.GetType().Name,
    });

    /// <summary><c>wearable-edge/fhir/alerts/{patientId}</c>.</summary>
    /// <exception cref="ArgumentException">The id is not one topic level (<see cref="Topics.IsValidPatientId"/>).</exception>
    public static string Topic(string patientId) => Topics.IsValidPatientId(patientId)
        ? "wearable-edge/fhir/alerts/" + patientId
        : throw new ArgumentException("A patient id is 1–64 characters from [A-Za-z0-9._-].", nameof(patientId));
}

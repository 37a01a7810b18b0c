using Microsoft.Extensions.Options;
using WearableEdge.EdgeService.Storage;
using WearableEdge.EdgeService.Sync;

namespace WearableEdge.EdgeService.Devices;

/// <summary>
/// Consent at the gateway's exit. With <c>Devices:Registry=Enforce</c>, an outbox entry bound for the
/// time-series store (<see cref="TimeSeriesTarget.TargetName"/>) is withheld when its patient has no
/// active consent at dispatch, or when the data it carries dates from before the patient's latest
/// withdrawal (so recording consent again does not release what was withheld). Alerts to the ward's
/// MQTT topics are not withheld: they are the alarm channel for nurses on the ward, not upstream sync.
/// With <c>Off</c> nothing is withheld.
/// </summary>
public sealed class ConsentWithholding(DeviceRegistry registry, IOptions<DeviceOptions> options, EdgeMetrics metrics) : IOutboxWithholding
{
    /// <summary>Counter outcome (<c>outbox_deliveries{target_outcome="tsdb:withheld-no-consent"}</c>, <c>minute_summaries{outcome=…}</c>).</summary>
    public const string Outcome = "withheld-no-consent";

    private readonly bool _enforced = options.Value.Registry == DeviceRegistryMode.Enforce;

    public bool AppliesTo(string target) =>
        _enforced && string.Equals(target, TimeSeriesTarget.TargetName, StringComparison.Ordinal);

    public bool Withholds(string target, string patientId, DateTimeOffset eventAt) =>
        AppliesTo(target) && !registry.MaySync(patientId, eventAt);

    public void Withheld(string target, string kind, int count)
    {
        metrics.Delivery(target, Outcome, count);
        if (kind == OutboxKind.VitalsSummary)
        {
            metrics.Summary(Outcome, count);
        }
    }
}

using System.Globalization;
using System.Security.Cryptography;
using System.Text;
using System.Threading.Channels;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;
using WearableEdge.Clinical.Alerts;
using WearableEdge.Clinical.Samples;
using WearableEdge.Clinical.Scoring;
using WearableEdge.Contracts;
using WearableEdge.EdgeService.Api;
using WearableEdge.EdgeService.Scoring;
using WearableEdge.EdgeService.Storage;

namespace WearableEdge.EdgeService.Alerts;

/// <summary>
/// Turns scored windows and device statuses into alert transitions. Per patient, an
/// <see cref="AlertEvaluator"/> (the pure lifecycle, with the patient's <see cref="AlertRuleSet"/>)
/// decides; each transition is committed to the local store (alert, audit row, outbox entries)
/// under the <see cref="AlertLedger"/> lock before the next input is looked at, and only the outbox
/// and the SSE feed, after the commit, tell anyone. A timer every <see cref="AlertOptions.TickInterval"/>
/// evaluates, on the gateway clock, the latest device status of each patient and the time since its
/// wearable's last message (technical alerts: device-off, battery-low, no-data), and re-alerts
/// silences that ran out, also for alerts whose patient sends no more data.
/// </summary>
public sealed class AlertService(
    ChannelReader<ScoredWindow> scored,
    AlertStore store,
    AlertLedger ledger,
    PatientBoard board,
    IOptions<AlertOptions> options,
    EdgeMetrics metrics,
    TimeProvider timeProvider,
    ILogger<AlertService> logger) : BackgroundService
{
    private readonly Dictionary<string, AlertEvaluator> _patients = new(StringComparer.Ordinal);

    // Per patient: the board's count of accepted messages at the last tick, and the gateway time the count was first seen at that value.
    private readonly Dictionary<string, (long Messages, DateTimeOffset SeenAt)> _arrivals = new(StringComparer.Ordinal);

    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        await RestoreAsync(stoppingToken).ConfigureAwait(false);
        await Task.WhenAll(WindowsAsync(stoppingToken), TicksAsync(stoppingToken)).ConfigureAwait(false);
    }

    private async Task RestoreAsync(CancellationToken stoppingToken)
    {
        var open = await store.GetActiveAsync(stoppingToken).ConfigureAwait(false);
        using var _ = await ledger.LockAsync(stoppingToken).ConfigureAwait(false);
        foreach (var alert in open)
        {
            if (EvaluatorOf(alert.PatientId).Tracker(alert.Type) is { } tracker)
            {
                tracker.Restore(
                    AlertPriorityNames.ParseWire(alert.Priority),
                    AlertLifecycle.ParseStatus(alert.Status),
                    alert.StoredAt,
                    alert.PeakScore,
                    alert.SilencedUntil);
                ledger.Stored(alert, tracker);
            }
        }
    }

    /// <summary>
    /// Most scored windows judged under one hold of the ledger lock. Every patient's window closes on
    /// the same 5 s hop, so windows come in bursts of one per patient (docs/performance.md): taking
    /// the lock once per burst instead of once per window, while a staff command waits at most one batch.
    /// </summary>
    private const int MaxWindowsPerLock = 256;

    private async Task WindowsAsync(CancellationToken stoppingToken)
    {
        while (await scored.WaitToReadAsync(stoppingToken).ConfigureAwait(false))
        {
            using var _ = await ledger.LockAsync(stoppingToken).ConfigureAwait(false);
            for (var n = 0; n < MaxWindowsPerLock && scored.TryRead(out var window); n++)
            {
                var evaluator = EvaluatorOf(window.Window.PatientId);
                foreach (var e in evaluator.ObserveWindow(window.Window, window.News2))
                {
                    if (Transition(window.Window.PatientId, e, Describe(window, e, evaluator.Rules)) is { } transition)
                    {
                        await CommitAsync(transition, e.Tracker, stoppingToken).ConfigureAwait(false);
                    }
                }
            }
        }
    }

    private async Task TicksAsync(CancellationToken stoppingToken)
    {
        using var timer = new PeriodicTimer(options.Value.TickInterval, timeProvider);
        while (await timer.WaitForNextTickAsync(stoppingToken).ConfigureAwait(false))
        {
            using var _ = await ledger.LockAsync(stoppingToken).ConfigureAwait(false);
            await TickAsync(stoppingToken).ConfigureAwait(false);
        }
    }

    /// <summary>
    /// One tick at the gateway clock: the time since each wearable's last message (no-data), device
    /// statuses (device-off, battery-low), then silences that ran out, of every open alert. Call under the ledger lock.
    /// </summary>
    internal async Task TickAsync(CancellationToken stoppingToken)
    {
        var now = timeProvider.GetUtcNow();
        foreach (var patient in board.All)
        {
            // Gateway time on both sides: device clocks may run ahead or behind (or fast, in the demo),
            // and a backfilled batch of old device time still proves the link works.
            var silence = EvaluatorOf(patient.PatientId);
            var lastDataAt = LastDataAt(patient, now);
            foreach (var e in silence.ObserveSilence(now, lastDataAt))
            {
                if (Transition(patient.PatientId, e, priority => DescribeNoData(patient, e, priority, lastDataAt, silence.Rules, now)) is { } transition)
                {
                    await CommitAsync(transition, e.Tracker, stoppingToken).ConfigureAwait(false);
                }
            }

            if (patient.Device is not { } device)
            {
                continue;
            }

            // The latest known status, judged at gateway time: a status that stops arriving still counts.
            var evaluator = EvaluatorOf(patient.PatientId);
            bool? worn = device.WearStatus switch { WearStatus.On => true, WearStatus.Off => false, _ => null };
            foreach (var e in evaluator.ObserveDevice(now, worn, device.BatteryPercent))
            {
                if (Transition(patient.PatientId, e, priority => DescribeDevice(patient.PatientId, e, priority, device, evaluator.Rules, now)) is { } transition)
                {
                    await CommitAsync(transition, e.Tracker, stoppingToken).ConfigureAwait(false);
                }
            }
        }

        // Silences run on the gateway clock (they were set by it). Only they are checked here: the
        // re-alert of an unacknowledged alert runs on its rule's own (device) time, in ObserveWindow.
        foreach (var open in ledger.Open.ToList())
        {
            if (open.Alert.Status == "silenced" && open.Alert.SilencedUntil <= now)
            {
                open.Tracker?.Tick(now);
                await CommitAsync(ReAlerted(open.Alert, now), open.Tracker, stoppingToken).ConfigureAwait(false);
            }
        }
    }

    /// <summary>
    /// When the patient's wearable last sent an accepted message (vitals, motion or status), gateway
    /// time; null if never. The board counts accepted messages: a count that moved since the last tick
    /// means data arrived in between, taken as now (at most one <see cref="AlertOptions.TickInterval"/>
    /// late, so no-data raises up to one tick after the silence). A status's own arrival time
    /// (<see cref="PatientSnapshot.DeviceSeenAt"/>) is exact and used when later.
    /// </summary>
    private DateTimeOffset? LastDataAt(PatientSnapshot patient, DateTimeOffset now)
    {
        DateTimeOffset? last = null;
        if (patient.MessagesAccepted > 0)
        {
            if (!_arrivals.TryGetValue(patient.PatientId, out var arrival) || arrival.Messages != patient.MessagesAccepted)
            {
                arrival = (patient.MessagesAccepted, now);
                _arrivals[patient.PatientId] = arrival;
            }

            last = arrival.SeenAt;
        }

        return patient.DeviceSeenAt is { } status && (last is null || status > last) ? status : last;
    }

    private async Task CommitAsync(AlertTransition transition, AlertConditionTracker? tracker, CancellationToken stoppingToken)
    {
        await StoreDurablyAsync(store, transition, timeProvider, logger, stoppingToken).ConfigureAwait(false);
        ledger.Stored(transition.Alert, tracker);
        metrics.AlertTransition(transition.Action);
        var alert = transition.Alert;
        Log.AlertTransition(logger, alert.Id, transition.Action, alert.Priority, alert.RuleId, alert.RuleVersion);
    }

    /// <summary>The stored form of one lifecycle decision; <paramref name="describe"/> gives the content for a priority (raise, escalate).</summary>
    private AlertTransition? Transition(string patientId, AlertEvent e, Func<AlertPriority, AlertMessage> describe)
    {
        var at = e.At;
        var current = ledger.Find(patientId, e.Type)?.Alert;
        var now = timeProvider.GetUtcNow();
        switch (e.Decision.Action)
        {
            case AlertAction.Raise:
                var raised = describe(e.Decision.Priority!.Value) with
                {
                    Id = AlertId(patientId, e.Type, at),
                    RaisedAt = at,
                    StoredAt = now,
                    Late = at < now - options.Value.LateAfter,
                    LastSeenAt = e.Tracker.LastSeenAt,
                    PeakScore = e.Tracker.Peak,
                };
                return new AlertTransition(raised, AlertTransition.Raised, at);
            case AlertAction.Escalate when current is not null:
                var escalated = describe(e.Decision.Priority!.Value) with
                {
                    Id = current.Id,
                    RaisedAt = current.RaisedAt,
                    StoredAt = current.StoredAt,
                    Late = current.Late,
                    LastSeenAt = e.Tracker.LastSeenAt,
                    PeakScore = e.Tracker.Peak,
                };
                return new AlertTransition(escalated, AlertTransition.Escalated, at);
            case AlertAction.Update when current is not null:
                return new AlertTransition(
                    current with { LastSeenAt = e.Tracker.LastSeenAt, PeakScore = e.Tracker.Peak, Score = e.Value ?? current.Score },
                    AlertTransition.Updated,
                    at);
            case AlertAction.ReAlert when current is not null:
                return ReAlerted(current, at);
            case AlertAction.Resolve when current is not null:
                return new AlertTransition(current with { Status = "resolved", ResolvedAt = at, SilencedUntil = null }, AlertTransition.Resolved, at);
            default:
                return null;
        }
    }

    internal static AlertTransition ReAlerted(AlertMessage alert, DateTimeOffset at) =>
        new(alert with { Status = "active", SilencedUntil = null, SilenceReason = null }, AlertTransition.ReAlerted, at);

    private static Func<AlertPriority, AlertMessage> Describe(ScoredWindow window, AlertEvent e, AlertRuleSet rules) => e.Type switch
    {
        SpO2AlertRule.AlertType => priority => DescribeDesaturation(window, priority, e.Value!.Value, e.Tracker.Peak ?? e.Value.Value, rules),
        _ => priority => Describe(window, priority),
    };

    /// <summary>The alert's content from the window that confirmed it: score, reason, inputs, provenance.</summary>
    private static AlertMessage Describe(ScoredWindow window, AlertPriority priority)
    {
        var risk = window.Risk;
        return new AlertMessage
        {
            SchemaVersion = ContractVersion.V1,
            Id = "",
            PatientId = window.Window.PatientId,
            Type = News2AlertRule.AlertType,
            Priority = priority.ToWire(),
            Status = "active",
            RaisedAt = window.Window.WindowEnd,
            StoredAt = default,
            Score = risk.Value,
            Reason = News2AlertRule.Reason(window.News2),
            RuleId = News2AlertRule.RuleId,
            RuleVersion = News2AlertRule.RuleVersion,
            ScoreSourceKind = risk.Kind == ScoreSourceKind.Rule ? "rule" : "model",
            ScoreSourceId = risk.SourceId,
            ScoreSourceVersion = risk.SourceVersion,
            ScoreSourceSha256 = risk.SourceSha256,
            Probability = risk.Probability?.Probability,
            ProbabilityLower = risk.Probability?.Lower,
            ProbabilityUpper = risk.Probability?.Upper,
            Completeness = Math.Round(risk.Completeness, 3),
            NotAssessed = risk.NotAssessed,
            WindowStart = risk.WindowStart,
            WindowEnd = risk.WindowEnd,
            Late = false,
            Technical = false,
            Parameters = [.. risk.Inputs.Select(input => new AlertParameter
            {
                Name = input.Name,
                Loinc = input.Loinc ?? "",
                Value = input.Value,
                Unit = input.Unit,
                Points = input.Points ?? 0,
            })],
        };
    }

    /// <summary>A desaturation alert: the latest SpO2 reading of the window, its thresholds and the delay.</summary>
    private static AlertMessage DescribeDesaturation(ScoredWindow window, AlertPriority priority, double spO2, double peak, AlertRuleSet rules)
    {
        var summary = window.Window.Get(VitalSign.SpO2);
        return new AlertMessage
        {
            SchemaVersion = ContractVersion.V1,
            Id = "",
            PatientId = window.Window.PatientId,
            Type = SpO2AlertRule.AlertType,
            Priority = priority.ToWire(),
            Status = "active",
            RaisedAt = window.Window.WindowEnd,
            StoredAt = default,
            Score = spO2,
            Reason = SpO2AlertRule.Reason(spO2, peak, rules.SpO2Thresholds, rules.SpO2),
            RuleId = SpO2AlertRule.RuleId,
            RuleVersion = SpO2AlertRule.RuleVersion,
            ScoreSourceKind = "rule",
            ScoreSourceId = SpO2AlertRule.RuleId,
            ScoreSourceVersion = SpO2AlertRule.RuleVersion,
            Completeness = Math.Round(summary?.Coverage ?? 0, 3),
            NotAssessed = [],
            WindowStart = window.Window.WindowStart,
            WindowEnd = window.Window.WindowEnd,
            Late = false,
            Technical = false,
            Parameters =
            [
                new AlertParameter
                {
                    Name = VitalSignCodes.Name(VitalSign.SpO2),
                    Loinc = VitalSignCodes.Loinc(VitalSign.SpO2),
                    Value = spO2,
                    Unit = VitalSignCodes.Ucum(VitalSign.SpO2),
                    Points = 0,
                },
            ],
        };
    }

    /// <summary>A technical alert from the wearable's own status.</summary>
    private static AlertMessage DescribeDevice(
        string patientId, AlertEvent e, AlertPriority priority, DeviceStatus device, AlertRuleSet rules, DateTimeOffset at)
    {
        var battery = e.Type == DeviceAlertRule.BatteryLowType;
        var reason = battery
            ? string.Create(CultureInfo.InvariantCulture, $"Wearable {device.DeviceId} battery {device.BatteryPercent:0} % (below {rules.BatteryLowBelow:0} %; clears at ≥ {rules.BatteryClearAtOrAbove:0} %)")
            : string.Create(CultureInfo.InvariantCulture, $"Wearable {device.DeviceId} reports it is not worn for at least {rules.DeviceOff.ConditionDelay.TotalSeconds:0} s: vital signs are not being monitored");
        return new AlertMessage
        {
            SchemaVersion = ContractVersion.V1,
            Id = "",
            PatientId = patientId,
            Type = e.Type,
            Priority = priority.ToWire(),
            Status = "active",
            RaisedAt = at,
            StoredAt = default,
            Score = battery ? device.BatteryPercent : 0,
            Reason = reason,
            RuleId = DeviceAlertRule.RuleId,
            RuleVersion = DeviceAlertRule.RuleVersion,
            ScoreSourceKind = "rule",
            ScoreSourceId = DeviceAlertRule.RuleId,
            ScoreSourceVersion = DeviceAlertRule.RuleVersion,
            Completeness = 1,
            NotAssessed = [],
            WindowStart = device.Ts ?? at,
            WindowEnd = device.Ts ?? at,
            Late = false,
            Technical = true,
            Parameters = battery
                ? [new AlertParameter { Name = "batteryPercent", Loinc = "", Value = device.BatteryPercent, Unit = "%", Points = 0 }]
                : [new AlertParameter { Name = "signalQuality", Loinc = "", Value = device.SignalQuality, Unit = "1", Points = 0 }],
        };
    }

    /// <summary>A technical alert: nothing has arrived from the patient's wearable for the configured silence.</summary>
    /// <summary>The newest device time seen from the patient's wearable: its last window, motion batch or status; null if none.</summary>
    private static DateTimeOffset? LastDeviceTime(PatientSnapshot patient)
    {
        DateTimeOffset? last = null;
        foreach (var seen in new[] { patient.LatestWindow?.WindowEnd, patient.LastMotionAt, patient.Device?.Ts })
        {
            if (seen is { } time && (last is null || time > last))
            {
                last = time;
            }
        }

        return last;
    }

    private static AlertMessage DescribeNoData(
        PatientSnapshot patient, AlertEvent e, AlertPriority priority, DateTimeOffset? lastDataAt, AlertRuleSet rules, DateTimeOffset at)
    {
        var silentSeconds = e.Value ?? 0;
        var lastDeviceTime = LastDeviceTime(patient);
        var device = patient.Device is { } status ? $"Wearable {status.DeviceId}" : "The patient's wearable";
        return new AlertMessage
        {
            SchemaVersion = ContractVersion.V1,
            Id = "",
            PatientId = patient.PatientId,
            Type = NoDataAlertRule.AlertType,
            Priority = priority.ToWire(),
            Status = "active",
            RaisedAt = at,
            StoredAt = default,
            Score = silentSeconds,
            Reason = string.Create(CultureInfo.InvariantCulture, $"{device} has sent nothing for {silentSeconds:0} s (alert after {rules.NoDataSilence.TotalSeconds:0} s): vital signs are not being monitored"),
            RuleId = NoDataAlertRule.RuleId,
            RuleVersion = NoDataAlertRule.RuleVersion,
            ScoreSourceKind = "rule",
            ScoreSourceId = NoDataAlertRule.RuleId,
            ScoreSourceVersion = NoDataAlertRule.RuleVersion,
            Completeness = 0,
            NotAssessed = [],
            // The silence is judged on the gateway clock, but the alert is dated, like every other, in
            // device time: from the last device timestamp the patient's wearable sent (the data a nurse
            // has), so a backfill can be placed beside it; the gateway clock where nothing was seen yet.
            WindowStart = lastDeviceTime ?? lastDataAt ?? at,
            WindowEnd = lastDeviceTime ?? at,
            Late = false,
            Technical = true,
            Parameters = [new AlertParameter { Name = "secondsWithoutData", Loinc = "", Value = silentSeconds, Unit = "s", Points = 0 }],
        };
    }

    /// <summary>
    /// A stable id from patient, type and device time: replaying the same data gives the same id,
    /// so a re-sent alert is recognised downstream. It carries no readable patient id.
    /// </summary>
    internal static string AlertId(string patientId, string type, DateTimeOffset raisedAt)
    {
        var key = string.Create(CultureInfo.InvariantCulture, $"{patientId}|{type}|{raisedAt.ToUnixTimeMilliseconds()}");
        return "al-" + Convert.ToHexStringLower(SHA256.HashData(Encoding.UTF8.GetBytes(key)), 0, 12);
    }

    /// <summary>
    /// Commits a transition (alert, audit row, outbox entries) to the local store. The store is the
    /// record: keep trying rather than drop an alert; the caller's pipeline waits meanwhile.
    /// </summary>
    internal static async Task StoreDurablyAsync(
        AlertStore store, AlertTransition transition, TimeProvider timeProvider, ILogger logger, CancellationToken stoppingToken)
    {
        while (true)
        {
            try
            {
                await store.RecordAsync(transition, stoppingToken).ConfigureAwait(false);
                return;
            }
            catch (Exception e) when (e is not OperationCanceledException)
            {
                Log.AlertStoreFailed(logger, e);
                await Task.Delay(TimeSpan.FromSeconds(1), timeProvider, stoppingToken).ConfigureAwait(false);
            }
        }
    }

    private AlertEvaluator EvaluatorOf(string patientId)
    {
        if (!_patients.TryGetValue(patientId, out var evaluator))
        {
            evaluator = new AlertEvaluator(options.Value.RulesFor(patientId));
            _patients[patientId] = evaluator;
        }

        return evaluator;
    }
}

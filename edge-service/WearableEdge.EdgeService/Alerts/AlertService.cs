using System.Globalization;
using System.Security.Cryptography;
using System.Text;
using System.Threading.Channels;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;
using WearableEdge.Clinical.Alerts;
using WearableEdge.Clinical.Scoring;
using WearableEdge.Contracts;
using WearableEdge.EdgeService.Scoring;
using WearableEdge.EdgeService.Storage;

namespace WearableEdge.EdgeService.Alerts;

/// <summary>
/// Turns scored windows into alert transitions. Per patient, a <see cref="AlertConditionTracker"/>
/// applies the condition delay and dedup; each transition is committed to the local store (with its
/// outbox entries) before the next window is looked at, and only the outbox tells anyone.
/// </summary>
public sealed class AlertService(
    ChannelReader<ScoredWindow> scored,
    AlertStore store,
    IOptions<AlertOptions> options,
    EdgeMetrics metrics,
    TimeProvider timeProvider,
    ILogger<AlertService> logger) : BackgroundService
{
    private readonly Dictionary<string, PatientAlertState> _patients = new(StringComparer.Ordinal);

    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        foreach (var active in await store.GetActiveAsync(stoppingToken).ConfigureAwait(false))
        {
            if (active.Type == News2AlertRule.AlertType)
            {
                var state = StateOf(active.PatientId);
                state.Tracker.RestoreActive(AlertPriorityNames.ParseWire(active.Priority));
                state.Active = active;
            }
        }

        await foreach (var window in scored.ReadAllAsync(stoppingToken).ConfigureAwait(false))
        {
            var state = StateOf(window.Window.PatientId);
            if (window.News2.Components.Count == 0)
            {
                // No vital sign had enough data: the condition is unknown, neither present nor clear.
                continue;
            }

            var decision = state.Tracker.Observe(window.Window.WindowEnd, News2AlertRule.Condition(window.News2));
            if (Transition(state, decision, window) is { } transition)
            {
                await StoreAsync(transition, stoppingToken).ConfigureAwait(false);
                state.Active = transition.Action == AlertTransition.Resolved ? null : transition.Alert;
                metrics.AlertTransition(transition.Action);
                var alert = transition.Alert;
                Log.AlertTransition(logger, alert.Id, transition.Action, alert.Priority, alert.RuleId, alert.RuleVersion, alert.Score);
            }
        }
    }

    private AlertTransition? Transition(PatientAlertState state, AlertDecision decision, ScoredWindow window)
    {
        var at = window.Window.WindowEnd;
        switch (decision.Action)
        {
            case AlertAction.Raise:
                var raised = Describe(window, decision.Priority!.Value) with
                {
                    Id = AlertId(window.Window.PatientId, News2AlertRule.AlertType, at),
                    RaisedAt = at,
                    StoredAt = timeProvider.GetUtcNow(),
                    Late = at < timeProvider.GetUtcNow() - options.Value.LateAfter,
                };
                return new AlertTransition(raised, AlertTransition.Raised, at);
            case AlertAction.Escalate when state.Active is { } active:
                var escalated = Describe(window, decision.Priority!.Value) with
                {
                    Id = active.Id,
                    RaisedAt = active.RaisedAt,
                    StoredAt = active.StoredAt,
                    Late = active.Late,
                };
                return new AlertTransition(escalated, AlertTransition.Escalated, at);
            case AlertAction.Resolve when state.Active is { } active:
                return new AlertTransition(active with { Status = "resolved", ResolvedAt = at }, AlertTransition.Resolved, at);
            default:
                return null;
        }
    }

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

    /// <summary>
    /// A stable id from patient, type and device time: replaying the same data gives the same id,
    /// so a re-sent alert is recognised downstream. It carries no readable patient id.
    /// </summary>
    internal static string AlertId(string patientId, string type, DateTimeOffset raisedAt)
    {
        var key = string.Create(CultureInfo.InvariantCulture, $"{patientId}|{type}|{raisedAt.ToUnixTimeMilliseconds()}");
        return "al-" + Convert.ToHexStringLower(SHA256.HashData(Encoding.UTF8.GetBytes(key)), 0, 12);
    }

    private Task StoreAsync(AlertTransition transition, CancellationToken stoppingToken) =>
        StoreDurablyAsync(store, transition, timeProvider, logger, stoppingToken);

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

    private PatientAlertState StateOf(string patientId)
    {
        if (!_patients.TryGetValue(patientId, out var state))
        {
            state = new PatientAlertState(new AlertConditionTracker(options.Value.ToTiming()));
            _patients[patientId] = state;
        }

        return state;
    }

    private sealed class PatientAlertState(AlertConditionTracker tracker)
    {
        public AlertConditionTracker Tracker { get; } = tracker;

        public AlertMessage? Active { get; set; }
    }
}

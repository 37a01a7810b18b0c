using System.Globalization;
using System.Threading.Channels;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;
using WearableEdge.Clinical.Alerts;
using WearableEdge.Contracts;
using WearableEdge.EdgeService.Scoring;
using WearableEdge.EdgeService.Scoring.Models;
using WearableEdge.EdgeService.Storage;

namespace WearableEdge.EdgeService.Alerts;

/// <summary>
/// Turns model scores into alert transitions, through the same path as the NEWS2 alerts: each
/// transition is committed to the local store with its outbox entries before the next score is
/// looked at, and only the outbox publishes it.
/// <list type="bullet">
/// <item><b>Conditions</b> (hourly deterioration risk): an alert is raised at the first hourly
/// probability at or above a threshold of the manifest (no further delay: one score per hour is
/// itself the persistence), escalated when a later hour reaches a higher priority's threshold, and
/// resolved when the probability has stayed below every threshold for
/// <c>Models:DeteriorationClearDelay</c> (default 2 h, two hourly scores).</item>
/// <item><b>Events</b> (falls): an alert is raised at once, at the priority of the window's
/// probability. Later windows of the same patient within <c>Models:FallRefractoryPeriod</c>
/// (default 60 s) raise nothing new, one fall being seen by several overlapping windows; a higher
/// priority among them escalates the same alert. Resolve policy: a fall alert is never resolved
/// by the model — lying still after a fall is part of the fall, and only someone who has seen the
/// patient can say it is dealt with — so it stays active until staff resolve it.</item>
/// </list>
/// </summary>
public sealed class ModelAlertService(
    ChannelReader<ModelScore> scores,
    AlertStore store,
    IOptions<ModelOptions> modelOptions,
    IOptions<AlertOptions> alertOptions,
    EdgeMetrics metrics,
    TimeProvider timeProvider,
    ILogger<ModelAlertService> logger,
    AlertLedger? ledger = null) : BackgroundService
{
    private readonly AlertLedger _ledger = ledger ?? new AlertLedger();

    /// <summary>Alert rule id of model alerts: a probability crossing a manifest threshold.</summary>
    public const string RuleId = "model-threshold";

    public const string RuleVersion = "1";

    private readonly Dictionary<(string PatientId, string ModelId), ModelAlertState> _states = [];
    private readonly Dictionary<(string PatientId, string ModelId), AlertMessage> _restored = [];

    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        var open = await store.GetActiveAsync(stoppingToken).ConfigureAwait(false);
        using (await _ledger.LockAsync(stoppingToken).ConfigureAwait(false))
        {
            foreach (var active in open.Where(a => a.ScoreSourceKind == "model"))
            {
                _restored[(active.PatientId, active.ScoreSourceId)] = active;
                _ledger.Stored(active, tracker: null);
            }
        }

        await foreach (var score in scores.ReadAllAsync(stoppingToken).ConfigureAwait(false))
        {
            using var _ = await _ledger.LockAsync(stoppingToken).ConfigureAwait(false);
            if (Evaluate(score) is { } transition)
            {
                await AlertService.StoreDurablyAsync(store, transition, timeProvider, logger, stoppingToken).ConfigureAwait(false);
                Committed(score, transition);
                metrics.AlertTransition(transition.Action);
                var alert = transition.Alert;
                Log.AlertTransition(logger, alert.Id, transition.Action, alert.Priority, alert.ScoreSourceId, alert.ScoreSourceVersion);
            }
        }
    }

    /// <summary>The transition one score causes, if any; the caller stores it and then records it as the active alert.</summary>
    internal AlertTransition? Evaluate(ModelScore score)
    {
        var state = StateOf(score);
        var at = score.WindowEnd;

        // Staff may have acknowledged, silenced or resolved the alert since: the ledger holds its stored state.
        if (state.Active is { } known)
        {
            state.Active = _ledger.Find(known.Id)?.Alert;
        }

        if (score.Model.Kind == FeatureSetKind.MotionWindow)
        {
            if (score.Priority is not { } priority)
            {
                return null;
            }

            if (state.Active is { } open && at - open.RaisedAt < modelOptions.Value.FallRefractoryPeriod)
            {
                return priority > AlertPriorityNames.ParseWire(open.Priority)
                    ? new AlertTransition(Escalated(open, score, priority), AlertTransition.Escalated, at)
                    : null;
            }

            return new AlertTransition(Raised(score, priority), AlertTransition.Raised, at);
        }

        var decision = state.Tracker.Observe(at, score.Priority);
        return decision.Action switch
        {
            AlertAction.Raise => new AlertTransition(Raised(score, decision.Priority!.Value), AlertTransition.Raised, at),
            AlertAction.Escalate when state.Active is { } active =>
                new AlertTransition(Escalated(active, score, decision.Priority!.Value), AlertTransition.Escalated, at),
            AlertAction.Resolve when state.Active is { } active =>
                new AlertTransition(active with { Status = "resolved", ResolvedAt = at }, AlertTransition.Resolved, at),
            _ => null,
        };
    }

    /// <summary>Records <paramref name="transition"/> as the patient's open alert for its model (done after it is stored).</summary>
    internal void Committed(ModelScore score, AlertTransition transition)
    {
        ArgumentNullException.ThrowIfNull(score);
        ArgumentNullException.ThrowIfNull(transition);
        var state = StateOf(score);
        state.Active = transition.Action == AlertTransition.Resolved ? null : transition.Alert;

        // A fall alert has no condition tracker: staff commands change its status directly.
        _ledger.Stored(transition.Alert, score.Model.Kind == FeatureSetKind.MotionWindow ? null : state.Tracker);
    }

    private AlertMessage Raised(ModelScore score, AlertPriority priority)
    {
        var now = timeProvider.GetUtcNow();
        return Describe(score, priority) with
        {
            Id = AlertService.AlertId(score.PatientId, score.Model.AlertType, score.WindowEnd),
            StoredAt = now,
            Late = score.WindowEnd < now - alertOptions.Value.LateAfter,
        };
    }

    private static AlertMessage Escalated(AlertMessage active, ModelScore score, AlertPriority priority) =>
        Describe(score, priority) with { Id = active.Id, RaisedAt = active.RaisedAt, StoredAt = active.StoredAt, Late = active.Late, Technical = false };

    /// <summary>The alert's content from one score: probability and interval, provenance, window, inputs, and why.</summary>
    internal static AlertMessage Describe(ModelScore score, AlertPriority priority)
    {
        ArgumentNullException.ThrowIfNull(score);
        var p = score.Probability;
        return new AlertMessage
        {
            SchemaVersion = ContractVersion.V1,
            Id = "",
            PatientId = score.PatientId,
            Type = score.Model.AlertType,
            Priority = priority.ToWire(),
            Status = "active",
            RaisedAt = score.WindowEnd,
            StoredAt = default,
            Score = Math.Round(p.Probability, 4),
            Reason = Reason(score),
            RuleId = RuleId,
            RuleVersion = RuleVersion,
            ScoreSourceKind = "model",
            ScoreSourceId = score.Model.Id,
            ScoreSourceVersion = score.Model.Version,
            ScoreSourceSha256 = score.Model.Sha256,
            Probability = Math.Round(p.Probability, 4),
            ProbabilityLower = Math.Round(p.Lower, 4),
            ProbabilityUpper = Math.Round(p.Upper, 4),
            Completeness = score.Completeness,
            NotAssessed = score.NotAssessed,
            WindowStart = score.WindowStart,
            WindowEnd = score.WindowEnd,
            Late = false,
            Technical = false,
            Parameters = [],
            Features = [.. score.Inputs.Select(i => new AlertFeature { Name = i.Name, Label = i.Label, Value = i.Value, Unit = i.Unit, Window = i.Window })],
            TopFeatures = [.. score.TopFeatures.Select(t => new AlertFeatureContribution
            {
                Name = t.Name,
                Description = t.Description,
                Value = t.Value,
                Reference = t.Reference,
                ProbabilityChange = t.ProbabilityChange,
            })],
        };
    }

    /// <summary>For example "Deterioration risk 42 % (31–55 %) from model deterioration-sepsis-6h 1.0.0: SpO2 trend −4.0 %/h, …".</summary>
    internal static string Reason(ModelScore score)
    {
        ArgumentNullException.ThrowIfNull(score);
        var headline = score.Model.AlertType switch
        {
            "deterioration" => "Deterioration risk",
            "fall" => "Fall probability",
            var other => $"{other} probability",
        };
        var p = score.Probability;
        var why = score.TopFeatures.Count == 0 ? "no single input stands out" : string.Join(", ", score.TopFeatures.Select(t => t.Description));
        return string.Create(
            CultureInfo.InvariantCulture,
            $"{headline} {Percent(p.Probability)} % ({Percent(p.Lower)}\u2013{Percent(p.Upper)} %) from model {score.Model.Id} {score.Model.Version}: {why}");
    }

    private static string Percent(double probability) => Math.Round(probability * 100).ToString("0", CultureInfo.InvariantCulture);

    private ModelAlertState StateOf(ModelScore score)
    {
        var key = (score.PatientId, score.Model.Id);
        if (!_states.TryGetValue(key, out var state))
        {
            state = new ModelAlertState(new AlertConditionTracker(new AlertTiming(TimeSpan.Zero, modelOptions.Value.DeteriorationClearDelay)));
            if (_restored.Remove(key, out var restored))
            {
                state.Active = restored;
                state.Tracker.Restore(
                    AlertPriorityNames.ParseWire(restored.Priority), AlertLifecycle.ParseStatus(restored.Status), restored.StoredAt, null, restored.SilencedUntil);
                if (score.Model.Kind != FeatureSetKind.MotionWindow && _ledger.Find(restored.Id) is { } open)
                {
                    open.Tracker = state.Tracker;
                }
            }

            _states[key] = state;
        }

        return state;
    }

    private sealed class ModelAlertState(AlertConditionTracker tracker)
    {
        public AlertConditionTracker Tracker { get; } = tracker;

        public AlertMessage? Active { get; set; }
    }
}

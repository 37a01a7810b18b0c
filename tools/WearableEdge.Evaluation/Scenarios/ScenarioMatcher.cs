namespace WearableEdge.Evaluation.Scenarios;

/// <summary>What became of one ground-truth event.</summary>
/// <param name="Truth">The event.</param>
/// <param name="Rule">The rule it was matched by; null when the harness knows no rule for its kind.</param>
/// <param name="Detection">The earliest alert that detected it; null when missed.</param>
/// <param name="MatchingAlerts">Every alert that matched it (a second alert for one event is not counted again).</param>
/// <param name="MissedReason">Why it was missed; null when detected.</param>
public sealed record EventOutcome(TruthEvent Truth, MatchingRule? Rule, ObservedAlert? Detection, int MatchingAlerts, string? MissedReason)
{
    public bool Detected => Detection is not null;

    /// <summary>Raise of the detecting alert minus the onset (negative when it came before the onset, as a fall's may).</summary>
    public TimeSpan? Latency => Detection is { } alert ? alert.RaisedAt - Truth.Onset : null;

    /// <summary>Technical event (device-removed, battery-drain, bluetooth-gap).</summary>
    public bool Technical => Rule?.Technical ?? false;
}

/// <summary>An alert about data from inside a Bluetooth gap, delivered when the data was backfilled.</summary>
/// <param name="Alert">The alert.</param>
/// <param name="Gap">The gap its window ended in.</param>
public sealed record BackfilledAlert(ObservedAlert Alert, TruthEvent Gap);

/// <summary>The outcome of matching a run's alerts to its ground truth.</summary>
/// <param name="Events">One outcome per ground-truth event, in ground-truth order.</param>
/// <param name="FalseAlerts">Alerts that matched no event of their patient.</param>
/// <param name="Alerts">Every alert seen.</param>
/// <param name="Backfilled">Alerts whose window ended inside a Bluetooth gap of their patient.</param>
public sealed record MatchResult(
    IReadOnlyList<EventOutcome> Events, IReadOnlyList<ObservedAlert> FalseAlerts, IReadOnlyList<ObservedAlert> Alerts, IReadOnlyList<BackfilledAlert> Backfilled);

/// <summary>Matches alerts to ground truth with <see cref="MatchingRules"/>.</summary>
public static class ScenarioMatcher
{
    /// <summary>
    /// Each event is detected by the earliest alert its rule accepts; more alerts for the same event are
    /// counted once. An alert may detect several overlapping events (a NEWS2 alert during a desaturation
    /// inside a deterioration detects both). An alert that matches no event of its patient is a false alert.
    /// </summary>
    /// <param name="truth">Ground-truth events (not the monitored lines).</param>
    /// <param name="alerts">Alerts the service raised, one per alert id.</param>
    public static MatchResult Match(IReadOnlyList<TruthEvent> truth, IReadOnlyList<ObservedAlert> alerts)
    {
        ArgumentNullException.ThrowIfNull(truth);
        ArgumentNullException.ThrowIfNull(alerts);
        var used = new HashSet<string>(StringComparer.Ordinal);
        var outcomes = new List<EventOutcome>(truth.Count);
        foreach (var item in truth)
        {
            var rule = MatchingRules.For(item);
            if (rule is null)
            {
                outcomes.Add(new EventOutcome(item, null, null, 0, $"no matching rule for event '{item.Kind}'"));
                continue;
            }

            if (rule.NoDetectorReason is { } noDetector)
            {
                outcomes.Add(new EventOutcome(item, rule, null, 0, noDetector));
                continue;
            }

            var matching = alerts.Where(a => rule.Matches(item, a)).OrderBy(a => a.RaisedAt).ToList();
            foreach (var alert in matching)
            {
                used.Add(alert.Id);
            }

            outcomes.Add(matching.Count > 0
                ? new EventOutcome(item, rule, matching[0], matching.Count, null)
                : new EventOutcome(item, rule, null, 0, MissedReason(item, rule, alerts)));
        }

        var falseAlerts = alerts.Where(a => !used.Contains(a.Id)).OrderBy(a => a.RaisedAt).ToList();
        var gaps = truth.Where(t => t.Kind == "bluetooth-gap").ToList();
        var backfilled = alerts
            .SelectMany(a => gaps.Where(g => g.PatientId == a.PatientId && a.WindowEnd >= g.Onset && a.WindowEnd <= g.End && a.Type != "no-data")
                .Take(1)
                .Select(g => new BackfilledAlert(a, g)))
            .ToList();
        return new MatchResult(outcomes, falseAlerts, alerts, backfilled);
    }

    /// <summary>Why an event with a detector was missed: the nearest alert of the right type if any, else none.</summary>
    private static string MissedReason(TruthEvent item, MatchingRule rule, IReadOnlyList<ObservedAlert> alerts)
    {
        var sameType = alerts.Where(a => a.PatientId == item.PatientId && rule.AlertTypes.Contains(a.Type)).ToList();
        if (sameType.Count == 0)
        {
            var other = alerts.Where(a => a.PatientId == item.PatientId && a.RaisedAt >= rule.WindowStart(item) && a.RaisedAt <= rule.WindowEnd(item))
                .Select(a => a.Type).Distinct().Order(StringComparer.Ordinal).ToList();
            return other.Count == 0
                ? $"no {string.Join(" or ", rule.AlertTypes)} alert for the patient"
                : $"no {string.Join(" or ", rule.AlertTypes)} alert for the patient (in the window only: {string.Join(", ", other)})";
        }

        var nearest = sameType.MinBy(a => Math.Abs((a.RaisedAt - item.Onset).Ticks))!;
        var offset = nearest.RaisedAt - item.Onset;
        var where = nearest.RaisedAt < rule.WindowStart(item) ? "before the window" : "after the window";
        return $"nearest {nearest.Type} alert {where}, at onset {Signed(offset)}";
    }

    /// <summary>A signed duration for the report: <c>+ 3 min 20 s</c>, <c>− 12 s</c>.</summary>
    /// <param name="offset">The duration.</param>
    public static string Signed(TimeSpan offset)
    {
        var sign = offset < TimeSpan.Zero ? "−" : "+";
        var size = offset.Duration();
        var text = size.TotalHours >= 1 ? $"{(int)size.TotalHours} h {size.Minutes} min"
            : size.TotalMinutes >= 1 ? $"{(int)size.TotalMinutes} min {size.Seconds} s"
            : $"{size.TotalSeconds:0} s";
        return $"{sign} {text}";
    }
}

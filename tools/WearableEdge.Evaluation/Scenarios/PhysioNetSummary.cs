namespace WearableEdge.Evaluation.Scenarios;

/// <summary>One replayed septic patient: whether an alert came in the early-warning window, and how early.</summary>
/// <param name="PatientId">Replayed patient id.</param>
/// <param name="Onset">Sepsis-3 onset (device time).</param>
/// <param name="FirstAlert">Earliest NEWS2 or deterioration-model alert in [onset − 12 h, onset + 3 h]; null if none.</param>
/// <param name="ShortLookBack">The patient's data starts less than 12 h before the onset.</param>
public sealed record SepticPatient(string PatientId, DateTimeOffset Onset, ObservedAlert? FirstAlert, bool ShortLookBack)
{
    /// <summary>For a missed patient: where the nearest NEWS2 or deterioration alert was, or that there was none.</summary>
    public string? MissedReason { get; init; }

    /// <summary>Onset minus the first alert in the window (negative: after the onset).</summary>
    public TimeSpan? LeadTime => FirstAlert is { } alert ? Onset - alert.RaisedAt : null;
}

/// <summary>
/// Patient-level figures of a PhysioNet replay: sensitivity over septic patients (an alert of
/// <see cref="MatchingRules.PhysioNetSepsis"/>'s types in its window), lead time, and alerts per
/// patient-day over the non-septic patients (every clinical alert of theirs is a false alert).
/// </summary>
/// <param name="Septic">One row per septic patient.</param>
/// <param name="Sensitivity">Septic patients alerted in the window, news2 or deterioration.</param>
/// <param name="SensitivityByType">The same per alert type alone.</param>
/// <param name="NonSepticPatients">Replayed patients without a sepsis line.</param>
/// <param name="NonSepticPatientDays">Their monitored patient-days.</param>
/// <param name="NonSepticAlertsPerDayByType">Their clinical alerts per patient-day, by type.</param>
/// <param name="NonSepticClinicalPerDayByPriority">Their clinical alerts per patient-day, by priority.</param>
/// <param name="LeadTimesHours">Lead times of the alerted septic patients, hours.</param>
public sealed record PhysioNetSummary(
    IReadOnlyList<SepticPatient> Septic,
    Proportion Sensitivity,
    IReadOnlyDictionary<string, Proportion> SensitivityByType,
    int NonSepticPatients,
    double NonSepticPatientDays,
    IReadOnlyDictionary<string, double> NonSepticAlertsPerDayByType,
    IReadOnlyDictionary<string, double> NonSepticClinicalPerDayByPriority,
    IReadOnlyList<double> LeadTimesHours)
{
    /// <summary>Computes the figures from a replay's ground truth and the alerts seen.</summary>
    /// <param name="truth">Ground truth with <c>sepsis</c> lines (source physionet) and one monitored line per replayed patient.</param>
    /// <param name="alerts">Alerts, one per id.</param>
    public static PhysioNetSummary From(GroundTruth truth, IReadOnlyList<ObservedAlert> alerts)
    {
        ArgumentNullException.ThrowIfNull(truth);
        ArgumentNullException.ThrowIfNull(alerts);
        var rule = MatchingRules.PhysioNetSepsis;
        var spans = truth.Monitored.GroupBy(m => m.PatientId, StringComparer.Ordinal).ToDictionary(g => g.Key, g => g.Min(m => m.Onset), StringComparer.Ordinal);
        var sepsis = truth.Events.Where(e => e.Kind == "sepsis").ToList();
        var septic = sepsis.Select(e =>
        {
            var first = alerts.Where(a => rule.Matches(e, a)).MinBy(a => a.RaisedAt);
            var shortLookBack = spans.TryGetValue(e.PatientId, out var start) && start > rule.WindowStart(e);
            var nearest = alerts.Where(a => a.PatientId == e.PatientId && rule.AlertTypes.Contains(a.Type)).MinBy(a => Math.Abs((a.RaisedAt - e.Onset).Ticks));
            var why = first is not null ? null
                : nearest is null ? "no news2 or deterioration alert"
                : $"nearest {nearest.Type} alert at onset {ScenarioMatcher.Signed(nearest.RaisedAt - e.Onset)}";
            return new SepticPatient(e.PatientId, e.Onset, first, shortLookBack) { MissedReason = why };
        }).ToList();
        var byType = rule.AlertTypes.ToDictionary(
            type => type,
            type => ScenarioStatistics.Wilson(sepsis.Count(e => alerts.Any(a => a.Type == type && rule.Matches(e, a))), sepsis.Count),
            StringComparer.Ordinal);
        var septicIds = sepsis.Select(e => e.PatientId).ToHashSet(StringComparer.Ordinal);
        var nonSeptic = truth.Monitored.Where(m => !septicIds.Contains(m.PatientId)).ToList();
        var nonSepticIds = nonSeptic.Select(m => m.PatientId).ToHashSet(StringComparer.Ordinal);
        var days = ScenarioStatistics.PatientDays(nonSeptic, 0, TimeSpan.Zero);
        var theirs = alerts.Where(a => !a.Technical && nonSepticIds.Contains(a.PatientId)).ToList();
        var perDay = days > 0
            ? theirs.GroupBy(a => a.Type, StringComparer.Ordinal).OrderBy(g => g.Key, StringComparer.Ordinal).ToDictionary(g => g.Key, g => g.Count() / days, StringComparer.Ordinal)
            : [];
        var byPriority = ScenarioSummary.Priorities.ToDictionary(p => p, p => days > 0 ? theirs.Count(a => a.Priority == p) / days : double.NaN, StringComparer.Ordinal);
        return new PhysioNetSummary(
            septic,
            ScenarioStatistics.Wilson(septic.Count(s => s.FirstAlert is not null), septic.Count),
            byType,
            nonSepticIds.Count,
            days,
            perDay,
            byPriority,
            septic.Where(s => s.LeadTime is not null).Select(s => s.LeadTime!.Value.TotalHours).ToList());
    }
}

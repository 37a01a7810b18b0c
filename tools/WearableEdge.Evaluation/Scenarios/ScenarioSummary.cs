namespace WearableEdge.Evaluation.Scenarios;

/// <summary>Detection of one event kind.</summary>
/// <param name="Kind">Event kind.</param>
/// <param name="Rule">Its matching rule; null if none.</param>
/// <param name="Sensitivity">Detected / events, with the Wilson 95 % interval.</param>
/// <param name="MedianLatency">Median latency from onset, seconds; null when none detected.</param>
/// <param name="P95Latency">95th percentile latency from onset, seconds.</param>
/// <param name="DetectedBy">Detections by the type of the first alert, for example <c>news2 3</c>.</param>
public sealed record KindSummary(string Kind, MatchingRule? Rule, Proportion Sensitivity, double? MedianLatency, double? P95Latency, IReadOnlyDictionary<string, int> DetectedBy);

/// <summary>The figures of one run, computed from a <see cref="MatchResult"/> and the patient-days.</summary>
/// <param name="PatientDays">Patient-days monitored.</param>
/// <param name="Kinds">Per event kind, in the order of <see cref="MatchingRules.Scenario"/> then any other.</param>
/// <param name="ClinicalFalsePerDayByPriority">Clinical false alerts per patient-day, by priority (high, medium, low).</param>
/// <param name="TechnicalFalsePerDayByType">Technical false alerts per patient-day, by type.</param>
/// <param name="AlertsPerDayByType">Every alert per patient-day, by type.</param>
/// <param name="FalsePerDayByType">False alerts per patient-day, by type (every type of <paramref name="AlertsPerDayByType"/>, 0 when none).</param>
/// <param name="ClinicalLatencies">Latency (s) of every detected clinical event.</param>
/// <param name="Result">The match it was computed from.</param>
public sealed record ScenarioSummary(
    double PatientDays,
    IReadOnlyList<KindSummary> Kinds,
    IReadOnlyDictionary<string, double> ClinicalFalsePerDayByPriority,
    IReadOnlyDictionary<string, double> TechnicalFalsePerDayByType,
    IReadOnlyDictionary<string, double> AlertsPerDayByType,
    IReadOnlyDictionary<string, double> FalsePerDayByType,
    IReadOnlyList<double> ClinicalLatencies,
    MatchResult Result)
{
    public static readonly string[] Priorities = ["high", "medium", "low"];

    /// <summary>Summarises <paramref name="result"/> over <paramref name="patientDays"/>.</summary>
    /// <param name="result">The match.</param>
    /// <param name="patientDays">Patient-days monitored; above 0.</param>
    public static ScenarioSummary From(MatchResult result, double patientDays)
    {
        ArgumentNullException.ThrowIfNull(result);
        ArgumentOutOfRangeException.ThrowIfLessThanOrEqual(patientDays, 0);
        var order = MatchingRules.Scenario.Keys.ToList();
        var kinds = result.Events
            .GroupBy(e => e.Truth.Kind, StringComparer.Ordinal)
            .OrderBy(g => order.IndexOf(g.Key) is var i && i < 0 ? int.MaxValue : i)
            .ThenBy(g => g.Key, StringComparer.Ordinal)
            .Select(g =>
            {
                var latencies = g.Where(e => e.Latency is not null).Select(e => e.Latency!.Value.TotalSeconds).ToList();
                return new KindSummary(
                    g.Key,
                    g.First().Rule,
                    ScenarioStatistics.Wilson(g.Count(e => e.Detected), g.Count()),
                    ScenarioStatistics.Percentile(latencies, 50),
                    ScenarioStatistics.Percentile(latencies, 95),
                    g.Where(e => e.Detection is not null).GroupBy(e => e.Detection!.Type, StringComparer.Ordinal)
                        .OrderBy(t => t.Key, StringComparer.Ordinal).ToDictionary(t => t.Key, t => t.Count(), StringComparer.Ordinal));
            })
            .ToList();
        var clinicalFalse = Priorities.ToDictionary(
            p => p, p => result.FalseAlerts.Count(a => !a.Technical && a.Priority == p) / patientDays, StringComparer.Ordinal);
        var technicalFalse = result.FalseAlerts.Where(a => a.Technical)
            .GroupBy(a => a.Type, StringComparer.Ordinal)
            .ToDictionary(g => g.Key, g => g.Count() / patientDays, StringComparer.Ordinal);
        var byType = result.Alerts.GroupBy(a => a.Type, StringComparer.Ordinal)
            .OrderBy(g => g.Key, StringComparer.Ordinal)
            .ToDictionary(g => g.Key, g => g.Count() / patientDays, StringComparer.Ordinal);
        var latenciesAll = result.Events.Where(e => !e.Technical && e.Latency is not null).Select(e => e.Latency!.Value.TotalSeconds).ToList();
        var falseByType = byType.Keys.ToDictionary(t => t, t => result.FalseAlerts.Count(a => a.Type == t) / patientDays, StringComparer.Ordinal);
        return new ScenarioSummary(patientDays, kinds, clinicalFalse, technicalFalse, byType, falseByType, latenciesAll, result);
    }
}

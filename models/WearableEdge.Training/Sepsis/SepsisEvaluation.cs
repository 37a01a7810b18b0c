using WearableEdge.Training.Evaluation;
using WearableEdge.Training.Learning;

namespace WearableEdge.Training.Sepsis;

/// <summary>What one patient's hourly scores do at one threshold.</summary>
/// <param name="Utility">Challenge utilities (observed, best, inaction).</param>
/// <param name="Septic">Ever labelled septic.</param>
/// <param name="Detected">Septic and alerted at least once in [t_sepsis − 12 h, t_sepsis + 3 h].</param>
/// <param name="LeadHours">t_sepsis − first alerted hour in that window, when detected (negative = after onset).</param>
/// <param name="Alerts">Rising edges over the whole stay.</param>
/// <param name="Hours">Monitored hours.</param>
/// <param name="AlertHours">Hours at or above the threshold.</param>
internal readonly record struct PatientOutcome(PatientUtility Utility, bool Septic, bool Detected, int? LeadHours, int Alerts, int Hours, int AlertHours);

/// <summary>An operating point: a threshold on a score and what it does, with 95 % CIs.</summary>
internal sealed record OperatingPoint(
    string Name, double Threshold, Estimate Utility, Estimate Sensitivity, Estimate AlertsPerPatientDay,
    double LeadMedian, double LeadQ1, double LeadQ3, int Detected, int SepticPatients, double HoursInAlert);

/// <summary>Row-level figures of one score, with 95 % CIs.</summary>
internal sealed record ScoreFigures(
    Estimate Auroc, Estimate Auprc, Estimate Brier, IReadOnlyList<CalibrationBin> Calibration, IReadOnlyList<(double Fpr, double Tpr)> Roc);

/// <summary>One row of the threshold scan: point estimates only.</summary>
internal sealed record ThresholdScanRow(double Threshold, double Utility, double Sensitivity, double AlertsPerPatientDay, double HoursInAlert);

/// <summary>Everything the deterioration report, manifest and card say about performance.</summary>
internal sealed record SepsisEvaluationResult(
    ScoreFigures Model,
    ScoreFigures News2,
    Estimate AurocDifference,
    Estimate AuprcDifference,
    IReadOnlyList<ThresholdScanRow> Scan,
    OperatingPoint Medium,
    OperatingPoint High,
    IReadOnlyList<OperatingPoint> News2Points,
    IReadOnlyList<OperatingPoint> MatchedPoints,
    OperatingPoint AlertEveryHour,
    PlattScaling News2Calibration,
    int Replicates);

/// <summary>
/// Evaluates out-of-fold calibrated probabilities of the model and NEWS2 totals on the same rows,
/// with patient-level bootstrap confidence intervals.
/// </summary>
internal static class SepsisEvaluation
{
    /// <summary>Thresholds scanned to choose the operating points.</summary>
    public static IReadOnlyList<double> Grid { get; } =
        [.. Enumerable.Range(1, 100).Select(i => i * 0.0025), .. Enumerable.Range(26, 75).Select(i => i * 0.01)];

    /// <summary>
    /// The high-priority threshold is the lowest threshold at or above the medium one whose alert
    /// rate stays at or under this many alerts per patient-day: one new high-priority alert per
    /// patient every two days, a budget chosen against alarm fatigue (FACTS.md, "Alarms").
    /// </summary>
    public const double HighAlertBudgetPerPatientDay = 0.5;

    public static SepsisEvaluationResult Evaluate(
        FeatureTable table, double[] modelProbabilities, double[] news2Totals, int[] foldOfSubject, int replicates, int seed, Action<string> log)
    {
        ArgumentNullException.ThrowIfNull(table);
        ArgumentNullException.ThrowIfNull(log);
        var labels = Enumerable.Range(0, table.RowCount).Select(table.Label).ToArray();
        var news2Calibration = PlattScaling.Fit(news2Totals, labels);
        var news2Probabilities = OutOfFoldPlatt(table, news2Totals, labels, foldOfSubject);
        var bootstrap = new SubjectBootstrap(table.SubjectCount, replicates, seed);

        log($"bootstrap of row-level figures ({replicates} replicates)");
        var ranking = bootstrap.Estimates(8, subjects =>
        {
            var rows = RowsOf(table, subjects);
            var y = rows.Select(r => labels[r]).ToArray();
            var model = rows.Select(r => modelProbabilities[r]).ToArray();
            var news2 = rows.Select(r => news2Totals[r]).ToArray();
            var news2P = rows.Select(r => news2Probabilities[r]).ToArray();
            var (mAuroc, mAuprc) = BinaryMetrics.Ranking(model, y);
            var (nAuroc, nAuprc) = BinaryMetrics.Ranking(news2, y);
            return [mAuroc, mAuprc, BinaryMetrics.Brier(model, y), nAuroc, nAuprc, BinaryMetrics.Brier(news2P, y), mAuroc - nAuroc, mAuprc - nAuprc];
        });

        var modelFigures = new ScoreFigures(ranking[0], ranking[1], ranking[2],
            BinaryMetrics.Calibration(modelProbabilities, labels), BinaryMetrics.RocCurve(modelProbabilities, labels));
        var news2Figures = new ScoreFigures(ranking[3], ranking[4], ranking[5],
            BinaryMetrics.Calibration(news2Probabilities, labels), BinaryMetrics.RocCurve(news2Totals, labels));

        log($"scanning {Grid.Count} thresholds");
        var all = bootstrap.All;
        var scan = Grid.Select(threshold =>
        {
            var outcomes = Outcomes(table, modelProbabilities, threshold);
            return new ThresholdScanRow(threshold, Utility(outcomes, all), Sensitivity(outcomes, all), AlertsPerPatientDay(outcomes, all), HoursInAlert(outcomes));
        }).ToList();

        // Medium: the threshold of greatest normalized utility (the Challenge's own criterion).
        var medium = scan.MaxBy(r => r.Utility)!;
        var high = scan.Where(r => r.Threshold >= medium.Threshold && r.AlertsPerPatientDay <= HighAlertBudgetPerPatientDay)
            .MinBy(r => r.Threshold) ?? scan[^1];

        log("bootstrap of operating points");
        var mediumPoint = Point("model, medium (max utility)", table, modelProbabilities, medium.Threshold, bootstrap);
        var highPoint = Point($"model, high (≤ {HighAlertBudgetPerPatientDay} alerts/patient-day)", table, modelProbabilities, high.Threshold, bootstrap);
        var news2Points = new[] { 5.0, 7.0 }.Select(t => Point($"NEWS2 ≥ {t:0}", table, news2Totals, t, bootstrap)).ToList();
        var everyHour = Point("reference: alert at every hour", table, news2Totals, double.NegativeInfinity, bootstrap);

        // The fair comparison: the model at the threshold that keeps the same share of hours in
        // alert as each NEWS2 operating point, so a gain is not bought with more alerting.
        var sorted = modelProbabilities.Order().ToArray();
        var matched = news2Points.Select(p =>
        {
            var index = Math.Clamp((int)Math.Round((1 - p.HoursInAlert) * sorted.Length), 0, sorted.Length - 1);
            return Point($"model at the hours in alert of {p.Name}", table, modelProbabilities, sorted[index], bootstrap);
        }).ToList();

        return new SepsisEvaluationResult(
            modelFigures, news2Figures, ranking[6], ranking[7], scan, mediumPoint, highPoint, news2Points, matched, everyHour, news2Calibration, replicates);
    }

    /// <summary>Each patient's outcome when alerting at <paramref name="scores"/> ≥ <paramref name="threshold"/>.</summary>
    public static PatientOutcome[] Outcomes(FeatureTable table, double[] scores, double threshold)
    {
        ArgumentNullException.ThrowIfNull(table);
        ArgumentNullException.ThrowIfNull(scores);
        var outcomes = new PatientOutcome[table.SubjectCount];
        for (var p = 0; p < table.SubjectCount; p++)
        {
            var (start, end) = table.SubjectRows(p);
            var n = end - start;
            var labels = new bool[n];
            var predictions = new bool[n];
            for (var t = 0; t < n; t++)
            {
                labels[t] = table.Label(start + t);
                predictions[t] = scores[start + t] >= threshold;
            }

            var onset = ChallengeUtility.OnsetHour(labels);
            int? lead = null;
            if (onset is { } ts)
            {
                var from = Math.Max(0, ts + (int)ChallengeUtility.DtEarly);
                var until = Math.Min(n - 1, ts + (int)ChallengeUtility.DtLate);
                for (var t = from; t <= until; t++)
                {
                    if (predictions[t])
                    {
                        lead = ts - t;
                        break;
                    }
                }
            }

            outcomes[p] = new PatientOutcome(
                ChallengeUtility.ForPatient(labels, predictions), onset is not null, lead is not null, lead,
                AlertEpisodes.Count(scores.AsSpan(start, n), threshold), n, predictions.Count(p => p));
        }

        return outcomes;
    }

    public static double Utility(PatientOutcome[] outcomes, int[] subjects) =>
        ChallengeUtility.Normalized(subjects.Select(s => outcomes[s].Utility));

    public static double Sensitivity(PatientOutcome[] outcomes, int[] subjects)
    {
        int septic = 0, detected = 0;
        foreach (var s in subjects)
        {
            septic += outcomes[s].Septic ? 1 : 0;
            detected += outcomes[s].Detected ? 1 : 0;
        }

        return septic == 0 ? double.NaN : detected / (double)septic;
    }

    public static double AlertsPerPatientDay(PatientOutcome[] outcomes, int[] subjects)
    {
        long alerts = 0, hours = 0;
        foreach (var s in subjects)
        {
            alerts += outcomes[s].Alerts;
            hours += outcomes[s].Hours;
        }

        return alerts * 24.0 / hours;
    }

    /// <summary>Share of all monitored hours spent at or above the threshold.</summary>
    public static double HoursInAlert(PatientOutcome[] outcomes)
    {
        ArgumentNullException.ThrowIfNull(outcomes);
        return outcomes.Sum(o => (double)o.AlertHours) / outcomes.Sum(o => (double)o.Hours);
    }

    private static OperatingPoint Point(string name, FeatureTable table, double[] scores, double threshold, SubjectBootstrap bootstrap)
    {
        var outcomes = Outcomes(table, scores, threshold);
        var leads = outcomes.Where(o => o.LeadHours is not null).Select(o => (double)o.LeadHours!.Value).Order().ToArray();
        return new OperatingPoint(
            name,
            threshold,
            bootstrap.Estimate(s => Utility(outcomes, s)),
            bootstrap.Estimate(s => Sensitivity(outcomes, s)),
            bootstrap.Estimate(s => AlertsPerPatientDay(outcomes, s)),
            SubjectBootstrap.Percentile(leads, 0.5),
            SubjectBootstrap.Percentile(leads, 0.25),
            SubjectBootstrap.Percentile(leads, 0.75),
            leads.Length,
            outcomes.Count(o => o.Septic),
            HoursInAlert(outcomes));
    }

    /// <summary>NEWS2 as a probability: Platt scaling of the total, fitted on the other folds' rows.</summary>
    private static double[] OutOfFoldPlatt(FeatureTable table, double[] scores, bool[] labels, int[] foldOfSubject)
    {
        var probabilities = new double[scores.Length];
        foreach (var fold in foldOfSubject.Distinct().Order())
        {
            var train = Enumerable.Range(0, scores.Length).Where(r => foldOfSubject[table.Subject(r)] != fold).ToArray();
            var platt = PlattScaling.Fit(train.Select(r => scores[r]).ToArray(), train.Select(r => labels[r]).ToArray());
            for (var r = 0; r < scores.Length; r++)
            {
                if (foldOfSubject[table.Subject(r)] == fold)
                {
                    probabilities[r] = platt.Probability(scores[r]);
                }
            }
        }

        return probabilities;
    }

    private static List<int> RowsOf(FeatureTable table, int[] subjects)
    {
        var rows = new List<int>();
        foreach (var s in subjects)
        {
            var (start, end) = table.SubjectRows(s);
            for (var r = start; r < end; r++)
            {
                rows.Add(r);
            }
        }

        return rows;
    }
}

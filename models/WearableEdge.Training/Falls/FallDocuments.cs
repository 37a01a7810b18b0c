using System.Text;
using WearableEdge.Clinical.Features.Motion;
using WearableEdge.Contracts;
using WearableEdge.Training.CommandLine;
using static WearableEdge.Training.Reporting.Markdown;

namespace WearableEdge.Training.Falls;

/// <summary>The fall model's card and validation report, written from one run's figures.</summary>
internal static class FallDocuments
{
    private const string SimulatorOnly =
        "**Trained and evaluated on simulator data only.** No licensed real fall dataset is available here, so the model has never seen a real fall " +
        "and is not validated on real falls or real wearers; every figure below describes how it separates the simulator's falls from the " +
        "simulator's everyday activity and hard negatives, nothing more.";

    public static string ModelCard(FallRun run, ModelManifest manifest)
    {
        ArgumentNullException.ThrowIfNull(run);
        ArgumentNullException.ThrowIfNull(manifest);
        var e = run.Evaluation;
        var s = new StringBuilder();
        s.AppendLine($"# Model card: {FallModel.Id} {FallModel.Version}");
        s.AppendLine();
        s.AppendLine("Detects a fall in a 4 s window of wrist or chest accelerometer data (50 Hz, windows every 0.5 s). Written by " +
            "`dotnet run --project models/WearableEdge.Training -c Release -- train fall --out models`; the validation report is " +
            $"`docs/validation/{FallModel.Id}.md`.");
        s.AppendLine();
        s.AppendLine(SimulatorOnly);
        s.AppendLine();
        s.AppendLine("## Intended use");
        s.AppendLine();
        s.AppendLine("- A high-priority *fall* alert in the WearableEdge edge service, asking a nurse to check on the patient now, beside the rule-based fall detection.");
        s.AppendLine($"- Input: the 12 features of `{FallFeatures.FeatureSetId}` computed by `WearableEdge.Clinical.Features.Motion.FallFeatures` over each 4 s window, the same code used in training.");
        s.AppendLine("- Output: a calibrated probability (mean of 5 ensemble members, Platt-calibrated) with an interval (min–max of the members). " +
            "Consecutive windows above the threshold are one alert.");
        s.AppendLine();
        s.AppendLine("## Must not be used for");
        s.AppendLine();
        s.AppendLine("- Any claim of fall-detection performance on real patients: it has none until validated on real falls.");
        s.AppendLine("- Replacing fall-prevention measures, bed or chair alarms, or nurse rounds; ruling out a fall because no alert came.");
        s.AppendLine("- Devices other than a wrist or chest accelerometer streaming at 50 Hz in g.");
        s.AppendLine();
        s.AppendLine("## Data");
        s.AppendLine();
        s.AppendLine($"- Training: {FallModel.TrainingRecordings.Count} simulated recordings (`MotionLibrary.Generate`, seeds " +
            $"{FallModel.TrainingRecordings.Min(r => r.Seed)}–{FallModel.TrainingRecordings.Max(r => r.Seed)}), {F(run.TrainingHours, "0")} h: " +
            $"10 event-rich recordings of 2 h (15 falls and 30 hard negatives per hour) and 5 normal-activity recordings of 6 h (no falls, 6 hard negatives per hour); " +
            $"{run.TrainingFalls} falls, {run.Ensemble.Table.RowCount} windows. Device placement (chest or wrist) and mounting tilt are drawn per recording by the simulator.");
        s.AppendLine($"- Evaluation: seeds never used in training: {FallModel.EvaluationRecordings.Count(r => !r.NormalActivity)} event-rich 2 h recordings (seeds 101–108) and " +
            $"{FallModel.EvaluationRecordings.Count(r => r.NormalActivity)} normal-activity days of 24 h (seeds 201–204, 4 hard negatives per hour).");
        s.AppendLine("- Window label: positive when a fall's impact lies in the window at least 1 s before its end; windows whose only impact is in the last second are left out of training.");
        s.AppendLine("- Hard negatives in the simulator: sitting down hard, lying down, jumping, a dropped device, a removed device; everyday activity: resting, walking, stairs, running.");
        s.AppendLine();
        s.AppendLine("## Method");
        s.AppendLine();
        var o = run.Ensemble.Options;
        s.AppendLine($"- ML.NET FastTree, {o.Trees} trees × {o.Leaves} leaves, ≥ {o.MinimumRowsPerLeaf} rows per leaf, learning rate {F(o.LearningRate, "0.###")}, one thread, seed {o.Seed}; " +
            "recording-grouped 5-fold cross-validation (no recording in two folds); the 5 fold models are the 5 members of one ONNX graph.");
        s.AppendLine($"- Calibration: Platt scaling on out-of-fold raw scores: A = {F(run.Ensemble.Calibration.A, "0.0000")}, B = {F(run.Ensemble.Calibration.B, "0.0000")}.");
        s.AppendLine($"- Threshold (high priority) = {F(run.Threshold, "0.0##")}: the lowest threshold with at most {F(FallModel.FalseAlertBudgetPerDay, "0.#")} false alert per 24 h " +
            "of normal activity in the out-of-fold predictions of the training recordings (chosen before looking at the evaluation seeds).");
        s.AppendLine();
        s.AppendLine("## Metrics on the evaluation seeds (the served 5-member ensemble, run through ONNX Runtime)");
        s.AppendLine();
        AppendMetrics(s, run);
        s.AppendLine();
        s.AppendLine(Separability(e));
        s.AppendLine();
        s.AppendLine("Context only, not a comparison: a smartwatch's fall detection on induced (real, staged) falls had sensitivity 77 % and specificity 99 % " +
            "(Brew et al., JMIR Form Res 2022; FACTS.md). The figures above are on simulated falls and cannot be set against it.");
        s.AppendLine();
        s.AppendLine("## Limitations");
        s.AppendLine();
        s.AppendLine("- Simulator data only: the simulator's falls follow one physical template (free fall, impact, lying still) with random variation; " +
            "real falls (slumping, sliding down a wall, falls onto a bed, falls with a grab) may not look like it. Real everyday motion is richer than the simulator's.");
        s.AppendLine("- Sensitivity and false-alert rates depend on how the simulator draws events; they are not estimates for real patients.");
        s.AppendLine("- A fall without a clear impact or without lying still afterwards is, by the features' design, hard to detect.");
        s.AppendLine();
        s.AppendLine($"SHA-256 of model.onnx: `{manifest.OnnxSha256}`.");
        return s.ToString();
    }

    public static string ValidationReport(FallRun run, ModelManifest manifest, TrainingCommand command)
    {
        ArgumentNullException.ThrowIfNull(run);
        ArgumentNullException.ThrowIfNull(manifest);
        ArgumentNullException.ThrowIfNull(command);
        var s = new StringBuilder();
        s.AppendLine($"# Validation: {FallModel.Id} {FallModel.Version} (simulator data)");
        s.AppendLine();
        s.AppendLine("Regenerate with:");
        s.AppendLine();
        s.AppendLine("```");
        s.AppendLine("dotnet run --project models/WearableEdge.Training -c Release -- evaluate fall --report docs/validation" + (command.Seed is { } seed ? $" --seed {seed}" : string.Empty));
        s.AppendLine("```");
        s.AppendLine();
        s.AppendLine($"This run: simulation, training, export and evaluation took {F(run.Duration.TotalMinutes, "0.0")} min on this machine. Seed {run.Ensemble.Options.Seed}; " +
            $"the model trained in this run has SHA-256 `{manifest.OnnxSha256}`.");
        s.AppendLine();
        s.AppendLine(SimulatorOnly);
        s.AppendLine();
        s.AppendLine("## Set-up");
        s.AppendLine();
        s.AppendLine($"- Training recordings (simulator seeds {string.Join(", ", FallModel.TrainingRecordings.Select(r => r.Seed))}): {F(run.TrainingHours, "0")} h, {run.TrainingFalls} falls, " +
            $"{run.Ensemble.Table.RowCount} windows of which {Enumerable.Range(0, run.Ensemble.Table.RowCount).Count(run.Ensemble.Table.Label)} positive; {F(run.TrainingNormalHours, "0")} h of them normal activity only.");
        s.AppendLine($"- Evaluation recordings (seeds {string.Join(", ", FallModel.EvaluationRecordings.Select(r => r.Seed))}), none used in training: " +
            $"{F(FallModel.EvaluationRecordings.Sum(r => r.Hours), "0")} h, of which {F(run.Evaluation.NormalHours, "0")} h normal activity with hard negatives (4 per hour).");
        s.AppendLine("- Windows: 4 s every 0.5 s, `FallFeatures.Compute`. Positive window: a fall impact at least 1 s before the window's end.");
        s.AppendLine("- Scoring: the exported ONNX graph (5 members) through ONNX Runtime; probability = mean of the members' Platt-calibrated probabilities.");
        s.AppendLine("- An alert = a run of consecutive windows at or above the threshold. A fall is detected when an alerting window holds its impact; " +
            "latency = end of the first such window − impact (the window must close before the service can score it). " +
            "A false alert = an alert that holds no fall impact.");
        s.AppendLine($"- Threshold {F(run.Threshold, "0.0##")}: lowest threshold with ≤ {F(FallModel.FalseAlertBudgetPerDay, "0.#")} false alert per normal day in the out-of-fold training predictions.");
        s.AppendLine();
        s.AppendLine("## Results on the evaluation seeds");
        s.AppendLine();
        AppendMetrics(s, run);
        s.AppendLine();
        s.AppendLine(Separability(run.Evaluation));
        s.AppendLine();
        s.AppendLine($"![ROC and calibration curves, window level]({FallModel.Id}.png)");
        s.AppendLine();
        s.AppendLine("| calibration bin | windows | mean predicted | observed |");
        s.AppendLine("|---|---|---|---|");
        foreach (var bin in run.Evaluation.Calibration)
        {
            s.AppendLine($"| {F(bin.Lower, "0.0")}–{F(bin.Upper, "0.0")} | {bin.Rows} | {F(bin.MeanPredicted, "0.0000")} | {F(bin.ObservedRate, "0.0000")} |");
        }
        s.AppendLine();
        s.AppendLine("Context only: a smartwatch's fall detection on induced falls, sensitivity 77 %, specificity 99 % (Brew et al., JMIR Form Res 2022; FACTS.md). " +
            "Simulated and real falls are not comparable.");
        s.AppendLine();
        s.AppendLine("## Threshold scan (out-of-fold, training seeds)");
        s.AppendLine();
        s.AppendLine("| threshold | sensitivity per fall | false alerts per normal day |");
        s.AppendLine("|---|---|---|");
        foreach (var row in run.Scan.Where((r, i) => i % 6 == 0 || r.Threshold == run.Threshold))
        {
            s.AppendLine($"| {F(row.Threshold, "0.000")} | {Percent(row.Sensitivity)} | {F(row.FalseAlertsPerDay, "0.00")} |");
        }

        return s.ToString();
    }

    /// <summary>What near-perfect figures on simulated falls do and do not mean.</summary>
    private static string Separability(FallEvaluationResult e) =>
        e.WindowAuroc.Value >= 0.999
            ? $"Read these figures as a statement about the simulator: its falls are almost perfectly separable from its other motion by these features " +
              $"(window AUROC {F(e.WindowAuroc.Value, "0.0000")}), so a sensitivity near 100 % says the simulated task is easy, not that real falls would be detected. " +
              "The false alerts, which come from simulated hard negatives, are the more informative figure."
            : $"Window AUROC {F(e.WindowAuroc.Value, "0.0000")}: the simulator's falls are not trivially separable from its hard negatives by these features.";

    private static void AppendMetrics(StringBuilder s, FallRun run)
    {
        var e = run.Evaluation;
        s.AppendLine("| figure | value (95 % CI) |");
        s.AppendLine("|---|---|");
        s.AppendLine($"| sensitivity per fall | {PercentCi(e.Sensitivity)} ({e.Detected} of {e.Falls} falls; Wilson interval) |");
        foreach (var (placement, falls, detected) in e.ByPlacement)
        {
            s.AppendLine($"| sensitivity, device on the {placement.ToString().ToLowerInvariant()} | {Percent(falls == 0 ? double.NaN : detected / (double)falls)} ({detected} of {falls}) |");
        }

        s.AppendLine($"| false alerts per patient-day of normal activity | {Ci(e.FalseAlertsPerDay, "0.00")} ({e.NormalFalseAlerts} in {F(e.NormalHours, "0")} h; Poisson interval) |");
        s.AppendLine($"| false alerts per hour in event-rich recordings (30 hard negatives/h) | {F(e.EventRichFalseAlerts / e.EventRichHours, "0.00")} ({e.EventRichFalseAlerts} in {F(e.EventRichHours, "0")} h) |");
        s.AppendLine($"| detection latency after impact, s: median (IQR), max | {F(e.LatencyMedian, "0.0")} ({F(e.LatencyQ1, "0.0")}–{F(e.LatencyQ3, "0.0")}), {F(e.LatencyMax, "0.0")} |");
        s.AppendLine($"| window AUROC | {Ci(e.WindowAuroc, "0.0000")} |");
        s.AppendLine($"| window AUPRC | {Ci(e.WindowAuprc, "0.000")} |");
        s.AppendLine($"| window Brier score | {Ci(e.WindowBrier, "0.00000")} |");
        s.AppendLine($"| windows (positive) | {e.Windows} ({e.PositiveWindows}) |");
        s.AppendLine();
        s.AppendLine("Window-level CIs: bootstrap over the 12 evaluation recordings (200 replicates). False alerts by the activity they began in: " +
            (e.FalseAlertCauses.Count == 0 ? "none." : string.Join(", ", e.FalseAlertCauses.Select(c => $"{c.Activity} {c.Count}")) + "."));
    }
}

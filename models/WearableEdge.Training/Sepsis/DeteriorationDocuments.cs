using System.Text;
using WearableEdge.Clinical.Features.Trends;
using WearableEdge.Contracts;
using WearableEdge.Training.CommandLine;
using WearableEdge.Training.Evaluation;
using static WearableEdge.Training.Reporting.Markdown;

namespace WearableEdge.Training.Sepsis;

/// <summary>The deterioration model's card and validation report, written from one run's figures.</summary>
internal static class DeteriorationDocuments
{
    /// <summary>
    /// The plain verdict: the model "clearly beats" NEWS2 only when the 95 % CI of the AUROC
    /// difference lies above zero AND its utility at the medium threshold has a CI entirely above
    /// the better NEWS2 operating point's CI (≥ 5 or ≥ 7).
    /// </summary>
    public static (bool Clearly, string Text) Verdict(SepsisEvaluationResult e)
    {
        ArgumentNullException.ThrowIfNull(e);
        var discrimination = e.AurocDifference.Lower > 0;
        var matched = e.News2Points.Zip(e.MatchedPoints).ToList();
        var utility = matched.All(m => m.Second.Utility.Lower > m.First.Utility.Upper);
        var sensitivity = matched.All(m => m.Second.Sensitivity.Lower > m.First.Sensitivity.Upper);
        var clearly = discrimination && utility;
        var text = new StringBuilder();
        text.Append(clearly
            ? "**Yes, on these rows the model beats NEWS2 by more than chance explains** — but by a modest margin, and its own discrimination is modest. "
            : "**No: the model does not clearly beat NEWS2 on these rows.** ");
        text.Append($"Hourly AUROC {F(e.Model.Auroc.Value)} vs {F(e.News2.Auroc.Value)}: difference {Ci(e.AurocDifference)} ");
        text.Append(discrimination ? "(the interval excludes 0). " : "(the interval includes 0 or lies below it). ");
        foreach (var (news2, model) in matched)
        {
            text.Append($"At the same share of hours in alert as {news2.Name} ({Percent(news2.HoursInAlert)}): normalized utility {Ci(model.Utility)} vs {Ci(news2.Utility)}, " +
                $"sensitivity {PercentCi(model.Sensitivity)} vs {PercentCi(news2.Sensitivity)}. ");
        }

        text.Append(utility ? "The utility intervals do not overlap at either burden" : "The utility intervals overlap, or the model is lower, at one burden at least");
        text.Append(sensitivity ? ", nor do the sensitivity intervals. " : "; the sensitivity intervals overlap at one burden at least. ");
        text.Append($"For scale: alerting at every hour of every patient scores {F(e.AlertEveryHour.Utility.Value)} on these enriched data, and the model's " +
            $"max-utility (medium) threshold keeps {Percent(e.Medium.HoursInAlert)} of hours in alert.");
        return (clearly, text.ToString());
    }

    public static string ModelCard(DeteriorationRun run, ModelManifest manifest)
    {
        ArgumentNullException.ThrowIfNull(run);
        ArgumentNullException.ThrowIfNull(manifest);
        var d = run.Data;
        var e = run.Evaluation;
        var positiveHours = Enumerable.Range(0, d.Hours).Count(d.Table.Label);
        var s = new StringBuilder();
        s.AppendLine($"# Model card: {DeteriorationModel.Id} {DeteriorationModel.Version}");
        s.AppendLine();
        s.AppendLine("Risk that sepsis begins within the next 6 hours (or has begun), from the hourly vital signs a wearable or home kit can give. " +
            "Written by `dotnet run --project models/WearableEdge.Training -c Release -- train deterioration --data <physionet2019-sepsis> --out models`; " +
            $"the full validation report is `docs/validation/{DeteriorationModel.Id}.md`.");
        s.AppendLine();
        s.AppendLine("## Intended use");
        s.AppendLine();
        s.AppendLine("- A decision-support signal beside the NEWS2 rule in the WearableEdge edge service: it raises a *deterioration* alert " +
            "(medium or high priority, thresholds below) asking a nurse to review the patient. It never replaces NEWS2, clinical judgement or a sepsis screen.");
        s.AppendLine("- Input: the patient's hourly summaries (HR, SpO2, respiration rate, temperature, systolic BP) and age, turned into the 21 features of " +
            $"`{DeteriorationFeatures.FeatureSetId}` by `WearableEdge.Clinical.Features.Trends.DeteriorationFeatures`, the same code used in training.");
        s.AppendLine("- Output: a calibrated probability (mean of 5 ensemble members, Platt-calibrated) with an interval (min–max of the members).");
        s.AppendLine();
        s.AppendLine("## Must not be used for");
        s.AppendLine();
        s.AppendLine("- Diagnosing sepsis, ruling it out, or starting or withholding treatment.");
        s.AppendLine("- Patients or settings unlike the training data without local validation: children, outpatients at home, other hospitals, raw wearable streams.");
        s.AppendLine("- Lowering monitoring because the probability is low: sensitivity is far below 100 % (figures below).");
        s.AppendLine();
        s.AppendLine("## Data");
        s.AppendLine();
        s.AppendLine($"- {PhysioNetSepsisData.Name}{(run.DataSubset is { } sub ? $", {sub}" : string.Empty)}. Licence {PhysioNetSepsisData.Licence}.");
        s.AppendLine($"- Cite: {PhysioNetSepsisData.Citation}");
        s.AppendLine($"- {d.Patients} ICU stays, {d.Hours} hourly rows ({F(d.Hours / 24.0, "0")} patient-days); {d.SepticPatients} stays become septic " +
            $"({Percent(d.SepticPatients / (double)d.Patients)} of patients), {Percent(positiveHours / (double)d.Hours, "0.00")} of hours carry SepsisLabel 1.");
        s.AppendLine("- **Enriched**: this subset holds 14.2 % septic patients against 5.7 % in the whole of set B (data README); " +
            "alert rates and predictive values per patient would be lower, and false alerts per true alert higher, at the natural prevalence.");
        s.AppendLine("- Label: SepsisLabel (1 from 6 h before the Sepsis-3 onset t_sepsis onward). Columns used: HR, O2Sat, Resp, Temp, SBP, Age. " +
            "Not used: MAP and DBP (the wearable contract carries neither), all labs, ICULOS, HospAdmTime, Unit1/2, Gender.");
        s.AppendLine("- Missing values: each sign's last value in the last 24 h, its 6 h mean and slope, and hours since it was observed; " +
            "a sign never observed gets the middle of its NEWS2 0-point band and hours-since = 24 (no patient or row is dropped).");
        s.AppendLine();
        s.AppendLine("## Method");
        s.AppendLine();
        var o = run.Ensemble.Options;
        s.AppendLine($"- ML.NET FastTree binary classifier, {o.Trees} trees × {o.Leaves} leaves, ≥ {o.MinimumRowsPerLeaf} rows per leaf, learning rate {F(o.LearningRate, "0.###")}, one thread, seed {o.Seed}.");
        s.AppendLine($"- Patient-grouped {o.Folds}-fold cross-validation (stratified by septic / not septic, seeded shuffle; no patient in two folds). " +
            "The 5 fold models are the 5 members of the shipped ensemble (one ONNX graph).");
        s.AppendLine($"- Calibration: Platt scaling fitted on the out-of-fold raw scores: A = {F(run.Ensemble.Calibration.A, "0.0000")}, B = {F(run.Ensemble.Calibration.B, "0.0000")}.");
        s.AppendLine("- All figures below are computed on out-of-fold calibrated probabilities (each row scored by the member that never saw its patient), " +
            $"with 95 % CIs from a patient-level bootstrap ({e.Replicates} replicates). The shipped probability averages all 5 members, which on new patients " +
            "is expected to be at least as good as a single member; that average was not itself evaluated on held-out patients.");
        s.AppendLine();
        s.AppendLine("## Metrics (95 % CI), beside NEWS2 on the same rows");
        s.AppendLine();
        AppendRowFigures(s, e);
        s.AppendLine();
        AppendOperatingPoints(s, e);
        s.AppendLine();
        s.AppendLine(Verdict(e).Text);
        s.AppendLine();
        s.AppendLine("## Operating thresholds (calibrated probability)");
        s.AppendLine();
        s.AppendLine($"- **medium** = {F(e.Medium.Threshold, "0.0###")}: the threshold of greatest Challenge normalized utility in the out-of-fold evaluation.");
        s.AppendLine($"- **high** = {F(e.High.Threshold, "0.0###")}: the lowest threshold at or above medium with at most {F(SepsisEvaluation.HighAlertBudgetPerPatientDay, "0.##")} " +
            "new alerts per patient-day (an alarm-fatigue budget; FACTS.md, Alarms).");
        s.AppendLine("- Sensitivity = share of septic patients alerted at least once in [t_sepsis − 12 h, t_sepsis + 3 h]; " +
            "alerts per patient-day = rising edges above the threshold per 24 monitored hours, all patients.");
        s.AppendLine();
        s.AppendLine("## Limitations");
        s.AppendLine();
        s.AppendLine("- Trained and evaluated on ICU charted hourly values, not on wearable streams: a wearable's hourly means are noisier, " +
            "have motion artefacts and different missingness. The model is not validated on wearable data.");
        s.AppendLine("- One hospital system (Challenge set B), one sepsis definition (Sepsis-3 as labelled by the Challenge), an enriched subset.");
        s.AppendLine("- No external validation: every figure is internal cross-validation on the same subset. The held-out patients of the data split were not used.");
        s.AppendLine("- NEWS2 here is the wearable subset (no consciousness level, no oxygen flag) with values carried forward, not a full charted NEWS2.");
        s.AppendLine("- Patients labelled septic from their first hours give little or no chance to predict ahead; they are kept, as in the Challenge.");
        s.AppendLine();
        s.AppendLine($"SHA-256 of model.onnx: `{manifest.OnnxSha256}`.");
        return s.ToString();
    }

    public static string ValidationReport(DeteriorationRun run, ModelManifest manifest, TrainingCommand command)
    {
        ArgumentNullException.ThrowIfNull(run);
        ArgumentNullException.ThrowIfNull(manifest);
        ArgumentNullException.ThrowIfNull(command);
        var d = run.Data;
        var e = run.Evaluation;
        var positiveHours = Enumerable.Range(0, d.Hours).Count(d.Table.Label);
        var s = new StringBuilder();
        s.AppendLine($"# Validation: {DeteriorationModel.Id} {DeteriorationModel.Version} against NEWS2");
        s.AppendLine();
        s.AppendLine("Regenerate with:");
        s.AppendLine();
        s.AppendLine("```");
        s.AppendLine($"dotnet run --project models/WearableEdge.Training -c Release -- evaluate deterioration --data ../shared/data/physionet2019-sepsis --report docs/validation" +
            (command.Seed is { } seed ? $" --seed {seed}" : string.Empty) + (command.MaxPatients is { } max ? $" --max-patients {max}" : string.Empty) +
            (command.Replicates is { } reps ? $" --replicates {reps}" : string.Empty));
        s.AppendLine("```");
        s.AppendLine();
        s.AppendLine($"This run: training, cross-validation, export and evaluation took {F(run.Duration.TotalMinutes, "0.0")} min on this machine. " +
            $"Seed {run.Ensemble.Options.Seed}; the model trained in this run has SHA-256 `{manifest.OnnxSha256}` " +
            "(the same as the shipped model.json when the data and seed are the same).");
        s.AppendLine();
        s.AppendLine("## Data");
        s.AppendLine();
        s.AppendLine($"{PhysioNetSepsisData.Name}{(run.DataSubset is { } sub ? $", {sub}" : string.Empty)}; {PhysioNetSepsisData.Licence}. Cite: {PhysioNetSepsisData.Citation}");
        s.AppendLine();
        s.AppendLine("| | value |");
        s.AppendLine("|---|---|");
        s.AppendLine($"| ICU stays (patients) | {d.Patients} |");
        s.AppendLine($"| hourly rows | {d.Hours} ({F(d.Hours / 24.0, "0")} patient-days) |");
        s.AppendLine($"| septic patients | {d.SepticPatients} ({Percent(d.SepticPatients / (double)d.Patients)}; 5.7 % in the whole of set B: this subset is enriched) |");
        s.AppendLine($"| hours with SepsisLabel 1 | {positiveHours} ({Percent(positiveHours / (double)d.Hours, "0.00")}) |");
        for (var i = 0; i < DeteriorationFeatures.Signs.Count; i++)
        {
            s.AppendLine($"| rows where {Clinical.Samples.VitalSignCodes.Name(DeteriorationFeatures.Signs[i])} was never yet observed in the stay | {Percent(d.NeverObservedCounts[i] / (double)d.Hours)} |");
        }

        s.AppendLine();
        s.AppendLine("Inputs: HR, O2Sat (SpO2), Resp, Temp, SBP and Age only, through `DeteriorationFeatures.Compute` on rows 0…t of each stay " +
            "(last value within 24 h, 6 h mean, 6 h slope, hours since observed, per sign; age). MAP and DBP are not used because the wearable " +
            "contract carries neither; no labs, no ICULOS/HospAdmTime/Unit1/Unit2.");
        s.AppendLine();
        s.AppendLine("## Method");
        s.AppendLine();
        var o = run.Ensemble.Options;
        s.AppendLine($"- Model: ML.NET FastTree, {o.Trees} trees, {o.Leaves} leaves, ≥ {o.MinimumRowsPerLeaf} rows per leaf, learning rate {F(o.LearningRate, "0.###")}, single thread, seed {o.Seed}.");
        s.AppendLine($"- Patient-grouped {o.Folds}-fold cross-validation, folds stratified by septic / not septic; no patient in two folds. " +
            "Every figure is computed on out-of-fold predictions, Platt-calibrated with one (A, B) fitted on all out-of-fold raw scores " +
            $"(A = {F(run.Ensemble.Calibration.A, "0.0000")}, B = {F(run.Ensemble.Calibration.B, "0.0000")}).");
        s.AppendLine("- NEWS2 baseline: `WearableEdge.Clinical.Scoring.News2.Score` on each hour's latest values (each sign carried forward from its last " +
            "observation in the stay, without limit): respiration rate, SpO2 scale 1, systolic BP, pulse, temperature; no consciousness, no oxygen flag. " +
            "Its AUROC/AUPRC use the total as a score; its Brier score and calibration use the total Platt-calibrated out-of-fold on the same folds.");
        s.AppendLine($"- 95 % CIs: percentile bootstrap over patients ({e.Replicates} replicates, seed {run.Ensemble.Options.Seed + 1}); " +
            "the difference model − NEWS2 is computed on the same replicate (paired).");
        s.AppendLine("- Utility: the Challenge normalized utility (Reyna et al. 2020): t_sepsis = first SepsisLabel 1 row + 6 h; U_TP max 1 at −6 h, " +
            "0 at −12 h and +3 h; U_FN down to −2 at +3 h; U_FP −0.05; U_TN 0; normalized = (observed − inaction) / (best − inaction).");
        s.AppendLine("- Sensitivity: septic patients with at least one alerted hour in [t_sepsis − 12 h, t_sepsis + 3 h] / septic patients. " +
            "Lead time: t_sepsis − first alerted hour in that window (positive = before onset). Alerts per patient-day: rising edges above the " +
            "threshold per 24 monitored hours over all patients.");
        s.AppendLine();
        s.AppendLine("## Does the model beat NEWS2?");
        s.AppendLine();
        s.AppendLine(Verdict(e).Text);
        s.AppendLine();
        s.AppendLine("## Hourly discrimination and calibration (95 % CI)");
        s.AppendLine();
        AppendRowFigures(s, e);
        s.AppendLine();
        s.AppendLine($"![ROC and calibration curves, model and NEWS2]({DeteriorationModel.Id}.png)");
        s.AppendLine();
        s.AppendLine("## Operating points (95 % CI)");
        s.AppendLine();
        AppendOperatingPoints(s, e);
        s.AppendLine();
        s.AppendLine($"Thresholds: medium = the threshold of greatest normalized utility over a grid of {SepsisEvaluation.Grid.Count} thresholds; " +
            $"high = the lowest grid threshold at or above medium with ≤ {F(SepsisEvaluation.HighAlertBudgetPerPatientDay, "0.##")} alerts per patient-day. " +
            "Both are chosen on the same out-of-fold predictions they are evaluated on, so their utility is slightly optimistic.");
        s.AppendLine();
        s.AppendLine("## Calibration curves (deciles of the predicted probability, out-of-fold)");
        s.AppendLine();
        s.AppendLine("| decile | model: predicted range | model: mean predicted | model: observed | NEWS2: predicted range | NEWS2: mean predicted | NEWS2: observed |");
        s.AppendLine("|---|---|---|---|---|---|---|");
        for (var b = 0; b < Math.Max(e.Model.Calibration.Count, e.News2.Calibration.Count); b++)
        {
            var m = b < e.Model.Calibration.Count ? e.Model.Calibration[b] : null;
            var n = b < e.News2.Calibration.Count ? e.News2.Calibration[b] : null;
            s.AppendLine($"| {b + 1} | {Range(m)} | {(m is null ? "" : F(m.MeanPredicted, "0.0000"))} | {(m is null ? "" : F(m.ObservedRate, "0.0000"))} | " +
                $"{Range(n)} | {(n is null ? "" : F(n.MeanPredicted, "0.0000"))} | {(n is null ? "" : F(n.ObservedRate, "0.0000"))} |");
        }

        s.AppendLine();
        s.AppendLine("NEWS2 takes few distinct values, so several of its deciles share one predicted probability.");
        s.AppendLine();
        s.AppendLine("## Threshold scan (model, point estimates)");
        s.AppendLine();
        s.AppendLine("| threshold | normalized utility | sensitivity | alerts per patient-day | hours in alert |");
        s.AppendLine("|---|---|---|---|---|");
        foreach (var row in e.Scan.Where((r, i) => i % 8 == 0 || r.Threshold == e.Medium.Threshold || r.Threshold == e.High.Threshold))
        {
            s.AppendLine($"| {F(row.Threshold, "0.0000")} | {F(row.Utility)} | {Percent(row.Sensitivity)} | {F(row.AlertsPerPatientDay, "0.00")} | {Percent(row.HoursInAlert)} |");
        }

        s.AppendLine();
        s.AppendLine("## Limitations");
        s.AppendLine();
        s.AppendLine("ICU charted hourly data, not wearable streams; one hospital system (set B); an enriched subset (14.2 % septic patients vs 5.7 %); " +
            "internal cross-validation only, no external validation; thresholds chosen on the evaluated predictions. See the model card, " +
            $"`models/{DeteriorationModel.Id}/{DeteriorationModel.Version}/MODEL_CARD.md`.");
        return s.ToString();
    }

    private static string Range(CalibrationBin? bin) =>
        bin is null ? string.Empty : $"{F(bin.Lower, "0.0000")}–{F(bin.Upper, "0.0000")}";

    private static void AppendRowFigures(StringBuilder s, SepsisEvaluationResult e)
    {
        s.AppendLine("| hourly figure | model | NEWS2 (wearable subset) | model − NEWS2 |");
        s.AppendLine("|---|---|---|---|");
        s.AppendLine($"| AUROC | {Ci(e.Model.Auroc)} | {Ci(e.News2.Auroc)} | {Ci(e.AurocDifference)} |");
        s.AppendLine($"| AUPRC | {Ci(e.Model.Auprc)} | {Ci(e.News2.Auprc)} | {Ci(e.AuprcDifference)} |");
        s.AppendLine($"| Brier score (lower is better) | {Ci(e.Model.Brier, "0.0000")} | {Ci(e.News2.Brier, "0.0000")} | |");
    }

    private static void AppendOperatingPoints(StringBuilder s, SepsisEvaluationResult e)
    {
        s.AppendLine("| operating point | threshold | normalized utility | sensitivity (patients) | alerts per patient-day | hours in alert | lead time, h: median (IQR) | detected / septic |");
        s.AppendLine("|---|---|---|---|---|---|---|---|");
        foreach (var p in new[] { e.Medium, e.High }.Concat(e.News2Points).Concat(e.MatchedPoints).Append(e.AlertEveryHour))
        {
            var threshold = double.IsFinite(p.Threshold) ? F(p.Threshold, "0.0###") : "—";
            s.AppendLine($"| {p.Name} | {threshold} | {Ci(p.Utility)} | {PercentCi(p.Sensitivity)} | {Ci(p.AlertsPerPatientDay, "0.00")} | {Percent(p.HoursInAlert)} | " +
                $"{F(p.LeadMedian, "0.#")} ({F(p.LeadQ1, "0.#")}–{F(p.LeadQ3, "0.#")}) | {p.Detected} / {p.SepticPatients} |");
        }

        s.AppendLine();
        s.AppendLine("A rising edge is one alert, so a threshold that keeps a patient in alert for the whole stay counts one alert per stay: read " +
            "\"alerts per patient-day\" with \"hours in alert\". The last row (alert at every hour, one alert per stay) is the utility any model must beat " +
            "to be better than alerting on everyone; lead time is capped at 12 h by its definition.");
    }
}

using System.Diagnostics;
using WearableEdge.Clinical.Features.Trends;
using WearableEdge.Contracts;
using WearableEdge.Training.Learning;
using WearableEdge.Training.Reporting;

namespace WearableEdge.Training.Sepsis;

/// <summary>Everything one deterioration training run produced.</summary>
internal sealed record DeteriorationRun(
    SepsisDataset Data,
    CrossValidatedEnsemble Ensemble,
    byte[] Onnx,
    string InputTensorName,
    IReadOnlyList<string> ScoreTensorNames,
    SepsisEvaluationResult Evaluation,
    OnnxParity Parity,
    TimeSpan Duration,
    string? DataSubset);

/// <summary>
/// The deterioration-risk model: sepsis (Sepsis-3 onset) within 6 hours, from wearable-grade
/// hourly vitals. Trains a 5-member FastTree ensemble with patient-grouped cross-validation,
/// calibrates it on out-of-fold scores and evaluates it beside NEWS2 on the same rows.
/// </summary>
internal static class DeteriorationModel
{
    public const string Id = "deterioration-sepsis-6h";
    public const string Version = "1.0.0";
    public const int DefaultSeed = 2019;
    public const int DefaultReplicates = 200;

    public static EnsembleOptions Options(int seed) =>
        new(Folds: 5, Trees: 100, Leaves: 20, MinimumRowsPerLeaf: 50, LearningRate: 0.1, Seed: seed);

    public static DeteriorationRun Run(string dataPath, int? maxPatients, int seed, int replicates, Action<string> log)
    {
        ArgumentNullException.ThrowIfNull(log);
        var clock = Stopwatch.StartNew();
        var data = SepsisDataset.Load(dataPath, maxPatients, log);
        var ensemble = CrossValidatedEnsemble.Train(data.Table, data.SepticByPatient, Options(seed), log);
        var onnx = ensemble.ExportOnnx();
        string input;
        IReadOnlyList<string> outputs;
        OnnxParity parity;
        using (var graph = new OnnxEnsembleGraph(onnx, ensemble.Members.Count))
        {
            (input, outputs) = (graph.InputName, graph.ScoreOutputNames);
            parity = OnnxParity.Measure(ensemble, graph);
        }

        var evaluation = SepsisEvaluation.Evaluate(
            data.Table, ensemble.OutOfFoldProbabilities, data.News2Totals, ensemble.FoldOfSubject, replicates, seed + 1, log);
        return new DeteriorationRun(data, ensemble, onnx, input, outputs, evaluation, parity, clock.Elapsed,
            maxPatients is { } max ? $"first {max} patient files by name" : null);
    }

    public static ModelManifest Manifest(DeteriorationRun run)
    {
        ArgumentNullException.ThrowIfNull(run);
        var medians = run.Data.Table.FeatureMedians();
        var e = run.Evaluation;
        var members = run.Ensemble.Members.Count;
        return new ModelManifest
        {
            SchemaVersion = 1,
            Id = Id,
            Version = Version,
            Task = "Probability that sepsis (Sepsis-3 clinical onset, PhysioNet 2019 definition) begins within the next 6 hours or has begun, " +
                "from the hourly wearable-grade vitals of the patient (HR, SpO2, respiration rate, temperature, systolic BP) and age.",
            AlertType = "deterioration",
            FeatureSet = DeteriorationFeatures.FeatureSetId,
            Inputs = ModelPackage.Inputs(run.InputTensorName, DeteriorationFeatures.Features, medians),
            Outputs = new ModelOutputs
            {
                ScoreTensorNames = run.ScoreTensorNames,
                Meaning = $"One raw FastTree score per ensemble member ({members} members, member k trained on the patients outside fold k), " +
                    "uncalibrated log-odds scale, higher = more likely that the hour carries SepsisLabel 1 (sepsis onset within 6 h or already begun). " +
                    "Apply the calibration to the score of each member; the served probability is the mean of the member probabilities.",
            },
            Calibration = new ModelCalibration
            {
                Method = "platt",
                A = run.Ensemble.Calibration.A,
                B = run.Ensemble.Calibration.B,
                FittedOn = $"Out-of-fold raw scores of patient-grouped {members}-fold cross-validation ({run.Data.Hours} hourly rows of {run.Data.Patients} patients; " +
                    "each row scored by the member that did not train on its patient), maximum-likelihood fit; the same A and B apply to every member.",
            },
            Uncertainty = new ModelUncertainty
            {
                Method = "subbagged-ensemble",
                Members = members,
                Interval = $"Lower and upper bound = minimum and maximum of the Platt-calibrated probabilities of the {members} members; " +
                    "the probability itself is their mean. The members differ only by the fifth of patients each did not see.",
            },
            Thresholds =
            [
                Threshold("high", e.High),
                Threshold("medium", e.Medium),
            ],
            TrainingData = new ModelTrainingData
            {
                Name = PhysioNetSepsisData.Name + (run.DataSubset is { } subset ? $" ({subset})" : string.Empty),
                Licence = PhysioNetSepsisData.Licence,
                Citation = PhysioNetSepsisData.Citation,
                Patients = run.Data.Patients,
                Hours = run.Data.Hours,
            },
            Evaluation =
            [
                ManifestMetrics.From("auroc", e.Model.Auroc),
                ManifestMetrics.From("auprc", e.Model.Auprc),
                ManifestMetrics.From("brier", e.Model.Brier),
                ManifestMetrics.From("news2_auroc", e.News2.Auroc),
                ManifestMetrics.From("news2_auprc", e.News2.Auprc),
                ManifestMetrics.From("news2_brier", e.News2.Brier),
                ManifestMetrics.From("auroc_minus_news2", e.AurocDifference),
                ManifestMetrics.From("auprc_minus_news2", e.AuprcDifference),
                ManifestMetrics.From("utility_normalized_medium", e.Medium.Utility),
                ManifestMetrics.From("utility_normalized_high", e.High.Utility),
                ManifestMetrics.From("sensitivity_medium", e.Medium.Sensitivity),
                ManifestMetrics.From("sensitivity_high", e.High.Sensitivity),
                ManifestMetrics.From("alerts_per_patient_day_medium", e.Medium.AlertsPerPatientDay),
                ManifestMetrics.From("alerts_per_patient_day_high", e.High.AlertsPerPatientDay),
                ManifestMetrics.From("news2_ge5_utility_normalized", e.News2Points[0].Utility),
                ManifestMetrics.From("news2_ge7_utility_normalized", e.News2Points[1].Utility),
                ManifestMetrics.From("news2_ge5_sensitivity", e.News2Points[0].Sensitivity),
                ManifestMetrics.From("news2_ge7_sensitivity", e.News2Points[1].Sensitivity),
                ManifestMetrics.From("news2_ge5_alerts_per_patient_day", e.News2Points[0].AlertsPerPatientDay),
                ManifestMetrics.From("news2_ge7_alerts_per_patient_day", e.News2Points[1].AlertsPerPatientDay),
                ManifestMetrics.From("lead_time_hours_median_medium", e.Medium.LeadMedian),
                ManifestMetrics.From("lead_time_hours_median_high", e.High.LeadMedian),
            ],
            Seed = run.Ensemble.Options.Seed,
            OnnxSha256 = ModelPackage.Sha256(run.Onnx),
        };
    }

    private static ModelThreshold Threshold(string priority, OperatingPoint point) => new()
    {
        Priority = priority,
        Probability = point.Threshold,
        ExpectedSensitivity = Math.Round(point.Sensitivity.Value, 4),
        AlertsPerPatientDay = Math.Round(point.AlertsPerPatientDay.Value, 4),
    };
}

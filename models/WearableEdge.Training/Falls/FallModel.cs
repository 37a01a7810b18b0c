using System.Diagnostics;
using WearableEdge.Clinical.Features.Motion;
using WearableEdge.Contracts;
using WearableEdge.DeviceSim.Motion;
using WearableEdge.Training.Evaluation;
using WearableEdge.Training.Learning;
using WearableEdge.Training.Reporting;

namespace WearableEdge.Training.Falls;

/// <summary>One simulated wearer's recording: simulator seed, length and event rates.</summary>
/// <param name="Seed">Simulator seed.</param>
/// <param name="Hours">Length, hours.</param>
/// <param name="Mix">Falls and hard negatives per hour.</param>
internal sealed record SimulatedRecording(int Seed, double Hours, MotionMix Mix)
{
    public bool NormalActivity => Mix.FallsPerHour == 0;

    public MotionRecording Generate() => MotionLibrary.Generate(Seed, TimeSpan.FromHours(Hours), Mix);
}

/// <summary>One row of the out-of-fold threshold scan on the training recordings.</summary>
internal sealed record FallScanRow(double Threshold, double Sensitivity, double FalseAlertsPerDay);

/// <summary>Evaluation of the served ensemble on the held-out simulator seeds.</summary>
internal sealed record FallEvaluationResult(
    int Falls,
    int Detected,
    Estimate Sensitivity,
    IReadOnlyList<(DevicePlacement Placement, int Falls, int Detected)> ByPlacement,
    int NormalFalseAlerts,
    double NormalHours,
    Estimate FalseAlertsPerDay,
    int EventRichFalseAlerts,
    double EventRichHours,
    IReadOnlyList<(MotionActivity Activity, int Count)> FalseAlertCauses,
    double LatencyMedian,
    double LatencyQ1,
    double LatencyQ3,
    double LatencyMax,
    Estimate WindowAuroc,
    Estimate WindowAuprc,
    Estimate WindowBrier,
    IReadOnlyList<CalibrationBin> Calibration,
    IReadOnlyList<(double Fpr, double Tpr)> Roc,
    int Windows,
    int PositiveWindows);

/// <summary>Everything one fall training run produced.</summary>
internal sealed record FallRun(
    CrossValidatedEnsemble Ensemble,
    byte[] Onnx,
    string InputTensorName,
    IReadOnlyList<string> ScoreTensorNames,
    double Threshold,
    IReadOnlyList<FallScanRow> Scan,
    int TrainingFalls,
    double TrainingHours,
    double TrainingNormalHours,
    FallEvaluationResult Evaluation,
    OnnxParity Parity,
    TimeSpan Duration);

/// <summary>
/// The fall-detection model: is there a fall in this 4 s window of wrist or chest acceleration?
/// Trained and evaluated on simulator data only (no licensed real fall dataset is available).
/// The same machinery as the deterioration model: recording-grouped 5-fold FastTree ensemble,
/// Platt calibration on out-of-fold scores, one ONNX graph.
/// </summary>
internal static class FallModel
{
    public const string Id = "fall-detection";
    public const string Version = "1.0.0";
    public const int DefaultSeed = 2019;

    /// <summary>The alert threshold allows at most this many false alerts per 24 h of normal activity (out-of-fold, training seeds).</summary>
    public const double FalseAlertBudgetPerDay = 1.0;

    private static readonly MotionMix EventRich = new(FallsPerHour: 15, HardNegativesPerHour: 30);

    /// <summary>Training: 10 event-rich 2 h recordings and 5 normal-activity 6 h recordings, simulator seeds 1–15.</summary>
    public static IReadOnlyList<SimulatedRecording> TrainingRecordings { get; } =
    [
        .. Enumerable.Range(1, 10).Select(s => new SimulatedRecording(s, 2, EventRich)),
        .. Enumerable.Range(11, 5).Select(s => new SimulatedRecording(s, 6, new MotionMix(0, 6))),
    ];

    /// <summary>Evaluation, seeds never used in training: 8 event-rich 2 h recordings (seeds 101–108) and 4 normal days (seeds 201–204).</summary>
    public static IReadOnlyList<SimulatedRecording> EvaluationRecordings { get; } =
    [
        .. Enumerable.Range(101, 8).Select(s => new SimulatedRecording(s, 2, EventRich)),
        .. Enumerable.Range(201, 4).Select(s => new SimulatedRecording(s, 24, new MotionMix(0, 4))),
    ];

    public static IReadOnlyList<double> Grid { get; } =
        [.. Enumerable.Range(1, 9).Select(i => i * 0.001), .. Enumerable.Range(1, 99).Select(i => i * 0.01)];

    public static EnsembleOptions Options(int seed) =>
        new(Folds: 5, Trees: 100, Leaves: 16, MinimumRowsPerLeaf: 20, LearningRate: 0.1, Seed: seed);

    public static FallRun Run(int seed, Action<string> log, IReadOnlyList<SimulatedRecording>? training = null, IReadOnlyList<SimulatedRecording>? evaluation = null)
    {
        ArgumentNullException.ThrowIfNull(log);
        training ??= TrainingRecordings;
        evaluation ??= EvaluationRecordings;
        var clock = Stopwatch.StartNew();

        var trainingWindows = training.Select(r => FallWindows.From(r.Generate())).ToList();
        var table = new FeatureTable(FallFeatures.Features.Count);
        foreach (var windows in trainingWindows)
        {
            table.BeginSubject();
            for (var w = 0; w < windows.Count; w++)
            {
                if (!windows.Ambiguous[w])
                {
                    table.Add(windows.Row(w), windows.Positive[w]);
                }
            }
        }

        log($"training: {training.Count} recordings, {table.RowCount} windows, {Enumerable.Range(0, table.RowCount).Count(table.Label)} positive");
        var ensemble = CrossValidatedEnsemble.Train(table, training.Select(r => r.NormalActivity ? 1 : 0).ToArray(), Options(seed), log);
        var onnx = ensemble.ExportOnnx();

        // Out-of-fold probabilities of every window (ambiguous ones too) from the member that never saw the recording.
        var oof = trainingWindows.Select((windows, i) =>
        {
            var all = AllWindows(windows);
            var member = ensemble.Members[ensemble.FoldOfSubject[i]];
            return CrossValidatedEnsemble.Scores(ensemble.Ml, member, all, Enumerable.Range(0, all.RowCount).ToArray())
                .Select(s => ensemble.Calibration.Probability(s)).ToArray();
        }).ToList();
        var scan = Grid.Select(t =>
        {
            var outcomes = trainingWindows.Select((w, i) => (Recording: training[i], Outcome: FallEvaluation.Outcome(w, oof[i], t))).ToList();
            var falls = outcomes.Sum(o => o.Outcome.Falls);
            var normal = outcomes.Where(o => o.Recording.NormalActivity).ToList();
            return new FallScanRow(t, outcomes.Sum(o => o.Outcome.Detected) / (double)falls,
                normal.Sum(o => o.Outcome.FalseAlerts) * 24 / normal.Sum(o => o.Outcome.Hours));
        }).ToList();
        var threshold = (scan.Where(r => r.FalseAlertsPerDay <= FalseAlertBudgetPerDay).MinBy(r => r.Threshold) ?? scan[^1]).Threshold;
        log($"threshold {threshold} (out-of-fold, ≤ {FalseAlertBudgetPerDay} false alerts per normal day)");

        string input;
        IReadOnlyList<string> outputs;
        FallEvaluationResult result;
        OnnxParity parity;
        using (var graph = new OnnxEnsembleGraph(onnx, ensemble.Members.Count))
        {
            (input, outputs) = (graph.InputName, graph.ScoreOutputNames);
            parity = OnnxParity.Measure(ensemble, graph);
            result = Evaluate(graph, ensemble.Calibration, evaluation, threshold, seed + 1, log);
        }

        return new FallRun(ensemble, onnx, input, outputs, threshold, scan,
            trainingWindows.Sum(w => w.FallImpacts.Length), training.Sum(r => r.Hours), training.Where(r => r.NormalActivity).Sum(r => r.Hours),
            result, parity, clock.Elapsed);
    }

    /// <summary>The served probability of every window: mean of the members' calibrated probabilities, from the ONNX graph.</summary>
    public static double[] ServedProbabilities(OnnxEnsembleGraph graph, PlattScaling calibration, FallWindows windows)
    {
        ArgumentNullException.ThrowIfNull(graph);
        ArgumentNullException.ThrowIfNull(calibration);
        var table = AllWindows(windows);
        var probabilities = new double[table.RowCount];
        const int batch = 4096;
        for (var from = 0; from < table.RowCount; from += batch)
        {
            var rows = Enumerable.Range(from, Math.Min(batch, table.RowCount - from)).ToArray();
            var scores = graph.Scores(table, rows);
            for (var i = 0; i < rows.Length; i++)
            {
                probabilities[rows[i]] = scores.Average(member => calibration.Probability(member[i]));
            }
        }

        return probabilities;
    }

    private static FallEvaluationResult Evaluate(
        OnnxEnsembleGraph graph, PlattScaling calibration, IReadOnlyList<SimulatedRecording> recordings, double threshold, int seed, Action<string> log)
    {
        var outcomes = new List<(SimulatedRecording Recording, DevicePlacement Placement, RecordingOutcome Outcome)>();
        var windowProbabilities = new List<double>();
        var windowLabels = new List<bool>();
        var windowSubjects = new List<int>();
        foreach (var (recording, index) in recordings.Select((r, i) => (r, i)))
        {
            var windows = FallWindows.From(recording.Generate());
            var probabilities = ServedProbabilities(graph, calibration, windows);
            outcomes.Add((recording, windows.Recording.Placement, FallEvaluation.Outcome(windows, probabilities, threshold)));
            for (var w = 0; w < windows.Count; w++)
            {
                if (!windows.Ambiguous[w])
                {
                    windowProbabilities.Add(probabilities[w]);
                    windowLabels.Add(windows.Positive[w]);
                    windowSubjects.Add(index);
                }
            }

            log($"evaluated recording {index + 1}/{recordings.Count} ({recording.Hours} h, {windows.Count} windows)");
        }

        var p = windowProbabilities.ToArray();
        var y = windowLabels.ToArray();
        var bootstrap = new SubjectBootstrap(recordings.Count, 200, seed);
        var rowsOf = Enumerable.Range(0, recordings.Count).Select(s => Enumerable.Range(0, p.Length).Where(r => windowSubjects[r] == s).ToArray()).ToArray();
        var window = bootstrap.Estimates(3, subjects =>
        {
            var rows = subjects.SelectMany(s => rowsOf[s]).ToArray();
            var (auroc, auprc) = BinaryMetrics.Ranking(rows.Select(r => p[r]).ToArray(), rows.Select(r => y[r]).ToArray());
            return [auroc, auprc, BinaryMetrics.Brier(rows.Select(r => p[r]).ToArray(), rows.Select(r => y[r]).ToArray())];
        });

        var falls = outcomes.Sum(o => o.Outcome.Falls);
        var detected = outcomes.Sum(o => o.Outcome.Detected);
        var normal = outcomes.Where(o => o.Recording.NormalActivity).ToList();
        var eventRich = outcomes.Where(o => !o.Recording.NormalActivity).ToList();
        var normalHours = normal.Sum(o => o.Outcome.Hours);
        var normalFalse = normal.Sum(o => o.Outcome.FalseAlerts);
        var latencies = outcomes.SelectMany(o => o.Outcome.LatenciesSeconds).Order().ToArray();
        return new FallEvaluationResult(
            falls,
            detected,
            FallEvaluation.Wilson(detected, falls),
            [.. outcomes.GroupBy(o => o.Placement).OrderBy(g => g.Key).Select(g => (g.Key, g.Sum(o => o.Outcome.Falls), g.Sum(o => o.Outcome.Detected)))],
            normalFalse,
            normalHours,
            FallEvaluation.PoissonRate(normalFalse, normalHours, 24),
            eventRich.Sum(o => o.Outcome.FalseAlerts),
            eventRich.Sum(o => o.Outcome.Hours),
            [.. outcomes.SelectMany(o => o.Outcome.FalseAlertCauses).GroupBy(c => c).OrderByDescending(g => g.Count()).Select(g => (g.Key, g.Count()))],
            SubjectBootstrap.Percentile(latencies, 0.5),
            SubjectBootstrap.Percentile(latencies, 0.25),
            SubjectBootstrap.Percentile(latencies, 0.75),
            latencies.Length > 0 ? latencies[^1] : double.NaN,
            window[0],
            window[1],
            window[2],
            BinaryMetrics.CalibrationEqualWidth(p, y),
            BinaryMetrics.RocCurve(p, y),
            p.Length,
            y.Count(l => l));
    }

    /// <summary>Every window of a recording as a one-subject table (labels as window positives).</summary>
    private static FeatureTable AllWindows(FallWindows windows)
    {
        var table = new FeatureTable(FallFeatures.Features.Count);
        table.BeginSubject();
        for (var w = 0; w < windows.Count; w++)
        {
            table.Add(windows.Row(w), windows.Positive[w]);
        }

        return table;
    }

    public static ModelManifest Manifest(FallRun run)
    {
        ArgumentNullException.ThrowIfNull(run);
        var medians = run.Ensemble.Table.FeatureMedians();
        var e = run.Evaluation;
        var members = run.Ensemble.Members.Count;
        return new ModelManifest
        {
            SchemaVersion = 1,
            Id = Id,
            Version = Version,
            Task = "Probability that a 4 s window of wrist or chest acceleration (50 Hz) holds a fall: free fall, an impact of several g at least 1 s before " +
                "the end of the window, then lying still. Trained on simulator data only.",
            AlertType = "fall",
            FeatureSet = FallFeatures.FeatureSetId,
            Inputs = ModelPackage.Inputs(run.InputTensorName, FallFeatures.Features, medians),
            Outputs = new ModelOutputs
            {
                ScoreTensorNames = run.ScoreTensorNames,
                Meaning = $"One raw FastTree score per ensemble member ({members} members, member k trained on the simulated recordings outside fold k), " +
                    "uncalibrated log-odds scale, higher = more likely that the window holds a fall impact at least 1 s before its end. " +
                    "Apply the calibration to the score of each member; the served probability is the mean of the member probabilities.",
            },
            Calibration = new ModelCalibration
            {
                Method = "platt",
                A = run.Ensemble.Calibration.A,
                B = run.Ensemble.Calibration.B,
                FittedOn = $"Out-of-fold raw scores of recording-grouped {members}-fold cross-validation on simulator windows ({run.Ensemble.Table.RowCount} windows " +
                    $"of {run.Ensemble.Table.SubjectCount} simulated recordings), maximum-likelihood fit; the same A and B apply to every member.",
            },
            Uncertainty = new ModelUncertainty
            {
                Method = "subbagged-ensemble",
                Members = members,
                Interval = $"Lower and upper bound = minimum and maximum of the Platt-calibrated probabilities of the {members} members; " +
                    "the probability itself is their mean.",
            },
            Thresholds =
            [
                new ModelThreshold
                {
                    Priority = "high",
                    Probability = run.Threshold,
                    ExpectedSensitivity = Math.Round(e.Sensitivity.Value, 4),
                    AlertsPerPatientDay = Math.Round(e.FalseAlertsPerDay.Value, 4),
                },
            ],
            TrainingData = new ModelTrainingData
            {
                Name = "WearableEdge device simulator motion library (synthetic accelerometer recordings; simulator seeds 1-15), no real falls",
                Licence = "Synthetic data generated by this repository's simulator; no third-party data",
                Citation = "WearableEdge.DeviceSim.Motion.MotionLibrary.Generate (this repository). Not validated on real falls; context only: " +
                    "smartwatch fall detection on induced falls, sensitivity 77 %, specificity 99 % (Brew et al., JMIR Form Res 2022).",
                Patients = run.Ensemble.Table.SubjectCount,
                Hours = run.TrainingHours,
            },
            Evaluation =
            [
                ManifestMetrics.From("sensitivity_per_fall", e.Sensitivity),
                ManifestMetrics.From("false_alerts_per_day_normal_activity", e.FalseAlertsPerDay),
                ManifestMetrics.From("latency_seconds_median", e.LatencyMedian),
                ManifestMetrics.From("latency_seconds_max", e.LatencyMax),
                ManifestMetrics.From("window_auroc", e.WindowAuroc),
                ManifestMetrics.From("window_auprc", e.WindowAuprc),
                ManifestMetrics.From("window_brier", e.WindowBrier),
            ],
            Seed = run.Ensemble.Options.Seed,
            OnnxSha256 = ModelPackage.Sha256(run.Onnx),
        };
    }
}

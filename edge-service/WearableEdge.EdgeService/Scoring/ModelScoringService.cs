using System.Diagnostics;
using System.Threading.Channels;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;
using Microsoft.ML.OnnxRuntime;
using WearableEdge.Clinical.Features.Trends;
using WearableEdge.Clinical.Samples;
using WearableEdge.EdgeService.Scoring.Models;

namespace WearableEdge.EdgeService.Scoring;

/// <summary>
/// Runs the loaded models on live data. One loop for all models (so each model's buffers are used
/// by one batch at a time): it takes every input waiting in the queue, updates each patient's
/// hourly history and motion buffer, collects the windows that became due, and scores them per
/// model in one batched call across patients. Scores go to the model alert stage.
/// </summary>
public sealed class ModelScoringService(
    ChannelReader<ModelInput> inputs,
    ChannelWriter<ModelScore> scores,
    ModelRegistry registry,
    IOptions<ModelOptions> options,
    EdgeMetrics metrics,
    ILogger<ModelScoringService> logger,
    Api.PatientBoard? board = null) : BackgroundService
{
    /// <summary>Most inputs taken from the queue before the windows they made due are scored.</summary>
    public const int MaxInputsPerRound = 1_000;

    private readonly Dictionary<string, PatientModelState> _patients = new(StringComparer.Ordinal);

    /// <summary>A window due for scoring: the patient, its span, the feature row, and what it could not assess.</summary>
    /// <param name="PatientId">The patient.</param>
    /// <param name="Start">Window start, device time.</param>
    /// <param name="End">Window end, device time.</param>
    /// <param name="Features">The feature row, in model input order.</param>
    /// <param name="NotAssessed">Inputs the row could not assess.</param>
    /// <param name="Completeness">Fraction (0–1) of the data the window should hold that it held.</param>
    /// <param name="Imputed">Indices of features whose value was assumed (unknown age, a sign never observed): never given as a reason.</param>
    internal sealed record DueRow(
        string PatientId, DateTimeOffset Start, DateTimeOffset End, float[] Features, IReadOnlyList<string> NotAssessed, double Completeness,
        IReadOnlyCollection<int>? Imputed = null);

    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        var hourly = new List<DueRow>();
        var motion = new List<DueRow>();
        var fallWindows = new List<FallWindow>();
        while (await inputs.WaitToReadBatchAsync(options.Value.InputBatchDelay, MaxInputsPerRound, stoppingToken).ConfigureAwait(false))
        {
            for (var taken = 0; taken < MaxInputsPerRound && inputs.TryRead(out var input); taken++)
            {
                try
                {
                    Collect(input, hourly, motion, fallWindows);
                }
                catch (ArgumentException e)
                {
                    // One bad input costs its own windows, never the loop.
                    metrics.MotionBatch(input is ModelInput.Motion ? "feature-error" : "minute-feature-error");
                    Log.ModelInputFailed(logger, e);
                }
            }

            foreach (var model in registry.OfKind(FeatureSetKind.HourlyTrends))
            {
                await ScoreAsync(model, hourly, emitBelowThreshold: true, stoppingToken).ConfigureAwait(false);
            }

            foreach (var model in registry.OfKind(FeatureSetKind.MotionWindow))
            {
                // Fall scores below every threshold concern nobody: a fall is an event, not a condition to clear.
                await ScoreAsync(model, motion, emitBelowThreshold: false, stoppingToken).ConfigureAwait(false);
            }

            hourly.Clear();
            motion.Clear();
        }
    }

    /// <summary>Updates the patient's state with one input and adds the windows it made due.</summary>
    internal void Collect(ModelInput input, List<DueRow> hourly, List<DueRow> motion, List<FallWindow> scratch)
    {
        if (!_patients.TryGetValue(input.PatientId, out var state))
        {
            state = new PatientModelState(new HourlyTrendHistory(options.Value.MinimumMinutesPerHour), new FallWindowScheduler());
            _patients[input.PatientId] = state;
        }

        if (input is ModelInput.Minute summary)
        {
            board?.RecordMinute(summary.Summary);
        }

        switch (input)
        {
            case ModelInput.Minute minute when state.Trends.Add(minute.Summary) is { } closed:
                var row = new float[DeteriorationFeatures.Features.Count];
                var neverObserved = DeteriorationFeatures.Compute(state.Trends.Hours, ageYears: null, row);

                // The service is not told the patient's age: the model sees the Clinical default, and the alert says so.
                IReadOnlyList<string> notAssessed = [.. neverObserved.Select(VitalSignCodes.Name), "age"];
                var start = state.Trends.Hours[0].HourStart;
                hourly.Add(new DueRow(
                    input.PatientId, start, closed.HourStart + TimeSpan.FromHours(1), row, notAssessed, state.Trends.Completeness(), ImputedIndices(neverObserved)));
                break;
            case ModelInput.Motion when !registry.OfKind(FeatureSetKind.MotionWindow).Any():
                // No fall model: nothing would use the windows.
                metrics.MotionBatch("no-model");
                break;
            case ModelInput.Motion batch:
                scratch.Clear();
                if (!state.Falls.Add(batch.Start, batch.SampleRateHz, batch.X, batch.Y, batch.Z, scratch))
                {
                    metrics.MotionBatch("rate-unsupported");
                    break;
                }

                metrics.MotionBatch("buffered");
                foreach (var window in scratch)
                {
                    motion.Add(new DueRow(input.PatientId, window.Start, window.End, window.Features, [], 1.0));
                }

                break;
        }
    }

    /// <summary>
    /// Deterioration features that hold assumptions rather than measurements: age (the gateway is
    /// not told it), and the last value, mean and trend of a sign never observed (the Clinical
    /// reference value). Its "hours since measured" stays explainable: that one is a fact.
    /// </summary>
    internal static IReadOnlyCollection<int> ImputedIndices(IReadOnlyList<VitalSign> neverObserved)
    {
        var names = new HashSet<string>(StringComparer.Ordinal) { "age_years" };
        foreach (var sign in neverObserved)
        {
            var name = VitalSignCodes.Name(sign);
            names.UnionWith([$"{name}_last", $"{name}_mean_6h", $"{name}_slope_6h"]);
        }

        return [.. DeteriorationFeatures.Features.Select((f, i) => (f.Name, i)).Where(f => names.Contains(f.Name)).Select(f => f.i)];
    }

    /// <summary>Scores <paramref name="rows"/> with <paramref name="model"/> in one batched call and emits the scores.</summary>
    private async Task ScoreAsync(LoadedModel model, List<DueRow> rows, bool emitBelowThreshold, CancellationToken stoppingToken)
    {
        if (rows.Count == 0)
        {
            return;
        }

        IReadOnlyList<ModelScore> scored;
        try
        {
            scored = Score(model, rows, emitBelowThreshold, metrics);
        }
        catch (ObjectDisposedException) when (registry.Current(model.Id) is { } replacement
                                               && !ReferenceEquals(replacement, model)
                                               && replacement.Manifest.FeatureSet == model.Manifest.FeatureSet)
        {
            // Swapped out between taking it and using it: score with the model that replaced it.
            scored = Score(replacement, rows, emitBelowThreshold, metrics);
        }
        catch (Exception e) when (e is OnnxRuntimeException or ObjectDisposedException or ArgumentException)
        {
            metrics.ModelScoringFailed(model.Id);
            Log.ModelScoringFailed(logger, e, model.Id, model.Version, rows.Count);
            return;
        }

        foreach (var score in scored)
        {
            if (model.Kind == FeatureSetKind.HourlyTrends)
            {
                board?.RecordRisk(score);
            }

            await scores.WriteAsync(score, stoppingToken).ConfigureAwait(false);
        }
    }

    /// <summary>
    /// Scores all rows in one batch; for each row whose probability reaches a threshold, explains it
    /// (occlusion, one more batch per row) and returns it; below-threshold rows only when asked.
    /// </summary>
    internal static IReadOnlyList<ModelScore> Score(LoadedModel model, IReadOnlyList<DueRow> rows, bool emitBelowThreshold, EdgeMetrics? metrics)
    {
        var width = model.Features.Count;
        var batch = new float[rows.Count * width];
        for (var i = 0; i < rows.Count; i++)
        {
            rows[i].Features.CopyTo(batch, i * width);
        }

        var probabilities = new ModelProbability[rows.Count];
        var started = Stopwatch.GetTimestamp();
        model.Score(batch, probabilities);
        metrics?.ModelInference(model.Id, "score", rows.Count, Stopwatch.GetElapsedTime(started));

        var provenance = ModelProvenance.Of(model);
        var result = new List<ModelScore>(emitBelowThreshold ? rows.Count : 0);
        for (var i = 0; i < rows.Count; i++)
        {
            var row = rows[i];
            var priority = model.PriorityOf(probabilities[i].Probability);
            if (priority is null && !emitBelowThreshold)
            {
                continue;
            }

            IReadOnlyList<ModelExplanation> top = [];
            if (priority is not null)
            {
                started = Stopwatch.GetTimestamp();
                var contributions = ModelExplainer.TopContributors(model, row.Features, probabilities[i], imputed: row.Imputed);
                metrics?.ModelInference(model.Id, "explain", width, Stopwatch.GetElapsedTime(started));
                top = [.. contributions.Select(c => new ModelExplanation(
                    model.Features[c.FeatureIndex].Name,
                    model.Features[c.FeatureIndex].Describe(c.Value),
                    Math.Round(c.Value, 3),
                    Math.Round(c.Reference, 3),
                    Math.Round(c.ProbabilityChange, 4)))];
            }

            result.Add(new ModelScore(
                row.PatientId,
                provenance,
                row.Start,
                row.End,
                probabilities[i],
                priority,
                [.. model.Features.Select((f, k) => new ModelInputValue(f.Name, f.Label, Math.Round(row.Features[k], 3), f.Unit, f.Window))],
                top,
                row.NotAssessed,
                Math.Round(row.Completeness, 3)));
        }

        return result;
    }

    private sealed record PatientModelState(HourlyTrendHistory Trends, FallWindowScheduler Falls);
}

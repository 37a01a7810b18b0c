using System.Threading.Channels;
using Microsoft.Extensions.Logging.Abstractions;
using Microsoft.Extensions.Options;
using Microsoft.Extensions.Time.Testing;
using WearableEdge.Clinical.Features.Trends;
using WearableEdge.Clinical.Samples;
using WearableEdge.EdgeService.Features;
using WearableEdge.EdgeService.Scoring;
using WearableEdge.EdgeService.Scoring.Models;

namespace WearableEdge.EdgeService.Tests.Scoring;

public sealed class ModelScoringServiceTests : IDisposable
{
    private static readonly DateTimeOffset T0 = new(2026, 1, 1, 8, 0, 0, TimeSpan.Zero);
    private readonly TestDataDirectory _root = new();
    private readonly EdgeMetrics _metrics = TestMeterFactory.NewMetrics();
    private readonly ModelRegistry _registry;
    private readonly Channel<ModelInput> _inputs = Channel.CreateUnbounded<ModelInput>();
    private readonly Channel<ModelScore> _scores = Channel.CreateUnbounded<ModelScore>();
    private readonly ModelScoringService _service;

    public ModelScoringServiceTests()
    {
        TestModels.Write(_root.Path, TestModels.Fall, "fall-detection", "1.0.0");
        TestModels.Write(_root.Path, TestModels.Deterioration, "deterioration-sepsis-6h", "1.0.0", m => m with
        {
            // Every hour alerts, so each scored hour comes out with its explanation.
            Thresholds = [m.Thresholds[0] with { Priority = "low", Probability = 0.000001 }],
        });
        var options = Options.Create(new ModelOptions { Path = _root.Path, MinimumMinutesPerHour = 10 });
        _registry = new ModelRegistry(options, _metrics, new FakeTimeProvider(T0), NullLogger<ModelRegistry>.Instance);
        _registry.LoadAtStartup();
        _service = new ModelScoringService(_inputs.Reader, _scores.Writer, _registry, options, _metrics, NullLogger<ModelScoringService>.Instance);
    }

    public void Dispose()
    {
        _service.Dispose();
        _registry.Dispose();
        _metrics.Dispose();
        _root.Dispose();
    }

    /// <summary>Upright and still for 2.5 s, a 3 g impact, then lying on the side (x = 1 g) and still: 4 s at 50 Hz.</summary>
    internal static (float[] X, float[] Y, float[] Z) FallSamples()
    {
        var x = new float[200];
        var z = new float[200];
        for (var i = 0; i < 200; i++)
        {
            (x[i], z[i]) = i switch
            {
                < 115 => (0f, 1f),
                < 125 => (0.1f, 0.2f),
                < 128 => (2.5f, 1.7f),
                _ => (1f, 0.02f),
            };
        }

        return (x, new float[200], z);
    }

    private static IEnumerable<ModelInput.Motion> InHalfSeconds(string patientId, DateTimeOffset start, (float[] X, float[] Y, float[] Z) samples)
    {
        for (var i = 0; i < samples.X.Length; i += 25)
        {
            yield return new ModelInput.Motion(patientId, start.AddSeconds(i / 50.0), 50, samples.X[i..(i + 25)], samples.Y[i..(i + 25)], samples.Z[i..(i + 25)]);
        }
    }

    private static MinuteSummary Minute(string patientId, DateTimeOffset at, double heartRate, double spO2) => new(
        patientId,
        at,
        1.0,
        new Dictionary<string, MinuteVital>
        {
            [VitalSignCodes.Name(VitalSign.HeartRate)] = new(heartRate, heartRate, heartRate, 1),
            [VitalSignCodes.Name(VitalSign.SpO2)] = new(spO2, spO2, spO2, 1),
        });

    [Fact]
    public void Collect_SeveralPatientsDue_ScoredInOneBatchedCall()
    {
        var hourly = new List<ModelScoringService.DueRow>();
        var motion = new List<ModelScoringService.DueRow>();
        var patients = new[] { "p-1", "p-2", "p-3" };
        foreach (var patient in patients)
        {
            foreach (var batch in InHalfSeconds(patient, T0, FallSamples()))
            {
                _service.Collect(batch, hourly, motion, []);
            }
        }

        var model = _registry.Current("fall-detection")!;
        var scores = ModelScoringService.Score(model, motion, emitBelowThreshold: true, _metrics);

        Assert.Equal(patients, motion.Select(r => r.PatientId));
        Assert.All(motion, r => Assert.Equal((T0, T0.AddSeconds(4)), (r.Start, r.End)));
        var text = _metrics.ToPrometheusText();
        Assert.Contains("wearable_edge_model_inferences_total{model=\"fall-detection\",purpose=\"score\"} 1\n", text, StringComparison.Ordinal);
        Assert.Contains("wearable_edge_model_rows_total{model=\"fall-detection\",purpose=\"score\"} 3\n", text, StringComparison.Ordinal);
        var single = new ModelProbability[1];
        model.Score(motion[0].Features, single);
        Assert.All(scores, s => Assert.Equal(single[0], s.Probability));
    }

    [Fact]
    public void Collect_MinutesAcrossHours_MakeOneRowPerClosedHourFromClinicalFeatures()
    {
        var hourly = new List<ModelScoringService.DueRow>();
        for (var minute = 0; minute < 180; minute++)
        {
            _service.Collect(new ModelInput.Minute(Minute("p-1", T0.AddMinutes(minute), 80 + (minute / 6.0), 97 - (minute / 60.0))), hourly, [], []);
        }

        // Hours 08:00 and 09:00 closed (10:00 is still open).
        Assert.Equal([T0.AddHours(1), T0.AddHours(2)], hourly.Select(r => r.End));
        Assert.All(hourly, r => Assert.Equal(T0, r.Start));
        var expected = new float[DeteriorationFeatures.Features.Count];
        var history = new[]
        {
            new HourlySummary(T0, new VitalSigns(80 + (59.0 / 12), 97 - (59.0 / 120), null, null, null)),
            new HourlySummary(T0.AddHours(1), new VitalSigns(90 + (59.0 / 12), 96 - (59.0 / 120), null, null, null)),
        };
        DeteriorationFeatures.Compute(history, null, expected);
        Assert.Equal(expected, hourly[1].Features, (a, b) => Math.Abs(a - b) < 1e-3);
        Assert.Equal(["respirationRate", "temperature", "systolicBp", "age"], hourly[1].NotAssessed);
        Assert.Equal(4.0 / 30, hourly[1].Completeness, 6);
    }

    [Fact]
    public async Task ExecuteAsync_FallAndHourlyInputs_EmitScoresWithProvenance()
    {
        await _service.StartAsync(TestContext.Current.CancellationToken);
        foreach (var batch in InHalfSeconds("p-9", T0, FallSamples()))
        {
            await _inputs.Writer.WriteAsync(batch, TestContext.Current.CancellationToken);
        }

        for (var minute = 0; minute <= 60; minute++)
        {
            await _inputs.Writer.WriteAsync(new ModelInput.Minute(Minute("p-9", T0.AddMinutes(minute), 120, 91)), TestContext.Current.CancellationToken);
        }

        var received = new List<ModelScore>();
        using var timeout = CancellationTokenSource.CreateLinkedTokenSource(TestContext.Current.CancellationToken);
        timeout.CancelAfter(TimeSpan.FromSeconds(15));
        while (!received.Any(s => s.Model.Id == "deterioration-sepsis-6h") || !received.Any(s => s.Model.Id == "fall-detection"))
        {
            received.Add(await _scores.Reader.ReadAsync(timeout.Token));
        }

        await _service.StopAsync(TestContext.Current.CancellationToken);
        var fall = Assert.Single(received, s => s.Model.Id == "fall-detection");
        Assert.Equal(FeatureSetKind.MotionWindow, fall.Model.Kind);
        Assert.Equal(_registry.Current("fall-detection")!.Manifest.OnnxSha256, fall.Model.Sha256);
        Assert.NotNull(fall.Priority);
        Assert.InRange(fall.Probability.Probability, fall.Probability.Lower, fall.Probability.Upper);
        Assert.NotEmpty(fall.TopFeatures);
        var hour = Assert.Single(received, s => s.Model.Id == "deterioration-sepsis-6h");
        Assert.Equal((T0, T0.AddHours(1)), (hour.WindowStart, hour.WindowEnd));
        Assert.Equal(21, hour.Inputs.Count);
        Assert.Contains("age", hour.NotAssessed);
    }
}

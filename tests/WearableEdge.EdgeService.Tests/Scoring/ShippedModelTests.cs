using Microsoft.Extensions.Logging.Abstractions;
using Microsoft.Extensions.Options;
using Microsoft.Extensions.Time.Testing;
using WearableEdge.Clinical.Features.Trends;
using WearableEdge.Clinical.Samples;
using WearableEdge.EdgeService.Scoring;
using WearableEdge.EdgeService.Scoring.Models;

namespace WearableEdge.EdgeService.Tests.Scoring;

/// <summary>
/// The models shipped in the repository's <c>models/</c> folder, as the build copies them beside
/// the binary: each passes the serving checks (SHA-256, the Clinical feature order, its tensors)
/// and scores single rows and batches alike.
/// </summary>
public sealed class ShippedModelTests : IDisposable
{
    private readonly ModelRegistry _registry = new(
        Options.Create(new ModelOptions()), TestMeterFactory.NewMetrics(), new FakeTimeProvider(), NullLogger<ModelRegistry>.Instance);

    public void Dispose() => _registry.Dispose();

    private IReadOnlyList<LoadedModel> LoadShipped()
    {
        _registry.LoadAtStartup();
        if (_registry.Models.Count == 0)
        {
            Assert.Skip($"No model is shipped yet in {_registry.Root} (models/<id>/<version>/ in the repository).");
        }

        return [.. _registry.Models.Values];
    }

    [Fact]
    public void Shipped_EveryModel_PassesServingChecks()
    {
        foreach (var model in LoadShipped())
        {
            Assert.Equal(model.Features.Select(f => f.Name), model.Manifest.Inputs.Features.Select(f => f.Name));
            Assert.NotEmpty(model.Thresholds);
        }
    }

    [Fact]
    public void Shipped_EveryModel_SingleRowsEqualBatch()
    {
        foreach (var model in LoadShipped())
        {
            var random = new Random(5);
            var rows = Enumerable.Range(0, 64)
                .Select(_ => model.References.Select(r => r + ((Math.Abs(r) + 1) * 0.3f * (float)((random.NextDouble() * 2) - 1))).ToArray())
                .ToList();
            var batched = new ModelProbability[rows.Count];
            model.Score(rows.SelectMany(r => r).ToArray(), batched);
            var single = rows.Select(r =>
            {
                var one = new ModelProbability[1];
                model.Score(r, one);
                return one[0];
            });

            Assert.Equal(single, batched);
            Assert.All(batched, p => Assert.InRange(p.Probability, p.Lower, p.Upper));
        }
    }

    [Fact]
    public void Shipped_Deterioration_FallingSpO2AndRisingHeartRateRaiseRiskOverStableVitals()
    {
        var model = LoadShipped().FirstOrDefault(m => m.Manifest.FeatureSet == DeteriorationFeatures.FeatureSetId);
        if (model is null)
        {
            Assert.Skip("No deterioration model is shipped yet.");
        }

        var t0 = new DateTimeOffset(2026, 1, 1, 0, 0, 0, TimeSpan.Zero);
        var stable = Enumerable.Range(0, 6).Select(h => new HourlySummary(t0.AddHours(h), new VitalSigns(78, 97, 16, 36.9, 125))).ToList();
        var worsening = Enumerable.Range(0, 6).Select(h => new HourlySummary(t0.AddHours(h), new VitalSigns(85 + (8 * h), 97 - h, 18 + (2 * h), 37.2 + (0.3 * h), 120 - (5 * h)))).ToList();
        var rows = new float[2 * DeteriorationFeatures.Features.Count];
        DeteriorationFeatures.Compute(stable, 60, rows.AsSpan(0, DeteriorationFeatures.Features.Count));
        DeteriorationFeatures.Compute(worsening, 60, rows.AsSpan(DeteriorationFeatures.Features.Count));
        var scored = new ModelProbability[2];

        model.Score(rows, scored);

        Assert.True(scored[1].Probability > scored[0].Probability, $"worsening {scored[1]} vs stable {scored[0]}");
        var top = ModelScoringService.Score(
            model,
            [new ModelScoringService.DueRow("p-1", t0, t0.AddHours(6), rows[DeteriorationFeatures.Features.Count..], ["age"], 1)],
            emitBelowThreshold: true,
            metrics: null)[0];
        using var alerts = new EdgeService.Alerts.ModelAlertService(
            System.Threading.Channels.Channel.CreateUnbounded<ModelScore>().Reader,
            null!,
            Options.Create(new ModelOptions()),
            Options.Create(new EdgeService.Alerts.AlertOptions()),
            TestMeterFactory.NewMetrics(),
            new FakeTimeProvider(t0.AddHours(6).AddSeconds(2)),
            NullLogger<EdgeService.Alerts.ModelAlertService>.Instance);
        var alert = alerts.Evaluate(top)!.Alert;
        Assert.Equal(model.Manifest.OnnxSha256, alert.ScoreSourceSha256);
        Assert.StartsWith("Deterioration risk ", alert.Reason, StringComparison.Ordinal);
        TestContext.Current.TestOutputHelper?.WriteLine(System.Text.Json.JsonSerializer.Serialize(
            alert, new System.Text.Json.JsonSerializerOptions(Contracts.ContractJsonContext.Default.Options) { WriteIndented = true }));
        TestContext.Current.TestOutputHelper?.WriteLine($"stable {scored[0]}, worsening {scored[1]}, priority {top.Priority}, top: {string.Join("; ", top.TopFeatures.Select(t => $"{t.Description} (+{t.ProbabilityChange})"))}");
    }

    [Fact]
    public void Shipped_Fall_SimulatedFallsRaiseOneAlertEachWithinTheFall()
    {
        var model = LoadShipped().FirstOrDefault(m => m.Manifest.FeatureSet == Clinical.Features.Motion.FallFeatures.FeatureSetId);
        if (model is null)
        {
            Assert.Skip("No fall model is shipped yet.");
        }

        // A simulator seed far from the training seeds; falls only, among everyday activity.
        var recording = DeviceSim.Motion.MotionLibrary.Generate(seed: 4242, TimeSpan.FromMinutes(20), new DeviceSim.Motion.MotionMix(FallsPerHour: 9, HardNegativesPerHour: 0));
        var falls = recording.Episodes.Where(e => e.Activity == DeviceSim.Motion.MotionActivity.Fall).ToList();
        Assert.NotEmpty(falls);
        var t0 = new DateTimeOffset(2026, 1, 1, 8, 0, 0, TimeSpan.Zero);
        var options = Options.Create(new ModelOptions());
        using var service = new ModelScoringService(
            System.Threading.Channels.Channel.CreateUnbounded<ModelInput>().Reader,
            System.Threading.Channels.Channel.CreateUnbounded<ModelScore>().Writer,
            _registry, options, TestMeterFactory.NewMetrics(), NullLogger<ModelScoringService>.Instance);
        using var alerts = new EdgeService.Alerts.ModelAlertService(
            System.Threading.Channels.Channel.CreateUnbounded<ModelScore>().Reader, null!, options, Options.Create(new EdgeService.Alerts.AlertOptions()),
            TestMeterFactory.NewMetrics(), new FakeTimeProvider(t0), NullLogger<EdgeService.Alerts.ModelAlertService>.Instance);

        var raised = new List<Contracts.AlertMessage>();
        for (var i = 0; i + 25 <= recording.X.Length; i += 25)
        {
            var rows = new List<ModelScoringService.DueRow>();
            service.Collect(
                new ModelInput.Motion("p-1", t0.AddSeconds(i / 50.0), 50, recording.X[i..(i + 25)], recording.Y[i..(i + 25)], recording.Z[i..(i + 25)]), [], rows, []);
            foreach (var score in ModelScoringService.Score(model, rows, emitBelowThreshold: false, metrics: null))
            {
                if (alerts.Evaluate(score) is { } transition)
                {
                    alerts.Committed(score, transition);
                    if (transition.Action == EdgeService.Storage.AlertTransition.Raised)
                    {
                        raised.Add(transition.Alert);
                    }
                }
            }
        }

        var output = TestContext.Current.TestOutputHelper;
        output?.WriteLine($"{falls.Count} falls, {raised.Count} fall alerts; placement {recording.Placement}");
        foreach (var alert in raised)
        {
            var fall = falls.FirstOrDefault(f => alert.WindowEnd > t0 + f.Start && alert.WindowStart < t0 + f.End);
            output?.WriteLine($"alert window end {(alert.WindowEnd - t0).TotalSeconds:0.0} s, impact {(fall?.Impact is { } impact ? $"{impact.TotalSeconds:0.0} s" : "none")}: {alert.Reason}");
            Assert.True(fall is not null, $"alert at {(alert.WindowEnd - t0).TotalSeconds} s is not during a fall");
        }

        Assert.NotEmpty(raised);
        Assert.True(raised.Count <= falls.Count, $"{raised.Count} alerts for {falls.Count} falls: one fall alerted twice");
    }
}

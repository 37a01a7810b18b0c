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
}

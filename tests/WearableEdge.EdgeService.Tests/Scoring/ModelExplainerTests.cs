using Microsoft.Extensions.Time.Testing;
using WearableEdge.EdgeService.Scoring.Models;

namespace WearableEdge.EdgeService.Tests.Scoring;

public sealed class ModelExplainerTests : IDisposable
{
    private readonly TestDataDirectory _root = new();
    private readonly LoadedModel _model;

    public ModelExplainerTests()
    {
        _model = ModelLoader.Load(TestModels.Write(_root.Path, TestModels.Deterioration, "deterioration-sepsis-6h", "1.0.0"), 64, new FakeTimeProvider());
    }

    public void Dispose()
    {
        _model.Dispose();
        _root.Dispose();
    }

    private ModelProbability Score(float[] row)
    {
        var result = new ModelProbability[1];
        _model.Score(row, result);
        return result[0];
    }

    [Fact]
    public void TopContributors_RankedByOneAtATimeOcclusion()
    {
        // Heart rate up and SpO2 falling push risk up (the synthetic rule); temperature and age moved too.
        var row = TestModels.Row(TestModels.Deterioration, (0, 112f), (6, -4f), (12, 38.5f), (20, 80f));
        var scored = Score(row);

        var top = ModelExplainer.TopContributors(_model, row, scored);

        var expected = new[] { 0, 6, 12, 20 }
            .Select(i => (Index: i, Change: scored.Probability - Score(TestModels.Row(TestModels.Deterioration, (0, i == 0 ? 70f : 112f), (6, i == 6 ? 0f : -4f), (12, i == 12 ? 37f : 38.5f), (20, i == 20 ? 65f : 80f))).Probability))
            .Where(c => c.Change > 0)
            .OrderByDescending(c => c.Change)
            .Take(3)
            .ToList();
        Assert.Equal(expected.Select(c => c.Index), top.Select(c => c.FeatureIndex));
        Assert.Equal(expected.Select(c => c.Change), top.Select(c => c.ProbabilityChange), (a, b) => Math.Abs(a - b) < 1e-12);
        Assert.Contains(0, top.Select(c => c.FeatureIndex));
        Assert.Contains(6, top.Select(c => c.FeatureIndex));
        Assert.Equal("SpO2 trend \u22124.0 %/h", _model.Features[6].Describe(top.Single(c => c.FeatureIndex == 6).Value));
    }

    [Fact]
    public void TopContributors_FeatureLoweringRisk_IsNotListed()
    {
        var row = TestModels.Row(TestModels.Deterioration, (0, 45f), (6, -4f));

        var top = ModelExplainer.TopContributors(_model, row, Score(row));

        Assert.Equal([6], top.Select(c => c.FeatureIndex));
    }

    [Fact]
    public void TopContributors_RowAtReferences_IsEmpty() =>
        Assert.Empty(ModelExplainer.TopContributors(_model, TestModels.Deterioration.Centers, Score(TestModels.Deterioration.Centers)));

    [Fact]
    public void TopContributors_ImputedFeatures_AreNeverGivenAsReasons()
    {
        var row = TestModels.Row(TestModels.Deterioration, (0, 112f), (6, -4f), (20, 95f));
        var scored = Score(row);
        var imputed = EdgeService.Scoring.ModelScoringService.ImputedIndices([Clinical.Samples.VitalSign.SpO2]);

        var top = ModelExplainer.TopContributors(_model, row, scored, imputed: imputed);

        Assert.Equal([4, 5, 6, 20], imputed.Order());
        Assert.Equal([0], top.Select(c => c.FeatureIndex));
    }
}

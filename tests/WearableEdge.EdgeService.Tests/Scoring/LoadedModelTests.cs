using Microsoft.Extensions.Time.Testing;
using WearableEdge.EdgeService.Scoring.Models;

namespace WearableEdge.EdgeService.Tests.Scoring;

public sealed class LoadedModelTests : IDisposable
{
    private readonly TestDataDirectory _root = new();

    public void Dispose() => _root.Dispose();

    private LoadedModel Load(TrainedModel trained, string id, int maxBatchRows = 64) =>
        ModelLoader.Load(TestModels.Write(_root.Path, trained, id, "1.0.0"), maxBatchRows, new FakeTimeProvider());

    private static ModelProbability[] Score(LoadedModel model, IReadOnlyList<float[]> rows)
    {
        var results = new ModelProbability[rows.Count];
        model.Score(rows.SelectMany(r => r).ToArray(), results);
        return results;
    }

    [Fact]
    public void Score_SingleRowsAndOneBatch_GiveSameProbabilities()
    {
        using var model = Load(TestModels.Deterioration, "deterioration-sepsis-6h");
        var rows = TestModels.RandomRows(TestModels.Deterioration, 64, seed: 1);

        var batched = Score(model, rows);
        var single = rows.Select(r => Score(model, [r])[0]).ToArray();

        Assert.Equal(single, batched);
        Assert.True(batched.Select(p => p.Probability).Distinct().Count() > 10, "the rows should not all score the same");
    }

    [Fact]
    public void Score_MoreRowsThanMaxBatch_SplitsAndGivesSameProbabilities()
    {
        using var small = Load(TestModels.Fall, "fall-detection", maxBatchRows: 7);
        var rows = TestModels.RandomRows(TestModels.Fall, 50, seed: 2);

        var split = Score(small, rows);
        var single = rows.Select(r => Score(small, [r])[0]).ToArray();

        Assert.Equal(single, split);
    }

    [Theory]
    [InlineData("deterioration")]
    [InlineData("fall")]
    public void Score_EqualsMlNetPrediction_Within1e5(string which)
    {
        var trained = which == "fall" ? TestModels.Fall : TestModels.Deterioration;
        using var model = Load(trained, which == "fall" ? "fall-detection" : "deterioration-sepsis-6h");
        var rows = TestModels.RandomRows(trained, 200, seed: 3);

        var onnx = Score(model, rows);
        var mlnet = TestModels.MlNetProbabilities(trained, rows);

        for (var i = 0; i < rows.Count; i++)
        {
            Assert.Equal(mlnet[i].Probability, onnx[i].Probability, 1e-5);
            Assert.Equal(mlnet[i].Lower, onnx[i].Lower, 1e-5);
            Assert.Equal(mlnet[i].Upper, onnx[i].Upper, 1e-5);
        }
    }

    [Fact]
    public void Score_Interval_HoldsProbabilityAndIsNotDegenerate()
    {
        using var model = Load(TestModels.Deterioration, "deterioration-sepsis-6h");

        var scored = Score(model, TestModels.RandomRows(TestModels.Deterioration, 100, seed: 4));

        Assert.All(scored, p => Assert.InRange(p.Probability, p.Lower, p.Upper));
        Assert.Contains(scored, p => p.Upper - p.Lower > 0.01);
    }

    [Fact]
    public void Score_AfterDispose_Throws()
    {
        var model = Load(TestModels.Deterioration, "deterioration-sepsis-6h");
        model.Dispose();

        Assert.Throws<ObjectDisposedException>(() => Score(model, [TestModels.Deterioration.Centers]));
    }

    [Fact]
    public void Score_RowsNotAMultipleOfFeatures_Throws()
    {
        using var model = Load(TestModels.Fall, "fall-detection");

        Assert.Throws<ArgumentException>(() => model.Score(new float[13], new ModelProbability[1]));
    }

    [Fact]
    public void PriorityOf_UsesManifestThresholds_HighestFirst()
    {
        using var model = Load(TestModels.Fall, "fall-detection");

        Assert.Equal(Clinical.Alerts.AlertPriority.High, model.PriorityOf(0.8));
        Assert.Equal(Clinical.Alerts.AlertPriority.Medium, model.PriorityOf(0.79));
        Assert.Equal(Clinical.Alerts.AlertPriority.Medium, model.PriorityOf(0.5));
        Assert.Null(model.PriorityOf(0.49));
    }
}

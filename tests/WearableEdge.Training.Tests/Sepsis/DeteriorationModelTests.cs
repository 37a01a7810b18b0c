using System.Text.Json;
using WearableEdge.Clinical.Features.Trends;
using WearableEdge.Contracts;
using WearableEdge.Training.Learning;
using WearableEdge.Training.Reporting;
using WearableEdge.Training.Sepsis;

namespace WearableEdge.Training.Tests.Sepsis;

public sealed class DeteriorationModelTests(DeteriorationSubsetRun subset) : IClassFixture<DeteriorationSubsetRun>
{
    [Fact]
    public void Run_SameDataAndSeed_GivesByteIdenticalOnnx()
    {
        var first = subset.Get();
        var again = DeteriorationModel.Run(TestData.SepsisFolder, DeteriorationSubsetRun.Patients, DeteriorationSubsetRun.Seed, replicates: 10, log: _ => { });
        Assert.True(first.Onnx.Length > 1000);
        Assert.Equal(ModelPackage.Sha256(first.Onnx), ModelPackage.Sha256(again.Onnx));
        Assert.Equal(first.Onnx, again.Onnx);
    }

    [Fact]
    public void Run_OtherSeed_GivesAnotherModel()
    {
        var first = subset.Get();
        var other = DeteriorationModel.Run(TestData.SepsisFolder, DeteriorationSubsetRun.Patients, DeteriorationSubsetRun.Seed + 1, replicates: 10, log: _ => { });
        Assert.NotEqual(ModelPackage.Sha256(first.Onnx), ModelPackage.Sha256(other.Onnx));
    }

    [Fact]
    public void Onnx_EachMemberScore_EqualsMlNetRawScoreWithin1e5()
    {
        var run = subset.Get();
        var ensemble = run.Ensemble;
        var rows = Enumerable.Range(0, Math.Min(2000, ensemble.Table.RowCount)).ToArray();
        using var graph = new OnnxEnsembleGraph(run.Onnx, ensemble.Members.Count);
        var onnx = graph.Scores(ensemble.Table, rows);
        Assert.Equal(5, onnx.Length);
        for (var k = 0; k < ensemble.Members.Count; k++)
        {
            var mlnet = CrossValidatedEnsemble.Scores(ensemble.Ml, ensemble.Members[k], ensemble.Table, rows);
            Assert.Equal(rows.Length, onnx[k].Length);

            // ONNX Runtime adds the trees' outputs in float32, ML.NET in float64 before rounding to
            // float32, so raw scores of magnitude s agree to about 1e-5 · max(1, |s|); the calibrated
            // probability the service uses agrees within 1e-5 absolute.
            var worstRelative = Enumerable.Range(0, rows.Length).Max(i => Math.Abs(onnx[k][i] - mlnet[i]) / Math.Max(1, Math.Abs(mlnet[i])));
            var worstProbability = Enumerable.Range(0, rows.Length)
                .Max(i => Math.Abs(ensemble.Calibration.Probability(onnx[k][i]) - ensemble.Calibration.Probability(mlnet[i])));
            Assert.True(worstRelative <= 1e-5, $"member {k}: largest |ONNX − ML.NET| / max(1, |score|) = {worstRelative}");
            Assert.True(worstProbability <= 1e-5, $"member {k}: largest calibrated-probability difference = {worstProbability}");
        }

        // The members differ (they were trained on different patients), so the interval is not degenerate.
        Assert.Contains(Enumerable.Range(0, rows.Length), i => onnx[0][i] != onnx[1][i]);
    }

    [Fact]
    public void Manifest_RoundTrips_NamesTheRealTensors_AndTheClinicalFeatureOrder()
    {
        var run = subset.Get();
        var manifest = DeteriorationModel.Manifest(run);
        var json = JsonSerializer.Serialize(manifest, ModelManifestJsonContext.Default.ModelManifest);
        var read = JsonSerializer.Deserialize(json, ModelManifestJsonContext.Default.ModelManifest)!;

        Assert.Equal(DeteriorationFeatures.Features.Select(f => f.Name), read.Inputs.Features.Select(f => f.Name));
        Assert.Equal(DeteriorationFeatures.FeatureSetId, read.FeatureSet);
        Assert.Equal(ModelPackage.Sha256(run.Onnx), read.OnnxSha256);
        Assert.Equal(5, read.Uncertainty.Members);
        Assert.Equal(["high", "medium"], read.Thresholds.Select(t => t.Priority));
        Assert.True(read.Thresholds[0].Probability >= read.Thresholds[1].Probability);
        Assert.Equal(DeteriorationSubsetRun.Patients, read.TrainingData.Patients);

        using var session = new Microsoft.ML.OnnxRuntime.InferenceSession(run.Onnx);
        Assert.Equal([read.Inputs.TensorName], session.InputMetadata.Keys);
        Assert.Equal(DeteriorationFeatures.Features.Count, session.InputMetadata[read.Inputs.TensorName].Dimensions[^1]);
        Assert.All(read.Outputs.ScoreTensorNames, name => Assert.Contains(name, session.OutputMetadata.Keys));
    }

    [Fact]
    public void Evaluation_OutOfFoldProbabilities_AreProbabilities_AndNoPatientIsInTwoFolds()
    {
        var run = subset.Get();
        Assert.All(run.Ensemble.OutOfFoldProbabilities, p => Assert.InRange(p, 0, 1));
        var table = run.Ensemble.Table;
        for (var r = 1; r < table.RowCount; r++)
        {
            if (table.Subject(r) == table.Subject(r - 1))
            {
                Assert.Equal(run.Ensemble.FoldOfSubject[table.Subject(r)], run.Ensemble.FoldOfSubject[table.Subject(r - 1)]);
            }
        }

        var e = run.Evaluation;
        Assert.InRange(e.Model.Auroc.Value, e.Model.Auroc.Lower, e.Model.Auroc.Upper);
        Assert.Equal(e.Model.Auroc.Value - e.News2.Auroc.Value, e.AurocDifference.Value, 9);
    }
}

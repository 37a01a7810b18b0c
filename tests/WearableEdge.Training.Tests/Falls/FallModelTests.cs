using WearableEdge.Clinical.Features.Motion;
using WearableEdge.DeviceSim.Motion;
using WearableEdge.Training.Falls;
using WearableEdge.Training.Learning;
using WearableEdge.Training.Reporting;

namespace WearableEdge.Training.Tests.Falls;

/// <summary>A small fall run (simulated quarter-hours), shared by the tests.</summary>
public sealed class SmallFallRun
{
    internal static readonly IReadOnlyList<SimulatedRecording> Training =
    [
        .. Enumerable.Range(1, 5).Select(s => new SimulatedRecording(s, 0.25, new MotionMix(15, 30))),
        new SimulatedRecording(6, 0.5, new MotionMix(0, 6)),
    ];

    internal static readonly IReadOnlyList<SimulatedRecording> Evaluation =
    [
        new SimulatedRecording(101, 0.25, new MotionMix(15, 30)),
        new SimulatedRecording(201, 0.5, new MotionMix(0, 6)),
    ];

    private readonly Lazy<FallRun> _run = new(() => FallModel.Run(11, _ => { }, Training, Evaluation));

    internal FallRun Get() => _run.Value;
}

public sealed class FallModelTests(SmallFallRun small) : IClassFixture<SmallFallRun>
{
    [Fact]
    public void Run_SameSimulatorSeedsAndSeed_GivesByteIdenticalOnnx()
    {
        var again = FallModel.Run(11, _ => { }, SmallFallRun.Training, SmallFallRun.Evaluation);
        Assert.Equal(ModelPackage.Sha256(small.Get().Onnx), ModelPackage.Sha256(again.Onnx));
    }

    [Fact]
    public void Onnx_EachMemberScore_EqualsMlNetWithin1e5()
    {
        var run = small.Get();
        var ensemble = run.Ensemble;
        var rows = Enumerable.Range(0, Math.Min(3000, ensemble.Table.RowCount)).ToArray();
        using var graph = new OnnxEnsembleGraph(run.Onnx, ensemble.Members.Count);
        var onnx = graph.Scores(ensemble.Table, rows);
        for (var k = 0; k < ensemble.Members.Count; k++)
        {
            var mlnet = CrossValidatedEnsemble.Scores(ensemble.Ml, ensemble.Members[k], ensemble.Table, rows);
            var worstRelative = Enumerable.Range(0, rows.Length).Max(i => Math.Abs(onnx[k][i] - mlnet[i]) / Math.Max(1, Math.Abs(mlnet[i])));
            Assert.True(worstRelative <= 1e-5, $"member {k}: largest relative difference {worstRelative}");
        }
    }

    [Fact]
    public void Manifest_OneHighThreshold_FeaturesInClinicalOrder_SaysSimulatorOnly()
    {
        var run = small.Get();
        var manifest = FallModel.Manifest(run);
        Assert.Equal(FallFeatures.Features.Select(f => f.Name), manifest.Inputs.Features.Select(f => f.Name));
        Assert.Equal("high", Assert.Single(manifest.Thresholds).Priority);
        Assert.Contains("no real falls", manifest.TrainingData.Name, StringComparison.Ordinal);
        Assert.Equal(SmallFallRun.Training.Count, manifest.TrainingData.Patients);
        Assert.Contains("simulator data only", FallDocuments.ModelCard(run, manifest), StringComparison.Ordinal);
    }
}

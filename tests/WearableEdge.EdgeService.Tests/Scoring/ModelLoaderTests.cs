using System.Text.Json;
using Microsoft.Extensions.Time.Testing;
using WearableEdge.Clinical.Features.Trends;
using WearableEdge.Contracts;
using WearableEdge.EdgeService.Scoring.Models;

namespace WearableEdge.EdgeService.Tests.Scoring;

public sealed class ModelLoaderTests : IDisposable
{
    private const string Id = "deterioration-sepsis-6h";
    private readonly TestDataDirectory _root = new();
    private readonly FakeTimeProvider _time = new(new DateTimeOffset(2026, 1, 1, 0, 0, 0, TimeSpan.Zero));

    public void Dispose() => _root.Dispose();

    private LoadedModel Load(string directory) => ModelLoader.Load(directory, maxBatchRows: 64, _time);

    [Fact]
    public void Load_GoodModel_ServesManifestAndClinicalFeatures()
    {
        var directory = TestModels.Write(_root.Path, TestModels.Deterioration, Id, "1.0.0");

        using var model = Load(directory);

        Assert.Equal(Id, model.Id);
        Assert.Equal("1.0.0", model.Version);
        Assert.Equal(DeteriorationFeatures.Features, model.Features);
        Assert.Equal(FeatureSetKind.HourlyTrends, model.Kind);
        Assert.Equal(_time.GetUtcNow(), model.LoadedAt);
    }

    [Fact]
    public void Load_OnnxFileChanged_FailsNamingModelAndHash()
    {
        var directory = TestModels.Write(_root.Path, TestModels.Deterioration, Id, "1.0.0");
        var bytes = File.ReadAllBytes(Path.Combine(directory, "model.onnx"));
        bytes[^1] ^= 0xFF;
        File.WriteAllBytes(Path.Combine(directory, "model.onnx"), bytes);

        var error = Assert.Throws<ModelValidationException>(() => Load(directory));

        Assert.StartsWith($"Model {Id} 1.0.0: SHA-256 of model.onnx is ", error.Message, StringComparison.Ordinal);
        Assert.Contains(TestModels.Manifest(TestModels.Deterioration, Id, "1.0.0").OnnxSha256, error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void Load_TwoFeaturesSwapped_FailsNamingFirstDifferingFeature()
    {
        var directory = TestModels.Write(_root.Path, TestModels.Deterioration, Id, "1.0.0", m => m with
        {
            Inputs = m.Inputs with { Features = [m.Inputs.Features[0], m.Inputs.Features[1], m.Inputs.Features[3], m.Inputs.Features[2], .. m.Inputs.Features.Skip(4)] },
        });

        var error = Assert.Throws<ModelValidationException>(() => Load(directory));

        Assert.Equal(
            $"Model {Id} 1.0.0: feature 3 is 'heartRate_hours_since' in model.json but 'heartRate_slope_6h' in the Clinical code (21 vs 21 features).",
            error.Message);
    }

    [Fact]
    public void Load_FeatureMissingAtEnd_FailsNamingIt()
    {
        var directory = TestModels.Write(_root.Path, TestModels.Deterioration, Id, "1.0.0", m => m with
        {
            Inputs = m.Inputs with { Features = [.. m.Inputs.Features.SkipLast(1)] },
        });

        var error = Assert.Throws<ModelValidationException>(() => Load(directory));

        Assert.Contains("feature 21 is absent in model.json but 'age_years' in the Clinical code", error.Message, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData("model.onnx")]
    [InlineData("MODEL_CARD.md")]
    [InlineData("model.json")]
    public void Load_FileMissing_FailsNamingModelAndFile(string file)
    {
        var directory = TestModels.Write(_root.Path, TestModels.Deterioration, Id, "1.0.0");
        File.Delete(Path.Combine(directory, file));

        var error = Assert.Throws<ModelValidationException>(() => Load(directory));

        Assert.StartsWith($"Model {Id} 1.0.0: {file} is missing", error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void Load_UnknownFeatureSet_FailsNamingKnownSets()
    {
        var directory = TestModels.Write(_root.Path, TestModels.Deterioration, Id, "1.0.0", m => m with { FeatureSet = "deterioration-hourly-v0" });

        var error = Assert.Throws<ModelValidationException>(() => Load(directory));

        Assert.Contains("feature set 'deterioration-hourly-v0' is not computed by the Clinical code", error.Message, StringComparison.Ordinal);
        Assert.Contains(DeteriorationFeatures.FeatureSetId, error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void Load_WrongInputTensorName_FailsNamingTensor()
    {
        var directory = TestModels.Write(_root.Path, TestModels.Deterioration, Id, "1.0.0", m => m with { Inputs = m.Inputs with { TensorName = "input" } });

        var error = Assert.Throws<ModelValidationException>(() => Load(directory));

        Assert.Contains("input tensor 'input' is not in model.onnx", error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void Load_WrongOutputTensorName_FailsNamingTensor()
    {
        var directory = TestModels.Write(_root.Path, TestModels.Deterioration, Id, "1.0.0", m => m with
        {
            Outputs = m.Outputs with { ScoreTensorNames = ["Score0.output", "Score1.output", "Nope.output"] },
        });

        var error = Assert.Throws<ModelValidationException>(() => Load(directory));

        Assert.Contains("score output 'Nope.output' is not in model.onnx", error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void Load_FallManifestOnDeteriorationGraph_FailsOnFeatureNames()
    {
        var directory = TestModels.Write(_root.Path, TestModels.Deterioration, Id, "1.0.0", m => m with { FeatureSet = "fall-accel-v1" });

        var error = Assert.Throws<ModelValidationException>(() => Load(directory));

        Assert.Contains("feature 1 is 'heartRate_last' in model.json but 'accel_min' in the Clinical code", error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void Load_ManifestInAnotherVersionFolder_Fails()
    {
        var directory = TestModels.Write(_root.Path, TestModels.Deterioration, Id, "1.0.0", m => m with { Version = "1.0.1" });

        var error = Assert.Throws<ModelValidationException>(() => Load(directory));

        Assert.Contains($"model.json names {Id}/1.0.1 but lies in {Id}/1.0.0", error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void Load_ManifestNotJson_FailsNamingFolder()
    {
        var directory = TestModels.Write(_root.Path, TestModels.Deterioration, Id, "1.0.0");
        File.WriteAllText(Path.Combine(directory, "model.json"), "{ not json");

        var error = Assert.Throws<ModelValidationException>(() => Load(directory));

        Assert.StartsWith($"Model {Id} 1.0.0: model.json is not a valid manifest", error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void Manifest_RoundTrips_ThroughSourceGeneratedJson()
    {
        var manifest = TestModels.Manifest(TestModels.Fall, "fall-detection", "1.0.0");

        var back = JsonSerializer.Deserialize(JsonSerializer.Serialize(manifest, ModelManifestJsonContext.Default.ModelManifest), ModelManifestJsonContext.Default.ModelManifest);

        Assert.Equal(manifest.OnnxSha256, back!.OnnxSha256);
        Assert.Equal(manifest.Inputs.Features.Select(f => f.Name), back.Inputs.Features.Select(f => f.Name));
    }
}

using System.Security.Cryptography;
using System.Text.Json;
using WearableEdge.Clinical.Features.Motion;
using WearableEdge.Clinical.Features.Trends;
using WearableEdge.Contracts;

namespace WearableEdge.Training.Tests.Sepsis;

/// <summary>Each committed model folder is consistent: hash, feature order, tensor names.</summary>
public sealed class ShippedModelTests
{
    [Theory]
    [InlineData("deterioration-sepsis-6h")]
    [InlineData("fall-detection")]
    public void ShippedModel_ManifestMatchesOnnxFile_AndClinicalFeatures(string id)
    {
        var folder = Path.Combine(TestData.RepositoryRoot, "models", id, "1.0.0");
        var manifest = JsonSerializer.Deserialize(File.ReadAllText(Path.Combine(folder, "model.json")), ModelManifestJsonContext.Default.ModelManifest)!;
        var onnx = File.ReadAllBytes(Path.Combine(folder, "model.onnx"));
        var features = id == "fall-detection" ? FallFeatures.Features : DeteriorationFeatures.Features;
        Assert.Equal(id, manifest.Id);
        Assert.Equal(Convert.ToHexStringLower(SHA256.HashData(onnx)), manifest.OnnxSha256);
        Assert.Equal(features.Select(f => f.Name), manifest.Inputs.Features.Select(f => f.Name));
        Assert.True(File.Exists(Path.Combine(folder, "MODEL_CARD.md")));

        using var session = new Microsoft.ML.OnnxRuntime.InferenceSession(onnx);
        Assert.Equal([manifest.Inputs.TensorName], session.InputMetadata.Keys);
        Assert.Equal(features.Count, session.InputMetadata[manifest.Inputs.TensorName].Dimensions[^1]);
        Assert.Equal(manifest.Uncertainty.Members, manifest.Outputs.ScoreTensorNames.Count);
        Assert.All(manifest.Outputs.ScoreTensorNames, name => Assert.Contains(name, session.OutputMetadata.Keys));
    }
}

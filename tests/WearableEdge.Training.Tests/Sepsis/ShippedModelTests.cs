using System.Security.Cryptography;
using System.Text.Json;
using WearableEdge.Clinical.Features.Trends;
using WearableEdge.Contracts;

namespace WearableEdge.Training.Tests.Sepsis;

/// <summary>The committed model folder is consistent: hash, feature order, tensor names.</summary>
public sealed class ShippedModelTests
{
    [Fact]
    public void DeteriorationModel_ManifestMatchesOnnxFile_AndClinicalFeatures()
    {
        var folder = Path.Combine(TestData.RepositoryRoot, "models", "deterioration-sepsis-6h", "1.0.0");
        var manifest = JsonSerializer.Deserialize(File.ReadAllText(Path.Combine(folder, "model.json")), ModelManifestJsonContext.Default.ModelManifest)!;
        var onnx = File.ReadAllBytes(Path.Combine(folder, "model.onnx"));
        Assert.Equal(Convert.ToHexStringLower(SHA256.HashData(onnx)), manifest.OnnxSha256);
        Assert.Equal(DeteriorationFeatures.Features.Select(f => f.Name), manifest.Inputs.Features.Select(f => f.Name));
        Assert.True(File.Exists(Path.Combine(folder, "MODEL_CARD.md")));

        using var session = new Microsoft.ML.OnnxRuntime.InferenceSession(onnx);
        Assert.Equal([manifest.Inputs.TensorName], session.InputMetadata.Keys);
        Assert.Equal(manifest.Uncertainty.Members, manifest.Outputs.ScoreTensorNames.Count);
        Assert.All(manifest.Outputs.ScoreTensorNames, name => Assert.Contains(name, session.OutputMetadata.Keys));
    }
}

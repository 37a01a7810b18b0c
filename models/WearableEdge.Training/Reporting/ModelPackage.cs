using System.Security.Cryptography;
using System.Text.Json;
using WearableEdge.Clinical.Features;
using WearableEdge.Contracts;

namespace WearableEdge.Training.Reporting;

/// <summary>Writes <c>models/&lt;id&gt;/&lt;version&gt;/</c>: model.onnx, model.json (the manifest) and MODEL_CARD.md.</summary>
internal static class ModelPackage
{
    /// <summary>
    /// The manifest's inputs: the Clinical feature list in order, each with its training median
    /// as the reference value explanations compare against.
    /// </summary>
    public static ModelInputs Inputs(string tensorName, IReadOnlyList<ModelFeature> features, IReadOnlyList<double> medians) => new()
    {
        TensorName = tensorName,
        Features = [.. features.Select((f, i) => new ModelInputFeature
        {
            Name = f.Name,
            Unit = f.Unit,
            Window = f.Window,
            Label = f.Label,
            Reference = Math.Round(medians[i], 4),
        })],
    };

    public static string Sha256(byte[] bytes) => Convert.ToHexStringLower(SHA256.HashData(bytes));

    /// <summary>Writes the three files; returns the folder.</summary>
    public static string Write(string modelsRoot, ModelManifest manifest, byte[] onnx, string card)
    {
        ArgumentNullException.ThrowIfNull(manifest);
        ArgumentNullException.ThrowIfNull(onnx);
        if (manifest.OnnxSha256 != Sha256(onnx))
        {
            throw new InvalidOperationException("The manifest's SHA-256 is not that of the ONNX file being written.");
        }

        var folder = Path.Combine(Path.GetFullPath(modelsRoot), manifest.Id, manifest.Version);
        Directory.CreateDirectory(folder);
        File.WriteAllBytes(Path.Combine(folder, "model.onnx"), onnx);
        File.WriteAllText(Path.Combine(folder, "model.json"), JsonSerializer.Serialize(manifest, ModelManifestJsonContext.Default.ModelManifest) + "\n");
        File.WriteAllText(Path.Combine(folder, "MODEL_CARD.md"), card);
        return folder;
    }
}

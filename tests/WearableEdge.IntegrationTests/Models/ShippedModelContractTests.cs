using System.Security.Cryptography;
using System.Text.Json;
using WearableEdge.Clinical.Features;
using WearableEdge.Clinical.Features.Motion;
using WearableEdge.Clinical.Features.Trends;
using WearableEdge.Contracts;
using WearableEdge.IntegrationTests.Faults;
using Xunit;

namespace WearableEdge.IntegrationTests.Models;

/// <summary>
/// Ties every model shipped in the repository's <c>models/</c> folder to the code that feeds it
/// (STYLE.md): the manifest's feature names and order are the Clinical code's, the hash is the
/// file's, and the card is there. A feature renamed or reordered in code fails here, not on a ward.
/// </summary>
public sealed class ShippedModelContractTests
{
    private static readonly string ModelsFolder = Path.Combine(ReliabilityReport.RepositoryRoot, "models");

    public static TheoryData<string> ShippedManifests()
    {
        var data = new TheoryData<string>();
        foreach (var path in Directory.EnumerateFiles(ModelsFolder, "model.json", SearchOption.AllDirectories).Order(StringComparer.Ordinal))
        {
            data.Add(Path.GetRelativePath(ModelsFolder, path));
        }

        return data;
    }

    [Fact]
    public void The_deterioration_and_fall_models_are_shipped()
    {
        var ids = ShippedManifests().Select(row => row.Data.Split(Path.DirectorySeparatorChar)[0]).ToHashSet();

        Assert.Contains("deterioration-sepsis-6h", ids);
        Assert.Contains("fall-detection", ids);
    }

    [Theory]
    [MemberData(nameof(ShippedManifests))]
    public void A_shipped_manifest_matches_the_clinical_features_its_file_and_its_folder(string relativePath)
    {
        var manifestPath = Path.Combine(ModelsFolder, relativePath);
        var folder = Path.GetDirectoryName(manifestPath)!;
        var manifest = JsonSerializer.Deserialize(File.ReadAllText(manifestPath), ModelManifestJsonContext.Default.ModelManifest)!;

        IReadOnlyList<ModelFeature> expected = manifest.FeatureSet switch
        {
            DeteriorationFeatures.FeatureSetId => DeteriorationFeatures.Features,
            FallFeatures.FeatureSetId => FallFeatures.Features,
            _ => throw new Xunit.Sdk.XunitException($"{relativePath}: unknown feature set '{manifest.FeatureSet}'"),
        };
        Assert.Equal(expected.Select(f => f.Name), manifest.Inputs.Features.Select(f => f.Name));
        Assert.Equal(expected.Select(f => f.Unit), manifest.Inputs.Features.Select(f => f.Unit));

        Assert.Equal(Path.GetFileName(Path.GetDirectoryName(folder)), manifest.Id);
        Assert.Equal(Path.GetFileName(folder), manifest.Version);
        Assert.Equal(manifest.OnnxSha256, Convert.ToHexStringLower(SHA256.HashData(File.ReadAllBytes(Path.Combine(folder, "model.onnx")))));
        Assert.True(File.Exists(Path.Combine(folder, "MODEL_CARD.md")), $"{relativePath}: MODEL_CARD.md is missing");

        Assert.NotEmpty(manifest.Thresholds);
        Assert.All(manifest.Thresholds, t => Assert.InRange(t.Probability, 0, 1));
        Assert.Equal(manifest.Uncertainty.Members, manifest.Outputs.ScoreTensorNames.Count);
    }
}

using System.Text.Json;
using WearableEdge.Contracts;

namespace WearableEdge.EdgeService.Tests.Fhir;

/// <summary>Model alerts for the FHIR tests: one hand-made, and one per model shipped beside the binary.</summary>
internal static class FhirTestAlerts
{
    public const string Sha256 = "3f8a6c1d2e4b5a69788796a5b4c3d2e1f0a1b2c3d4e5f60718293a4b5c6d7e8f";

    /// <summary>A deterioration alert as ModelAlertService writes it: probability 0.42 in (0.31, 0.55).</summary>
    public static AlertMessage Deterioration(string id = "al-model-1", string priority = "medium", string status = "active") => new()
    {
        SchemaVersion = ContractVersion.V1,
        Id = id,
        PatientId = "bed-07",
        Type = "deterioration",
        Priority = priority,
        Status = status,
        RaisedAt = TestAlerts.T0,
        StoredAt = TestAlerts.T0.AddSeconds(1),
        ResolvedAt = status == "resolved" ? TestAlerts.T0.AddHours(2) : null,
        Score = 0.42,
        Reason = "Deterioration risk 42 % (31–55 %) from model deterioration-sepsis-6h 1.0.0: SpO2 trend −4.0 %/h",
        RuleId = "model-threshold",
        RuleVersion = "1",
        ScoreSourceKind = "model",
        ScoreSourceId = "deterioration-sepsis-6h",
        ScoreSourceVersion = "1.0.0",
        ScoreSourceSha256 = Sha256,
        Probability = 0.42,
        ProbabilityLower = 0.31,
        ProbabilityUpper = 0.55,
        Completeness = 0.9,
        NotAssessed = [],
        WindowStart = TestAlerts.T0.AddHours(-6),
        WindowEnd = TestAlerts.T0,
        Late = false,
        Parameters = [],
        Features =
        [
            new AlertFeature { Name = "heartRate_mean_1h", Label = "Pulse, last hour", Value = 112.5, Unit = "/min", Window = "PT1H" },
            new AlertFeature { Name = "spO2_slope_6h", Label = "SpO2 trend", Value = -4, Unit = "%/h", Window = "PT6H" },
            new AlertFeature { Name = "temperature_slope_6h", Label = "Temperature trend", Value = 0.3, Unit = "Cel/h", Window = "PT6H" },
        ],
        TopFeatures =
        [
            new AlertFeatureContribution { Name = "spO2_slope_6h", Description = "SpO2 trend −4.0 %/h", Value = -4, Reference = 0, ProbabilityChange = 0.12 },
        ],
    };

    /// <summary>The manifests of the models shipped beside the binary (models/&lt;id&gt;/&lt;version&gt;/model.json).</summary>
    public static IReadOnlyList<ModelManifest> ShippedManifests()
    {
        var root = Path.Combine(AppContext.BaseDirectory, "models");
        return !Directory.Exists(root)
            ? []
            : [.. Directory.EnumerateFiles(root, "model.json", SearchOption.AllDirectories)
                .Order(StringComparer.Ordinal)
                .Select(f => JsonSerializer.Deserialize(File.ReadAllText(f), ModelManifestJsonContext.Default.ModelManifest)!)];
    }

    /// <summary>An alert from <paramref name="manifest"/>'s model with every input at its training median.</summary>
    public static AlertMessage FromManifest(ModelManifest manifest) => Deterioration(id: "al-" + manifest.Id) with
    {
        Type = manifest.AlertType,
        ScoreSourceId = manifest.Id,
        ScoreSourceVersion = manifest.Version,
        ScoreSourceSha256 = manifest.OnnxSha256,
        Features = [.. manifest.Inputs.Features.Select(f => new AlertFeature { Name = f.Name, Label = f.Label, Value = f.Reference, Unit = f.Unit, Window = f.Window })],
    };
}

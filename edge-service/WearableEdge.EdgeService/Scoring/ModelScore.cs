using WearableEdge.Clinical.Alerts;
using WearableEdge.EdgeService.Scoring.Models;

namespace WearableEdge.EdgeService.Scoring;

/// <summary>Which model made a score: id, version, SHA-256 of the ONNX file, the alert type it raises, and whether it detects events or conditions.</summary>
public sealed record ModelProvenance(string Id, string Version, string Sha256, string AlertType, FeatureSetKind Kind)
{
    public static ModelProvenance Of(LoadedModel model)
    {
        ArgumentNullException.ThrowIfNull(model);
        return new(model.Id, model.Version, model.Manifest.OnnxSha256, model.Manifest.AlertType, model.Kind);
    }
}

/// <summary>One input value the model saw.</summary>
public sealed record ModelInputValue(string Name, string Label, double Value, string Unit, string Window);

/// <summary>A feature that pushed the probability up, in words a nurse reads (<c>SpO2 trend −4.0 %/h</c>).</summary>
public sealed record ModelExplanation(string Name, string Description, double Value, double Reference, double ProbabilityChange);

/// <summary>
/// A model's score for one patient window, with its provenance, calibrated probability and
/// interval, the priority its thresholds give (null below all of them), the inputs, and — when
/// the score reaches a threshold — the features that pushed it most.
/// </summary>
public sealed record ModelScore(
    string PatientId,
    ModelProvenance Model,
    DateTimeOffset WindowStart,
    DateTimeOffset WindowEnd,
    ModelProbability Probability,
    AlertPriority? Priority,
    IReadOnlyList<ModelInputValue> Inputs,
    IReadOnlyList<ModelExplanation> TopFeatures,
    IReadOnlyList<string> NotAssessed,
    double Completeness);

using WearableEdge.Clinical.Features;
using WearableEdge.Clinical.Features.Motion;
using WearableEdge.Clinical.Features.Trends;

namespace WearableEdge.EdgeService.Scoring.Models;

/// <summary>How a model's inputs arrive: per closed hour of a patient, or per motion window.</summary>
public enum FeatureSetKind
{
    /// <summary>Hourly vital-sign trends (<see cref="DeteriorationFeatures"/>): a condition that persists.</summary>
    HourlyTrends,

    /// <summary>Accelerometer windows (<see cref="FallFeatures"/>): an event.</summary>
    MotionWindow,
}

/// <summary>The feature sets the Clinical code computes, by id; a manifest must name one of them.</summary>
public static class FeatureSets
{
    public static bool TryGet(string featureSetId, out IReadOnlyList<ModelFeature> features, out FeatureSetKind kind)
    {
        switch (featureSetId)
        {
            case DeteriorationFeatures.FeatureSetId:
                features = DeteriorationFeatures.Features;
                kind = FeatureSetKind.HourlyTrends;
                return true;
            case FallFeatures.FeatureSetId:
                features = FallFeatures.Features;
                kind = FeatureSetKind.MotionWindow;
                return true;
            default:
                features = [];
                kind = default;
                return false;
        }
    }

    public static IReadOnlyList<string> Known { get; } = [DeteriorationFeatures.FeatureSetId, FallFeatures.FeatureSetId];
}

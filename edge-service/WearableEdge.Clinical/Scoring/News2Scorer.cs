using WearableEdge.Clinical.Features;
using WearableEdge.Clinical.Samples;

namespace WearableEdge.Clinical.Scoring;

/// <summary>Scores a feature window with NEWS2, from the window mean of each vital sign.</summary>
public static class News2Scorer
{
    /// <summary>Rule id that appears in every NEWS2 score's provenance.</summary>
    public const string RuleId = "news2-wearable";

    /// <summary>
    /// Scores <paramref name="features"/>. A sign whose coverage in the window is below
    /// <paramref name="minimumCoverage"/> is not scored and is listed as not assessed: a few
    /// samples at the edge of a gap must not stand for a minute of physiology.
    /// </summary>
    public static (News2Score Score, RiskScore Risk) Score(FeatureVector features, double minimumCoverage)
    {
        ArgumentNullException.ThrowIfNull(features);
        ArgumentOutOfRangeException.ThrowIfLessThan(minimumCoverage, 0.0);
        ArgumentOutOfRangeException.ThrowIfGreaterThan(minimumCoverage, 1.0);

        double? MeanOf(VitalSign sign) =>
            features.Get(sign) is { } summary && summary.Coverage >= minimumCoverage ? summary.Mean : null;

        var values = new VitalSigns(
            MeanOf(VitalSign.HeartRate),
            MeanOf(VitalSign.SpO2),
            MeanOf(VitalSign.RespirationRate),
            MeanOf(VitalSign.Temperature),
            MeanOf(VitalSign.SystolicBp));
        var score = News2.Score(values);
        var inputs = score.Components
            .Select(c => new ScoreInput(
                VitalSignCodes.Name(c.Parameter), VitalSignCodes.Loinc(c.Parameter), c.Value, VitalSignCodes.Ucum(c.Parameter), c.Points))
            .ToList();
        var risk = new RiskScore(
            ScoreSourceKind.Rule,
            RuleId,
            News2.Version,
            SourceSha256: null,
            features.PatientId,
            features.WindowStart,
            features.WindowEnd,
            score.Total,
            Probability: null,
            features.Coverage,
            inputs,
            score.NotAssessed);
        return (score, risk);
    }
}

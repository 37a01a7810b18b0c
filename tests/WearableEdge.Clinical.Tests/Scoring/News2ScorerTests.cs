using WearableEdge.Clinical.Features;
using WearableEdge.Clinical.Samples;
using WearableEdge.Clinical.Scoring;

namespace WearableEdge.Clinical.Tests.Scoring;

public sealed class News2ScorerTests
{
    private static readonly DateTimeOffset Start = TestSamples.T0;
    private static readonly DateTimeOffset End = TestSamples.T0.AddSeconds(60);

    private static VitalSummary Summary(double mean, double coverage) =>
        new(Count: (int)(coverage * 60), mean, mean, mean, mean, SlopePerMinute: 0, coverage);

    private static FeatureVector Features(double coverage, params (VitalSign Sign, VitalSummary Summary)[] vitals) =>
        new(TestSamples.PatientId, Start, End, SampleCount: (int)(coverage * 60), coverage,
            vitals.ToDictionary(v => v.Sign, v => v.Summary));

    [Fact]
    public void Score_SignBelowMinimumCoverage_LeftOutAndNotAssessed()
    {
        var features = Features(
            0.9,
            (VitalSign.HeartRate, Summary(140, 0.9)),
            (VitalSign.SpO2, Summary(85, 0.2)));

        var (score, risk) = News2Scorer.Score(features, minimumCoverage: 0.5);

        var scored = Assert.Single(score.Components);
        Assert.Equal(VitalSign.HeartRate, scored.Parameter);
        Assert.Equal(3, score.Total);
        Assert.Contains("spO2", score.NotAssessed);
        Assert.Contains("spO2", risk.NotAssessed);
        Assert.DoesNotContain(risk.Inputs, i => i.Name == "spO2");
    }

    [Fact]
    public void Score_CoverageExactlyAtMinimum_SignScored()
    {
        var features = Features(0.5, (VitalSign.RespirationRate, Summary(26, 0.5)));

        var (score, _) = News2Scorer.Score(features, minimumCoverage: 0.5);

        Assert.Equal(VitalSign.RespirationRate, Assert.Single(score.Components).Parameter);
        Assert.DoesNotContain("respirationRate", score.NotAssessed);
    }

    [Fact]
    public void Score_ZeroMinimumCoverage_ScoresEverySignPresent()
    {
        var features = Features(0.05, (VitalSign.Temperature, Summary(39.5, 0.02)));

        var (score, _) = News2Scorer.Score(features, minimumCoverage: 0);

        Assert.Equal(2, score.Total);
    }

    [Fact]
    public void Score_WindowMean_IsWhatIsScored()
    {
        var features = Features(1, (VitalSign.HeartRate, Summary(90.5, 1)));

        var (score, risk) = News2Scorer.Score(features, minimumCoverage: 0.5);

        Assert.Equal(1, score.Total);
        Assert.Equal(91, Assert.Single(risk.Inputs).Value);
    }

    [Fact]
    public void Score_RiskScore_CarriesProvenance()
    {
        var features = Features(
            0.75,
            (VitalSign.HeartRate, Summary(120, 0.8)),
            (VitalSign.SpO2, Summary(93, 0.8)),
            (VitalSign.RespirationRate, Summary(22, 0.7)),
            (VitalSign.Temperature, Summary(37.2, 0.9)));

        var (score, risk) = News2Scorer.Score(features, minimumCoverage: 0.5);

        Assert.Equal(ScoreSourceKind.Rule, risk.Kind);
        Assert.Equal(News2Scorer.RuleId, risk.SourceId);
        Assert.Equal("news2-wearable", risk.SourceId);
        Assert.Equal(News2.Version, risk.SourceVersion);
        Assert.Null(risk.SourceSha256);
        Assert.Null(risk.Probability);
        Assert.Equal(TestSamples.PatientId, risk.PatientId);
        Assert.Equal(Start, risk.WindowStart);
        Assert.Equal(End, risk.WindowEnd);
        Assert.Equal(6, risk.Value);
        Assert.Equal(score.Total, risk.Value);
        Assert.Equal(0.75, risk.Completeness);
        Assert.Equal(["systolicBp", "airOrOxygen", "consciousness"], risk.NotAssessed);
        Assert.Equal(
            [
                new ScoreInput("heartRate", "8867-4", 120, "/min", 2),
                new ScoreInput("spO2", "59408-5", 93, "%", 2),
                new ScoreInput("respirationRate", "9279-1", 22, "/min", 2),
                new ScoreInput("temperature", "8310-5", 37.2, "Cel", 0),
            ],
            risk.Inputs);
    }

    [Fact]
    public void Score_SystolicBpInput_CarriesItsCodes()
    {
        var features = Features(1, (VitalSign.SystolicBp, Summary(95, 1)));

        var (_, risk) = News2Scorer.Score(features, minimumCoverage: 0.5);

        Assert.Equal(new ScoreInput("systolicBp", "8480-6", 95, "mm[Hg]", 2), Assert.Single(risk.Inputs));
    }

    [Theory]
    [InlineData(-0.1)]
    [InlineData(1.1)]
    public void Score_MinimumCoverageOutOfRange_Throws(double minimumCoverage)
    {
        var features = Features(1, (VitalSign.HeartRate, Summary(70, 1)));

        Assert.Throws<ArgumentOutOfRangeException>(() => News2Scorer.Score(features, minimumCoverage));
    }
}

using WearableEdge.Clinical.Alerts;
using WearableEdge.Clinical.Samples;
using WearableEdge.Clinical.Scoring;

namespace WearableEdge.Clinical.Tests.Alerts;

public sealed class News2AlertRuleTests
{
    private static readonly VitalSigns AllNormal =
        new(HeartRate: 70, SpO2: 98, RespirationRate: 16, Temperature: 37.0, SystolicBp: 120);

    public static TheoryData<VitalSigns, News2Band, AlertPriority?> BandCases { get; } = new()
    {
        { AllNormal, News2Band.Routine, null },
        { AllNormal with { HeartRate = 95, RespirationRate = 22 }, News2Band.Low, null },
        { AllNormal with { RespirationRate = 26 }, News2Band.LowMedium, AlertPriority.Medium },
        { AllNormal with { HeartRate = 120, RespirationRate = 22, SpO2 = 94 }, News2Band.Medium, AlertPriority.Medium },
        { AllNormal with { HeartRate = 120, RespirationRate = 22, SpO2 = 93, Temperature = 38.5 }, News2Band.High, AlertPriority.High },
    };

    [Theory]
    [MemberData(nameof(BandCases))]
    public void Condition_Band_MapsToPriority(VitalSigns vitals, News2Band band, AlertPriority? expected)
    {
        var score = News2.Score(vitals);

        Assert.Equal(band, score.Band);
        Assert.Equal(expected, News2AlertRule.Condition(score));
    }

    [Fact]
    public void Reason_PartialScore_NamesEveryNotAssessedParameter()
    {
        var score = News2.Score(new VitalSigns(HeartRate: 140, RespirationRate: 26));

        var reason = News2AlertRule.Reason(score);

        Assert.Equal(News2Band.Medium, score.Band);
        Assert.Contains("total 6", reason, StringComparison.Ordinal);
        Assert.Contains("not assessed", reason, StringComparison.Ordinal);
        Assert.All(
            new[] { "spO2", "temperature", "systolicBp", "airOrOxygen", "consciousness" },
            name => Assert.Contains(name, reason, StringComparison.Ordinal));
    }

    [Fact]
    public void Reason_SingleThree_NamesTheParameterThatScoredThree()
    {
        var score = News2.Score(AllNormal with { SpO2 = 90 });

        var reason = News2AlertRule.Reason(score);

        Assert.Contains("single NEWS2 parameter scored 3", reason, StringComparison.Ordinal);
        Assert.Contains("scored 3: SpO2", reason, StringComparison.Ordinal);
        Assert.Contains("airOrOxygen, consciousness", reason, StringComparison.Ordinal);
    }

    [Fact]
    public void Reason_HighBand_SaysEmergencyResponse()
    {
        var score = News2.Score(AllNormal with { HeartRate = 140, SpO2 = 90, RespirationRate = 26 });

        Assert.Contains("emergency response", News2AlertRule.Reason(score), StringComparison.Ordinal);
    }

    [Fact]
    public void Condition_NullScore_Throws()
    {
        Assert.Throws<ArgumentNullException>(() => News2AlertRule.Condition(null!));
        Assert.Throws<ArgumentNullException>(() => News2AlertRule.Reason(null!));
    }
}

using WearableEdge.Clinical.Samples;
using WearableEdge.Clinical.Scoring;

namespace WearableEdge.Clinical.Tests.Scoring;

/// <summary>NEWS2 Chart 1 (Royal College of Physicians, 2017), as tabled in FACTS.md, "NEWS2".</summary>
public sealed class News2Tests
{
    private static readonly VitalSigns AllNormal =
        new(HeartRate: 70, SpO2: 98, RespirationRate: 16, Temperature: 37.0, SystolicBp: 120);

    private static VitalSigns Only(VitalSign sign, double value) => sign switch
    {
        VitalSign.HeartRate => new VitalSigns(HeartRate: value),
        VitalSign.SpO2 => new VitalSigns(SpO2: value),
        VitalSign.RespirationRate => new VitalSigns(RespirationRate: value),
        VitalSign.Temperature => new VitalSigns(Temperature: value),
        VitalSign.SystolicBp => new VitalSigns(SystolicBp: value),
        _ => throw new ArgumentOutOfRangeException(nameof(sign), sign, null),
    };

    // Both sides of every edge of each row, plus a value far out on each end.
    [Theory]
    [InlineData(VitalSign.RespirationRate, 0, 3)]
    [InlineData(VitalSign.RespirationRate, 8, 3)]
    [InlineData(VitalSign.RespirationRate, 9, 1)]
    [InlineData(VitalSign.RespirationRate, 11, 1)]
    [InlineData(VitalSign.RespirationRate, 12, 0)]
    [InlineData(VitalSign.RespirationRate, 20, 0)]
    [InlineData(VitalSign.RespirationRate, 21, 2)]
    [InlineData(VitalSign.RespirationRate, 24, 2)]
    [InlineData(VitalSign.RespirationRate, 25, 3)]
    [InlineData(VitalSign.RespirationRate, 60, 3)]
    [InlineData(VitalSign.SpO2, 70, 3)]
    [InlineData(VitalSign.SpO2, 91, 3)]
    [InlineData(VitalSign.SpO2, 92, 2)]
    [InlineData(VitalSign.SpO2, 93, 2)]
    [InlineData(VitalSign.SpO2, 94, 1)]
    [InlineData(VitalSign.SpO2, 95, 1)]
    [InlineData(VitalSign.SpO2, 96, 0)]
    [InlineData(VitalSign.SpO2, 100, 0)]
    [InlineData(VitalSign.SystolicBp, 60, 3)]
    [InlineData(VitalSign.SystolicBp, 90, 3)]
    [InlineData(VitalSign.SystolicBp, 91, 2)]
    [InlineData(VitalSign.SystolicBp, 100, 2)]
    [InlineData(VitalSign.SystolicBp, 101, 1)]
    [InlineData(VitalSign.SystolicBp, 110, 1)]
    [InlineData(VitalSign.SystolicBp, 111, 0)]
    [InlineData(VitalSign.SystolicBp, 219, 0)]
    [InlineData(VitalSign.SystolicBp, 220, 3)]
    [InlineData(VitalSign.SystolicBp, 260, 3)]
    [InlineData(VitalSign.HeartRate, 30, 3)]
    [InlineData(VitalSign.HeartRate, 40, 3)]
    [InlineData(VitalSign.HeartRate, 41, 1)]
    [InlineData(VitalSign.HeartRate, 50, 1)]
    [InlineData(VitalSign.HeartRate, 51, 0)]
    [InlineData(VitalSign.HeartRate, 90, 0)]
    [InlineData(VitalSign.HeartRate, 91, 1)]
    [InlineData(VitalSign.HeartRate, 110, 1)]
    [InlineData(VitalSign.HeartRate, 111, 2)]
    [InlineData(VitalSign.HeartRate, 130, 2)]
    [InlineData(VitalSign.HeartRate, 131, 3)]
    [InlineData(VitalSign.HeartRate, 200, 3)]
    [InlineData(VitalSign.Temperature, 33.0, 3)]
    [InlineData(VitalSign.Temperature, 35.0, 3)]
    [InlineData(VitalSign.Temperature, 35.1, 1)]
    [InlineData(VitalSign.Temperature, 36.0, 1)]
    [InlineData(VitalSign.Temperature, 36.1, 0)]
    [InlineData(VitalSign.Temperature, 38.0, 0)]
    [InlineData(VitalSign.Temperature, 38.1, 1)]
    [InlineData(VitalSign.Temperature, 39.0, 1)]
    [InlineData(VitalSign.Temperature, 39.1, 2)]
    [InlineData(VitalSign.Temperature, 41.0, 2)]
    public void Score_ChartedValueAtBandEdge_GivesChartPoints(VitalSign sign, double value, int expectedPoints)
    {
        var score = News2.Score(Only(sign, value));

        var component = Assert.Single(score.Components);
        Assert.Equal(sign, component.Parameter);
        Assert.Equal(value, component.Value);
        Assert.Equal(expectedPoints, component.Points);
        Assert.Equal(expectedPoints, score.Total);
        Assert.Equal(expectedPoints, News2.Points(sign, value));
    }

    // A window mean is not a charted value: it is rounded as a nurse charts it (whole numbers,
    // temperature to 0.1 °C, half away from zero) before the table applies.
    [Theory]
    [InlineData(VitalSign.HeartRate, 90.4, 90, 0)]
    [InlineData(VitalSign.HeartRate, 90.5, 91, 1)]
    [InlineData(VitalSign.HeartRate, 50.49, 50, 1)]
    [InlineData(VitalSign.HeartRate, 50.5, 51, 0)]
    [InlineData(VitalSign.RespirationRate, 20.4, 20, 0)]
    [InlineData(VitalSign.RespirationRate, 20.5, 21, 2)]
    [InlineData(VitalSign.RespirationRate, 8.4, 8, 3)]
    [InlineData(VitalSign.RespirationRate, 8.5, 9, 1)]
    [InlineData(VitalSign.SpO2, 95.4, 95, 1)]
    [InlineData(VitalSign.SpO2, 95.5, 96, 0)]
    [InlineData(VitalSign.SpO2, 91.5, 92, 2)]
    [InlineData(VitalSign.SystolicBp, 110.4, 110, 1)]
    [InlineData(VitalSign.SystolicBp, 110.5, 111, 0)]
    [InlineData(VitalSign.SystolicBp, 219.5, 220, 3)]
    [InlineData(VitalSign.Temperature, 38.04, 38.0, 0)]
    [InlineData(VitalSign.Temperature, 38.06, 38.1, 1)]
    [InlineData(VitalSign.Temperature, 35.04, 35.0, 3)]
    [InlineData(VitalSign.Temperature, 35.06, 35.1, 1)]
    public void Score_UnchartedValue_RoundedBeforeScoring(VitalSign sign, double value, double charted, int expectedPoints)
    {
        var component = Assert.Single(News2.Score(Only(sign, value)).Components);

        Assert.Equal(charted, component.Value, 9);
        Assert.Equal(expectedPoints, component.Points);
    }

    [Fact]
    public void Score_AllNormal_RoutineWithOnlyWearableGapsNotAssessed()
    {
        var score = News2.Score(AllNormal);

        Assert.Equal(0, score.Total);
        Assert.Equal(News2Band.Routine, score.Band);
        Assert.Equal(5, score.Components.Count);
        Assert.False(score.HasSingleParameterThree);
        Assert.Equal(["airOrOxygen", "consciousness"], score.NotAssessed);
    }

    [Theory]
    [InlineData(95, 98, 16, 37.0, 120, 1, News2Band.Low)]
    [InlineData(95, 95, 22, 37.0, 120, 4, News2Band.Low)]
    [InlineData(70, 98, 26, 37.0, 120, 3, News2Band.LowMedium)]
    [InlineData(95, 98, 26, 37.0, 120, 4, News2Band.LowMedium)]
    [InlineData(70, 98, 16, 34.0, 120, 3, News2Band.LowMedium)]
    [InlineData(70, 93, 26, 37.0, 120, 5, News2Band.Medium)]
    [InlineData(120, 94, 22, 37.0, 120, 5, News2Band.Medium)]
    [InlineData(120, 93, 22, 37.0, 120, 6, News2Band.Medium)]
    [InlineData(140, 98, 26, 37.0, 120, 6, News2Band.Medium)]
    [InlineData(120, 93, 22, 38.5, 120, 7, News2Band.High)]
    [InlineData(140, 90, 26, 37.0, 120, 9, News2Band.High)]
    [InlineData(150, 85, 30, 34.0, 80, 15, News2Band.High)]
    public void Score_Combination_TotalAndBand(
        double heartRate, double spO2, double respirationRate, double temperature, double systolicBp, int total, News2Band band)
    {
        var score = News2.Score(new VitalSigns(heartRate, spO2, respirationRate, temperature, systolicBp));

        Assert.Equal(total, score.Total);
        Assert.Equal(band, score.Band);
    }

    [Fact]
    public void Score_SingleThreeWithTotalUnderFive_LowMediumAndFlagged()
    {
        var score = News2.Score(AllNormal with { SpO2 = 91 });

        Assert.Equal(3, score.Total);
        Assert.True(score.HasSingleParameterThree);
        Assert.Equal(News2Band.LowMedium, score.Band);
    }

    [Fact]
    public void Score_MissingParameters_ListedWithAirOrOxygenAndConsciousness()
    {
        var score = News2.Score(new VitalSigns(HeartRate: 80, SpO2: 97));

        Assert.Equal([VitalSign.HeartRate, VitalSign.SpO2], score.Components.Select(c => c.Parameter));
        Assert.Equal(
            ["respirationRate", "temperature", "systolicBp", "airOrOxygen", "consciousness"],
            score.NotAssessed);
    }

    [Fact]
    public void Score_NoValues_RoutineWithEverythingNotAssessed()
    {
        var score = News2.Score(new VitalSigns());

        Assert.Empty(score.Components);
        Assert.Equal(0, score.Total);
        Assert.Equal(
            ["heartRate", "spO2", "respirationRate", "temperature", "systolicBp", "airOrOxygen", "consciousness"],
            score.NotAssessed);
    }

    [Theory]
    [InlineData(double.NaN)]
    [InlineData(double.PositiveInfinity)]
    [InlineData(double.NegativeInfinity)]
    public void Score_NonFiniteValue_TreatedAsAbsent(double bad)
    {
        var score = News2.Score(AllNormal with { RespirationRate = bad });

        Assert.DoesNotContain(score.Components, c => c.Parameter == VitalSign.RespirationRate);
        Assert.Contains("respirationRate", score.NotAssessed);
        Assert.Equal(0, score.Total);
    }

    [Fact]
    public void Score_NaNThatWouldScoreThree_DoesNotRaiseTheBand()
    {
        var score = News2.Score(AllNormal with { SpO2 = double.NaN });

        Assert.Equal(News2Band.Routine, score.Band);
        Assert.Contains("spO2", score.NotAssessed);
    }
}

using WearableEdge.Evaluation.Scenarios;
using static WearableEdge.Evaluation.Tests.Scenarios.Truths;

namespace WearableEdge.Evaluation.Tests.Scenarios;

public sealed class ScenarioStatisticsTests
{
    // Reference values: Newcombe, Stat Med 1998, table I (method 3) and R's prop.test(correct = FALSE).
    [Theory]
    [InlineData(81, 263, 0.2553, 0.3662)]
    [InlineData(15, 148, 0.0624, 0.1605)]
    [InlineData(0, 20, 0.0000, 0.1611)]
    [InlineData(1, 29, 0.0061, 0.1718)]
    [InlineData(8, 10, 0.4902, 0.9433)]
    [InlineData(1, 1, 0.2065, 1.0000)]
    public void Wilson_KnownCounts_MatchPublishedIntervals(int successes, int trials, double lower, double upper)
    {
        var interval = ScenarioStatistics.Wilson(successes, trials);

        Assert.Equal(lower, interval.Lower, 4);
        Assert.Equal(upper, interval.Upper, 4);
        Assert.Equal((double)successes / trials, interval.Value, 12);
    }

    [Fact]
    public void Wilson_NoTrials_WholeRangeAndNaN()
    {
        var interval = ScenarioStatistics.Wilson(0, 0);

        Assert.Equal((0.0, 1.0), (interval.Lower, interval.Upper));
        Assert.True(double.IsNaN(interval.Value));
    }

    [Fact]
    public void Wilson_MoreSuccessesThanTrials_Throws() =>
        Assert.Throws<ArgumentOutOfRangeException>(() => ScenarioStatistics.Wilson(3, 2));

    [Theory]
    [InlineData(50, 2.5)]
    [InlineData(95, 3.85)]
    [InlineData(0, 1)]
    [InlineData(100, 4)]
    public void Percentile_LinearBetweenClosestRanks_AsNumPyDefault(double percent, double expected) =>
        Assert.Equal(expected, ScenarioStatistics.Percentile([4, 1, 3, 2], percent)!.Value, 10);

    [Fact]
    public void Percentile_OneValue_ThatValue_NoValues_Null()
    {
        Assert.Equal(7, ScenarioStatistics.Percentile([7], 95));
        Assert.Null(ScenarioStatistics.Percentile([], 50));
    }

    [Fact]
    public void PatientDays_MonitoredLines_SumOfSpans()
    {
        TruthEvent[] monitored = [Event(GroundTruth.MonitoredKind, H(0), H(12)), Event(GroundTruth.MonitoredKind, H(0), H(36), patient: "patient-002")];

        Assert.Equal(2.0, ScenarioStatistics.PatientDays(monitored, patients: 99, duration: H(1)), 10);
    }

    [Fact]
    public void PatientDays_NoMonitoredLines_PatientsTimesDuration() =>
        Assert.Equal(3.0, ScenarioStatistics.PatientDays([], patients: 12, duration: H(6)), 10);
}

using WearableEdge.Training.Falls;

namespace WearableEdge.Training.Tests.Falls;

public sealed class FallEvaluationTests
{
    [Fact]
    public void Outcome_AlertOverTheImpact_DetectsWithLatency_AndAnUnrelatedRunIsOneFalseAlert()
    {
        var windows = FallWindows.From(FallWindowsTests.StillRecording());
        var probabilities = new double[windows.Count];

        // Windows starting at 7 and 7.5 s (ending 11 and 11.5 s) hold the 10 s impact; windows at 0, 0.5 and 1 s are one unrelated run.
        foreach (var start in new[] { 7.0, 7.5, 0, 0.5, 1 })
        {
            probabilities[(int)(start * 2)] = 0.9;
        }

        var outcome = FallEvaluation.Outcome(windows, probabilities, 0.5);
        Assert.Equal(1, outcome.Falls);
        Assert.Equal(1, outcome.Detected);
        Assert.Equal([1.0], outcome.LatenciesSeconds);
        Assert.Equal(1, outcome.FalseAlerts);
    }

    [Fact]
    public void Outcome_NothingAboveThreshold_MissesTheFall()
    {
        var windows = FallWindows.From(FallWindowsTests.StillRecording());
        var outcome = FallEvaluation.Outcome(windows, new double[windows.Count], 0.5);
        Assert.Equal((1, 0, 0), (outcome.Falls, outcome.Detected, outcome.FalseAlerts));
    }

    [Fact]
    public void Wilson_EightOfTen_MatchesTheTextbookInterval()
    {
        var estimate = FallEvaluation.Wilson(8, 10);
        Assert.Equal(0.8, estimate.Value, 12);
        Assert.Equal(0.490, estimate.Lower, 3);
        Assert.Equal(0.943, estimate.Upper, 3);
    }

    [Theory]
    [InlineData(0, 0.0, 3.689)]
    [InlineData(6, 2.202, 13.06)]
    public void PoissonRate_CloseToTheExactLimits(int events, double lower, double upper)
    {
        var estimate = FallEvaluation.PoissonRate(events, 1, 1);
        Assert.Equal(events, estimate.Value, 12);
        Assert.InRange(estimate.Lower, lower * 0.97, (lower * 1.03) + 1e-9);
        Assert.InRange(estimate.Upper, upper * 0.97, upper * 1.03);
    }
}

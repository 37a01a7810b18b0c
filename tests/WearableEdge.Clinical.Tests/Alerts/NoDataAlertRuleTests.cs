using WearableEdge.Clinical.Alerts;

namespace WearableEdge.Clinical.Tests.Alerts;

public sealed class NoDataAlertRuleTests
{
    private static readonly DateTimeOffset T0 = new(2025, 3, 1, 8, 0, 0, TimeSpan.Zero);
    private static readonly TimeSpan Silence = NoDataAlertRule.DefaultSilence;

    [Fact]
    public void Evaluate_NeverSeen_Holds() =>
        Assert.Equal(AlertCondition.Hold(), NoDataAlertRule.Evaluate(null, T0, Silence));

    [Theory]
    [InlineData(0, false)]
    [InlineData(119, false)]
    [InlineData(120, true)]
    [InlineData(3600, true)]
    public void Evaluate_PresentAtLowPriorityOnceTheSilenceIsReached(int secondsSilent, bool present)
    {
        var condition = NoDataAlertRule.Evaluate(T0, T0.AddSeconds(secondsSilent), Silence);

        Assert.Equal(present ? AlertPriority.Low : null, condition.Priority);
        Assert.Equal(!present, condition.IsClear);
        Assert.Equal(secondsSilent, condition.Value);
    }

    [Fact]
    public void Evaluate_ConfiguredSilence_IsUsed()
    {
        Assert.True(NoDataAlertRule.Evaluate(T0, T0.AddSeconds(40), TimeSpan.FromSeconds(30)).Priority is AlertPriority.Low);
        Assert.True(NoDataAlertRule.Evaluate(T0, T0.AddSeconds(40), TimeSpan.FromMinutes(5)).IsClear);
    }

    [Fact]
    public void Evaluate_NonPositiveSilence_Throws() =>
        Assert.Throws<ArgumentOutOfRangeException>(() => NoDataAlertRule.Evaluate(T0, T0, TimeSpan.Zero));

    [Fact]
    public void Tracker_RaisesAfterTheSilence_AndResolvesItselfWhenDataReturns()
    {
        var tracker = new AlertConditionTracker(NoDataAlertRule.Timing);
        var lastDataAt = T0;
        var actions = new List<(int Second, AlertAction Action)>();

        // Evaluated every 10 s of gateway time; the wearable goes silent at T0 and comes back at 5 min.
        for (var second = 0; second <= 400; second += 10)
        {
            var now = T0.AddSeconds(second);
            if (second == 300)
            {
                lastDataAt = now;
            }

            var decision = tracker.Observe(now, NoDataAlertRule.Evaluate(lastDataAt, now, Silence));
            if (decision.Action != AlertAction.None)
            {
                actions.Add((second, decision.Action));
            }
        }

        Assert.Equal((120, AlertAction.Raise), actions[0]);
        Assert.Single(actions, a => a.Action == AlertAction.Raise);
        Assert.All(actions[1..^1], a => Assert.Equal(AlertAction.Update, a.Action));
        Assert.Equal((300, AlertAction.Resolve), actions[^1]);
        Assert.Null(tracker.ActivePriority);
        Assert.Equal(AlertStatus.Resolved, tracker.Status);
    }
}

using WearableEdge.Clinical.Alerts;

namespace WearableEdge.Clinical.Tests.Alerts;

/// <summary><see cref="AlertEvaluator.ObserveSilence"/>: the no-data rule with its lifecycle, in gateway time.</summary>
public sealed class AlertEvaluatorSilenceTests
{
    private static readonly DateTimeOffset T0 = new(2025, 3, 1, 8, 0, 0, TimeSpan.Zero);

    private static List<(int Second, AlertAction Action, AlertPriority? Priority)> Run(AlertEvaluator evaluator, int toSecond, Func<int, DateTimeOffset?> lastDataAt, Action<int>? each = null)
    {
        var actions = new List<(int, AlertAction, AlertPriority?)>();
        for (var s = 0; s <= toSecond; s += 5)
        {
            each?.Invoke(s);
            foreach (var e in evaluator.ObserveSilence(T0.AddSeconds(s), lastDataAt(s)))
            {
                Assert.True(e.Technical);
                Assert.Equal(NoDataAlertRule.AlertType, e.Type);
                actions.Add((s, e.Decision.Action, e.Decision.Priority));
            }
        }

        return actions;
    }

    [Fact]
    public void ObserveSilence_NeverSentData_RaisesNothingInAnHour() =>
        Assert.Empty(Run(new AlertEvaluator(AlertRuleSet.Default), 3600, _ => null));

    [Fact]
    public void ObserveSilence_SilentThenBack_RaisesLowOnceAtTheSilenceThenResolvesAtTheNextMessage()
    {
        var actions = Run(new AlertEvaluator(AlertRuleSet.Default.WithoutReAlert()), 400, s => T0.AddSeconds(s >= 300 ? 300 : 0));

        Assert.Equal((120, AlertAction.Raise, AlertPriority.Low), actions[0]);
        Assert.Equal((300, AlertAction.Resolve, AlertPriority.Low), actions[^1]);
        Assert.Single(actions, a => a.Action == AlertAction.Raise);
        Assert.All(actions.Skip(1).SkipLast(1), a => Assert.Equal(AlertAction.Update, a.Action));
    }

    [Fact]
    public void ObserveSilence_Unacknowledged_ReAlertsAfterTenMinutesOfGatewayTime()
    {
        var actions = Run(new AlertEvaluator(AlertRuleSet.Default), 1000, _ => T0);

        var announced = actions.Where(a => a.Action is AlertAction.Raise or AlertAction.ReAlert).Select(a => a.Second).ToList();

        // Raised at 120 s; re-alerted 10 min later, or at the next evaluation when the minute's
        // update of the silence length falls on the same one (the tracker makes one decision per evaluation).
        Assert.Equal(2, announced.Count);
        Assert.Equal(120, announced[0]);
        Assert.InRange(announced[1], 720, 725);
    }

    [Fact]
    public void ObserveSilence_ResolvedByStaffWhileSilent_NotRaisedAgainUntilANewSilence()
    {
        var evaluator = new AlertEvaluator(AlertRuleSet.Default.WithoutReAlert());
        var tracker = evaluator.Tracker(NoDataAlertRule.AlertType)!;
        var actions = Run(evaluator, 3000, s => T0.AddSeconds(s >= 2000 ? 2000 : 0), s =>
        {
            if (s == 200)
            {
                Assert.True(tracker.Apply(AlertCommand.Resolve, T0.AddSeconds(s)));
            }
        });

        Assert.Equal([120, 2120], actions.Where(a => a.Action == AlertAction.Raise).Select(a => a.Second));
    }

    [Fact]
    public void ObserveSilence_ConfiguredSilenceOrTurnedOff_IsApplied()
    {
        Assert.Equal(30, Run(new AlertEvaluator(AlertRuleSet.Default with { NoDataSilence = TimeSpan.FromSeconds(30) }), 60, _ => T0)[0].Second);
        Assert.Empty(Run(new AlertEvaluator(AlertRuleSet.Default with { NoDataEnabled = false }), 600, _ => T0));
        Assert.Throws<ArgumentOutOfRangeException>(() => AlertRuleSet.Default with { NoDataSilence = TimeSpan.Zero });
    }

    [Fact]
    public void IsTechnical_NoData_True() => Assert.True(AlertEvaluator.IsTechnical(NoDataAlertRule.AlertType));
}

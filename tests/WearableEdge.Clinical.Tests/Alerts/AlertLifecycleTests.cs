using WearableEdge.Clinical.Alerts;

namespace WearableEdge.Clinical.Tests.Alerts;

/// <summary>
/// The whole lifecycle with explicit device times: raise, update, acknowledge, silence and its
/// re-alert, re-alert when nobody acknowledged, escalation, auto-resolve, staff resolve, and the
/// hysteresis of the fast SpO2 rule.
/// </summary>
public sealed class AlertLifecycleTests
{
    private static readonly SpO2Thresholds Thresholds = SpO2Thresholds.Default;

    private static DateTimeOffset At(double seconds) => TestSamples.T0.AddSeconds(seconds);

    private static AlertConditionTracker SpO2Tracker(AlertTiming? timing = null) => new(timing ?? SpO2AlertRule.DefaultTiming, lowerIsWorse: true);

    /// <summary>Feeds SpO2 readings every <paramref name="step"/> s over [from, to); returns the decisions that were not None.</summary>
    private static List<(double Seconds, AlertAction Action, AlertPriority? Priority)> Run(
        AlertConditionTracker tracker, double from, double to, Func<double, double> spO2, double step = 5)
    {
        var decisions = new List<(double, AlertAction, AlertPriority?)>();
        for (var s = from; s < to; s += step)
        {
            var decision = tracker.Observe(At(s), SpO2AlertRule.Condition(spO2(s), Thresholds));
            if (decision.Action != AlertAction.None)
            {
                decisions.Add((s, decision.Action, decision.Priority));
            }
        }

        return decisions;
    }

    [Fact]
    public void SpO2Rule_DesaturationOnset_AlertsWithinTwentySeconds()
    {
        var tracker = SpO2Tracker();

        // Onset at 100 s, between two 5 s hops.
        var decisions = Run(tracker, 0, 200, s => s >= 98 ? 87 : 97);

        var raise = Assert.Single(decisions);
        Assert.Equal(AlertAction.Raise, raise.Action);
        Assert.Equal(AlertPriority.Medium, raise.Priority);
        Assert.InRange(raise.Seconds - 98, 15, 20);
    }

    [Fact]
    public void SpO2Rule_DipShorterThanDelay_RaisesNothing()
    {
        var tracker = SpO2Tracker();

        Assert.Empty(Run(tracker, 0, 300, s => s is >= 100 and < 110 ? 84 : 97));
    }

    [Fact]
    public void SpO2Rule_FlappingAroundRaiseThresholdForTenMinutes_OneAlertNoResolve()
    {
        var tracker = SpO2Tracker(new AlertTiming(TimeSpan.FromSeconds(15), TimeSpan.FromSeconds(30)));

        // 20 s below 90, then wavering 89/91 every 5 s: without hysteresis (clear at 90) this would
        // resolve and re-raise; with the clear threshold at 92 it stays one open alert.
        var decisions = Run(tracker, 0, 600, s => s < 20 ? 88 : ((int)(s / 5) % 2 == 0 ? 89 : 91));

        Assert.Equal([(15.0, AlertAction.Raise, (AlertPriority?)AlertPriority.Medium)], decisions);
        Assert.Equal(AlertStatus.Active, tracker.Status);
    }

    [Fact]
    public void SpO2Rule_FlappingAcrossClearThresholdFasterThanClearDelay_NeverResolves()
    {
        var tracker = SpO2Tracker(new AlertTiming(TimeSpan.FromSeconds(15), TimeSpan.FromSeconds(30)));

        var decisions = Run(tracker, 0, 600, s => s < 20 ? 88 : ((int)(s / 10) % 2 == 0 ? 88 : 95));

        Assert.Single(decisions);
        Assert.Equal(AlertPriority.Medium, tracker.ActivePriority);
    }

    [Fact]
    public void SpO2Rule_BetweenThresholds_HoldsOpenAlertWithoutClearing()
    {
        var tracker = SpO2Tracker();

        var decisions = Run(tracker, 0, 600, s => s < 30 ? 88 : 91);

        Assert.Equal([(15.0, AlertAction.Raise, (AlertPriority?)AlertPriority.Medium)], decisions.Where(d => d.Action != AlertAction.ReAlert));
        Assert.NotNull(tracker.ActivePriority);
    }

    [Fact]
    public void SpO2Rule_ClearForClearDelay_AutoResolves()
    {
        var tracker = SpO2Tracker();

        var decisions = Run(tracker, 0, 200, s => s < 60 ? 88 : 95);

        Assert.Equal(
            [(15.0, AlertAction.Raise, (AlertPriority?)AlertPriority.Medium), (90.0, AlertAction.Resolve, AlertPriority.Medium)],
            decisions);
        Assert.Equal(AlertStatus.Resolved, tracker.Status);
    }

    [Fact]
    public void SpO2Rule_Worsens_EscalatesAfterDelayAndTracksPeak()
    {
        var tracker = SpO2Tracker();

        var decisions = Run(tracker, 0, 100, s => s < 40 ? 88 : 82);

        Assert.Equal(
            [(15.0, AlertAction.Raise, (AlertPriority?)AlertPriority.Medium), (55.0, AlertAction.Escalate, AlertPriority.High)],
            decisions);
        Assert.Equal(82, tracker.Peak);
        Assert.Equal(At(95), tracker.LastSeenAt);
    }

    [Fact]
    public void Observe_NewPeakAtSamePriority_UpdatesAtMostOncePerInterval()
    {
        var tracker = SpO2Tracker();

        // Falls 0.1 % every 5 s from 89.9 % for 4 min, staying above the high threshold (85 %).
        var decisions = Run(tracker, 0, 240, s => 89.9 - (s / 50.0));

        Assert.Equal(AlertAction.Raise, decisions[0].Action);
        var updates = decisions.Where(d => d.Action == AlertAction.Update).Select(d => d.Seconds).ToList();
        Assert.Equal([75.0, 135.0, 195.0], updates);
        Assert.Equal(89.9 - (235 / 50.0), tracker.Peak!.Value, 6);
    }

    [Fact]
    public void Observe_ActiveNotAcknowledged_ReAlertsEveryInterval()
    {
        var tracker = SpO2Tracker(new AlertTiming(TimeSpan.FromSeconds(15), TimeSpan.FromSeconds(30)) { ReAlertAfter = TimeSpan.FromMinutes(2) });

        var decisions = Run(tracker, 0, 400, _ => 88);

        Assert.Equal(
            [(15.0, AlertAction.Raise, (AlertPriority?)AlertPriority.Medium), (135.0, AlertAction.ReAlert, AlertPriority.Medium), (255.0, AlertAction.ReAlert, AlertPriority.Medium), (375.0, AlertAction.ReAlert, AlertPriority.Medium)],
            decisions);
    }

    [Fact]
    public void Apply_Acknowledge_StopsReAlertButNotEscalation()
    {
        var tracker = SpO2Tracker(new AlertTiming(TimeSpan.FromSeconds(15), TimeSpan.FromSeconds(30)) { ReAlertAfter = TimeSpan.FromMinutes(2) });
        Run(tracker, 0, 30, _ => 88);

        Assert.True(tracker.Apply(AlertCommand.Acknowledge, At(30)));
        var decisions = Run(tracker, 30, 400, s => s < 300 ? 88 : 80);

        Assert.Equal([(315.0, AlertAction.Escalate, (AlertPriority?)AlertPriority.High)], decisions);
        Assert.Equal(AlertStatus.Active, tracker.Status);
    }

    [Fact]
    public void Apply_Silence_ReAlertsWhenSilenceEnds()
    {
        var tracker = SpO2Tracker();
        Run(tracker, 0, 30, _ => 88);

        Assert.True(tracker.Apply(AlertCommand.Silence, At(30), TimeSpan.FromMinutes(2)));
        Assert.Equal((AlertStatus.Silenced, At(150)), (tracker.Status, tracker.SilencedUntil));
        var decisions = Run(tracker, 30, 200, _ => 88);

        Assert.Equal([(150.0, AlertAction.ReAlert, (AlertPriority?)AlertPriority.Medium)], decisions);
        Assert.Equal(AlertStatus.Active, tracker.Status);
        Assert.Null(tracker.SilencedUntil);
    }

    [Fact]
    public void Apply_Silence_WorseConditionEscalatesAndEndsSilence()
    {
        var tracker = SpO2Tracker();
        Run(tracker, 0, 30, _ => 88);
        tracker.Apply(AlertCommand.Silence, At(30), TimeSpan.FromMinutes(30));

        var decisions = Run(tracker, 30, 100, s => s < 50 ? 88 : 80);

        Assert.Equal([(65.0, AlertAction.Escalate, (AlertPriority?)AlertPriority.High)], decisions);
        Assert.Equal((AlertStatus.Active, (DateTimeOffset?)null), (tracker.Status, tracker.SilencedUntil));
    }

    [Fact]
    public void Tick_SilenceEndsWithoutNewData_ReAlerts()
    {
        var tracker = SpO2Tracker();
        Run(tracker, 0, 30, _ => 88);
        tracker.Apply(AlertCommand.Silence, At(30), TimeSpan.FromMinutes(1));

        Assert.Equal(AlertAction.None, tracker.Tick(At(89)).Action);
        Assert.Equal(AlertAction.ReAlert, tracker.Tick(At(90)).Action);
    }

    [Fact]
    public void Apply_Silence_WithoutDuration_Throws()
    {
        var tracker = SpO2Tracker();
        Run(tracker, 0, 30, _ => 88);

        Assert.Throws<ArgumentOutOfRangeException>(() => tracker.Apply(AlertCommand.Silence, At(30)));
        Assert.Equal(AlertStatus.Active, tracker.Status);
    }

    [Fact]
    public void Apply_Resolve_ClosesAlertAndPersistingConditionRaisesANewOneAfterDelay()
    {
        var tracker = SpO2Tracker();
        Run(tracker, 0, 30, _ => 88);

        Assert.True(tracker.Apply(AlertCommand.Resolve, At(30)));
        Assert.Null(tracker.ActivePriority);
        var decisions = Run(tracker, 30, 60, _ => 88);

        Assert.Equal([(45.0, AlertAction.Raise, (AlertPriority?)AlertPriority.Medium)], decisions);
    }

    [Fact]
    public void Apply_NoOpenAlert_Refused()
    {
        var tracker = SpO2Tracker();

        Assert.False(tracker.Apply(AlertCommand.Acknowledge, At(0)));
        Assert.False(tracker.Apply(AlertCommand.Resolve, At(0)));
    }

    [Fact]
    public void Apply_AcknowledgeTwice_SecondRefused()
    {
        var tracker = SpO2Tracker();
        Run(tracker, 0, 30, _ => 88);

        Assert.True(tracker.Apply(AlertCommand.Acknowledge, At(30)));
        Assert.False(tracker.Apply(AlertCommand.Acknowledge, At(31)));
        Assert.Equal(AlertStatus.Acknowledged, tracker.Status);
    }

    [Fact]
    public void Observe_AutoResolveOff_ClearConditionNeverResolves()
    {
        var tracker = new AlertConditionTracker(new AlertTiming(TimeSpan.Zero, TimeSpan.Zero) { AutoResolve = false });

        Assert.Equal(AlertAction.Raise, tracker.Observe(At(0), AlertPriority.High).Action);
        Assert.Equal(AlertAction.None, tracker.Observe(At(600), null).Action);
        Assert.True(tracker.Apply(AlertCommand.Resolve, At(601)));
    }

    [Fact]
    public void Observe_AcknowledgedAlertClears_AutoResolves()
    {
        var tracker = SpO2Tracker();
        Run(tracker, 0, 30, _ => 88);
        tracker.Apply(AlertCommand.Acknowledge, At(30));

        var decisions = Run(tracker, 30, 100, _ => 96);

        Assert.Equal([(60.0, AlertAction.Resolve, (AlertPriority?)AlertPriority.Medium)], decisions);
    }

    [Fact]
    public void Restore_SilencedAlert_ReAlertsAtItsEnd()
    {
        var tracker = SpO2Tracker();
        tracker.Restore(AlertPriority.Medium, AlertStatus.Silenced, At(0), 87, At(100));

        Assert.Equal(AlertAction.None, tracker.Observe(At(95), SpO2AlertRule.Condition(88, Thresholds)).Action);
        Assert.Equal(AlertAction.ReAlert, tracker.Observe(At(100), SpO2AlertRule.Condition(88, Thresholds)).Action);
    }

    [Theory]
    [InlineData(AlertStatus.Active, AlertCommand.Acknowledge, AlertStatus.Acknowledged)]
    [InlineData(AlertStatus.Silenced, AlertCommand.Acknowledge, AlertStatus.Acknowledged)]
    [InlineData(AlertStatus.Acknowledged, AlertCommand.Acknowledge, null)]
    [InlineData(AlertStatus.Active, AlertCommand.Silence, AlertStatus.Silenced)]
    [InlineData(AlertStatus.Acknowledged, AlertCommand.Silence, AlertStatus.Silenced)]
    [InlineData(AlertStatus.Silenced, AlertCommand.Silence, AlertStatus.Silenced)]
    [InlineData(AlertStatus.Active, AlertCommand.Resolve, AlertStatus.Resolved)]
    [InlineData(AlertStatus.Acknowledged, AlertCommand.Resolve, AlertStatus.Resolved)]
    [InlineData(AlertStatus.Silenced, AlertCommand.Resolve, AlertStatus.Resolved)]
    [InlineData(AlertStatus.Resolved, AlertCommand.Resolve, null)]
    [InlineData(AlertStatus.Resolved, AlertCommand.Acknowledge, null)]
    [InlineData(AlertStatus.Resolved, AlertCommand.Silence, null)]
    public void Next_EveryStatusAndCommand_MatchesTable(AlertStatus from, AlertCommand command, AlertStatus? expected) =>
        Assert.Equal(expected, AlertLifecycle.Next(from, command));

    [Theory]
    [InlineData("active")]
    [InlineData("acknowledged")]
    [InlineData("silenced")]
    [InlineData("resolved")]
    public void ParseStatus_WireName_RoundTrips(string wire) => Assert.Equal(wire, AlertLifecycle.ParseStatus(wire).ToWire());

    [Fact]
    public void SpO2Thresholds_OutOfOrder_Throws() => Assert.Throws<ArgumentException>(() => new SpO2Thresholds(90, 92, 91));

    [Fact]
    public void DeviceRule_OffBodyForDelay_RaisesMediumTechnicalAlertAndClearsOnceWorn()
    {
        var tracker = new AlertConditionTracker(DeviceAlertRule.DeviceOffTiming);
        var decisions = new List<(double, AlertAction)>();
        for (var s = 0; s < 120; s += 5)
        {
            var d = tracker.Observe(At(s), DeviceAlertRule.DeviceOff(worn: s is < 10 or >= 80));
            if (d.Action != AlertAction.None)
            {
                decisions.Add((s, d.Action));
            }
        }

        Assert.Equal([(40.0, AlertAction.Raise), (90.0, AlertAction.Resolve)], decisions);
    }

    [Fact]
    public void DeviceRule_BatteryWaveringAtLimit_OneAlert()
    {
        var tracker = new AlertConditionTracker(DeviceAlertRule.BatteryTiming, lowerIsWorse: true);
        var raises = 0;
        for (var s = 0; s < 3600; s += 30)
        {
            var battery = s < 120 ? 14 : (s / 30 % 2 == 0 ? 14.5 : 16);
            if (tracker.Observe(At(s), DeviceAlertRule.BatteryLow(battery)).Action == AlertAction.Raise)
            {
                raises++;
            }
        }

        Assert.Equal(1, raises);
        Assert.Equal(AlertPriority.Low, tracker.ActivePriority);
    }
}

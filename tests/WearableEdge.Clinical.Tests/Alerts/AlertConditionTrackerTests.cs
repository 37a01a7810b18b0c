using WearableEdge.Clinical.Alerts;

namespace WearableEdge.Clinical.Tests.Alerts;

/// <summary>
/// Default timing (FACTS.md, "Alarms"): 15 s condition delay, 60 s clear delay. Time is the
/// device time of each window, fed as plain values every 5 s (the default hop).
/// </summary>
public sealed class AlertConditionTrackerTests
{
    private const AlertPriority Medium = AlertPriority.Medium;
    private const AlertPriority High = AlertPriority.High;

    private static AlertConditionTracker NewTracker() => new(AlertTiming.Default);

    private static DateTimeOffset At(double seconds) => TestSamples.T0.AddSeconds(seconds);

    /// <summary>Observes <paramref name="condition"/> at every step in [from, to); returns the decisions that were not None.</summary>
    private static List<(double Seconds, AlertDecision Decision)> Run(
        AlertConditionTracker tracker, double from, double to, Func<double, AlertPriority?> condition, double step = 5)
    {
        var decisions = new List<(double, AlertDecision)>();
        for (var s = from; s < to; s += step)
        {
            var decision = tracker.Observe(At(s), condition(s));
            if (decision.Action != AlertAction.None)
            {
                decisions.Add((s, decision));
            }
        }

        return decisions;
    }

    [Fact]
    public void Default_FifteenSecondConditionDelaySixtySecondClearDelay()
    {
        Assert.Equal(TimeSpan.FromSeconds(15), AlertTiming.Default.ConditionDelay);
        Assert.Equal(TimeSpan.FromSeconds(60), AlertTiming.Default.ClearDelay);
    }

    [Fact]
    public void Timing_NegativeDelay_Throws()
    {
        Assert.Throws<ArgumentOutOfRangeException>(() => new AlertTiming(TimeSpan.FromSeconds(-1), TimeSpan.Zero));
        Assert.Throws<ArgumentOutOfRangeException>(() => new AlertTiming(TimeSpan.Zero, TimeSpan.FromSeconds(-1)));
    }

    [Fact]
    public void Observe_ConditionShorterThanDelay_RaisesNothing()
    {
        var tracker = NewTracker();

        var decisions = Run(tracker, 0, 300, s => s is >= 100 and < 114 ? Medium : null, step: 1);

        Assert.Empty(decisions);
        Assert.Null(tracker.ActivePriority);
    }

    [Fact]
    public void Observe_ConditionLastingDelay_RaisesOnceWhenDelayElapsed()
    {
        var tracker = NewTracker();

        var decisions = Run(tracker, 0, 40, _ => Medium, step: 1);

        Assert.Equal([(15.0, new AlertDecision(AlertAction.Raise, Medium))], decisions);
        Assert.Equal(Medium, tracker.ActivePriority);
    }

    [Fact]
    public void Observe_SameConditionForTenMinutes_ExactlyOneRaise()
    {
        var tracker = NewTracker();

        var decisions = Run(tracker, 0, 600, _ => High);

        Assert.Equal([(15.0, new AlertDecision(AlertAction.Raise, High))], decisions);
    }

    // What the tracker does: every absence restarts the condition delay, so a condition that
    // never persists for 15 s in a row never raises, however long it keeps flapping.
    [Fact]
    public void Observe_FlappingEveryFiveSecondsForTenMinutes_NeverRaises()
    {
        var tracker = NewTracker();

        var decisions = Run(tracker, 0, 600, s => (int)(s / 5) % 2 == 0 ? Medium : null);

        Assert.Empty(decisions);
        Assert.Null(tracker.ActivePriority);
    }

    // Episodes of 20 s raise once; the 20 s gaps are shorter than the 60 s clear delay, so the
    // alert stays active and absorbs every later episode.
    [Fact]
    public void Observe_FlappingTwentySecondsOnAndOffForTenMinutes_OneRaiseNoResolve()
    {
        var tracker = NewTracker();

        var decisions = Run(tracker, 0, 600, s => (int)(s / 20) % 2 == 0 ? Medium : null);

        Assert.Equal([(15.0, new AlertDecision(AlertAction.Raise, Medium))], decisions);
        Assert.Equal(Medium, tracker.ActivePriority);
    }

    [Fact]
    public void Observe_FlappingEveryFiveSecondsAfterRaise_NoSecondRaiseNoResolve()
    {
        var tracker = NewTracker();
        Run(tracker, 0, 20, _ => Medium);

        var decisions = Run(tracker, 20, 620, s => (int)(s / 5) % 2 == 0 ? Medium : null);

        Assert.Empty(decisions);
        Assert.Equal(Medium, tracker.ActivePriority);
    }

    [Fact]
    public void Observe_WorseConditionPersists_EscalatesOnceAfterDelay()
    {
        var tracker = NewTracker();

        var decisions = Run(tracker, 0, 300, s => s < 30 ? Medium : High);

        Assert.Equal(
            [
                (15.0, new AlertDecision(AlertAction.Raise, Medium)),
                (45.0, new AlertDecision(AlertAction.Escalate, High)),
            ],
            decisions);
        Assert.Equal(High, tracker.ActivePriority);
    }

    [Fact]
    public void Observe_WorseConditionShorterThanDelay_DoesNotEscalate()
    {
        var tracker = NewTracker();

        var decisions = Run(tracker, 0, 300, s => s is >= 30 and < 45 ? High : Medium);

        Assert.Equal([(15.0, new AlertDecision(AlertAction.Raise, Medium))], decisions);
        Assert.Equal(Medium, tracker.ActivePriority);
    }

    // A High that dipped to Medium during the delay raises at Medium (the priority that persisted
    // through the whole delay), then escalates once High has persisted on its own.
    [Fact]
    public void Observe_HighDippingToMediumDuringDelay_RaisesMediumThenEscalates()
    {
        var tracker = NewTracker();

        var decisions = Run(tracker, 0, 120, s => s == 10 ? Medium : High);

        Assert.Equal(
            [
                (15.0, new AlertDecision(AlertAction.Raise, Medium)),
                (35.0, new AlertDecision(AlertAction.Escalate, High)),
            ],
            decisions);
    }

    [Fact]
    public void Observe_LesserConditionWhileHighActive_NoDecision()
    {
        var tracker = NewTracker();
        Run(tracker, 0, 20, _ => High);

        var decisions = Run(tracker, 20, 600, _ => Medium);

        Assert.Empty(decisions);
        Assert.Equal(High, tracker.ActivePriority);
    }

    [Fact]
    public void Observe_ConditionClear_ResolvesAfterClearDelayNotBefore()
    {
        var tracker = NewTracker();
        Run(tracker, 0, 100, _ => Medium);

        var beforeDelay = Run(tracker, 100, 160, _ => null, step: 1);
        var atDelay = tracker.Observe(At(160), null);

        Assert.Empty(beforeDelay);
        Assert.Equal(new AlertDecision(AlertAction.Resolve, Medium), atDelay);
        Assert.Null(tracker.ActivePriority);
    }

    [Fact]
    public void Observe_ConditionReturnsDuringClearDelay_ClearDelayRestarts()
    {
        var tracker = NewTracker();
        Run(tracker, 0, 100, _ => Medium);

        var decisions = Run(tracker, 100, 400, s => s == 150 ? Medium : null);

        Assert.Equal([(215.0, new AlertDecision(AlertAction.Resolve, Medium))], decisions);
    }

    [Fact]
    public void Observe_ConditionAfterResolve_RaisesAgainAfterDelay()
    {
        var tracker = NewTracker();

        var decisions = Run(tracker, 0, 400, s => s is < 100 or >= 200 ? High : null);

        Assert.Equal(
            [
                (15.0, new AlertDecision(AlertAction.Raise, High)),
                (160.0, new AlertDecision(AlertAction.Resolve, High)),
                (215.0, new AlertDecision(AlertAction.Raise, High)),
            ],
            decisions);
    }

    [Fact]
    public void Observe_NoConditionAndNoActiveAlert_NoDecision()
    {
        var tracker = NewTracker();

        Assert.Empty(Run(tracker, 0, 600, _ => null));
    }

    [Fact]
    public void RestoreActive_SameConditionPersists_NoDuplicateRaise()
    {
        var tracker = NewTracker();
        tracker.RestoreActive(Medium);

        var decisions = Run(tracker, 0, 600, _ => Medium);

        Assert.Empty(decisions);
        Assert.Equal(Medium, tracker.ActivePriority);
    }

    [Fact]
    public void RestoreActive_WorseConditionPersists_EscalatesNotRaises()
    {
        var tracker = NewTracker();
        tracker.RestoreActive(Medium);

        var decisions = Run(tracker, 0, 600, _ => High);

        Assert.Equal([(15.0, new AlertDecision(AlertAction.Escalate, High))], decisions);
    }

    [Fact]
    public void RestoreActive_ConditionAbsent_ResolvesAfterClearDelay()
    {
        var tracker = NewTracker();
        tracker.RestoreActive(High);

        var decisions = Run(tracker, 0, 600, _ => null);

        Assert.Equal([(60.0, new AlertDecision(AlertAction.Resolve, High))], decisions);
    }

    [Fact]
    public void Observe_ZeroDelays_RaisesAndResolvesAtOnce()
    {
        var tracker = new AlertConditionTracker(new AlertTiming(TimeSpan.Zero, TimeSpan.Zero));

        Assert.Equal(new AlertDecision(AlertAction.Raise, Medium), tracker.Observe(At(0), Medium));
        Assert.Equal(new AlertDecision(AlertAction.Resolve, Medium), tracker.Observe(At(1), null));
    }
}

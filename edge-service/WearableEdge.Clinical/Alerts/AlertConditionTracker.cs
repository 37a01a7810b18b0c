namespace WearableEdge.Clinical.Alerts;

/// <summary>Timing of one alert rule, in device time.</summary>
public sealed record AlertTiming
{
    /// <summary>
    /// Default: a 15 s condition delay, after the SpO2 study in FACTS.md ("a 15 s delay at SpO2 90 %
    /// cut low-SpO2 alarms by 60 %"), and 60 s clear before an alert resolves itself.
    /// </summary>
    public static AlertTiming Default { get; } = new(TimeSpan.FromSeconds(15), TimeSpan.FromSeconds(60));

    public AlertTiming(TimeSpan conditionDelay, TimeSpan clearDelay)
    {
        ArgumentOutOfRangeException.ThrowIfLessThan(conditionDelay, TimeSpan.Zero);
        ArgumentOutOfRangeException.ThrowIfLessThan(clearDelay, TimeSpan.Zero);
        ConditionDelay = conditionDelay;
        ClearDelay = clearDelay;
    }

    /// <summary>How long a condition must persist before it raises (or escalates) an alert: the IEC 60601-1-8 alarm condition delay.</summary>
    public TimeSpan ConditionDelay { get; }

    /// <summary>How long a condition must be absent before its active alert resolves.</summary>
    public TimeSpan ClearDelay { get; }
}

/// <summary>What the tracker decided for one evaluation.</summary>
public enum AlertAction
{
    None,
    Raise,
    Escalate,
    Resolve,
}

/// <summary>A decision and the priority it concerns.</summary>
public readonly record struct AlertDecision(AlertAction Action, AlertPriority? Priority)
{
    public static AlertDecision None { get; } = new(AlertAction.None, null);
}

/// <summary>
/// The condition state of one alert type for one patient, driven by device time. A condition
/// raises one alert only after it persisted for the condition delay; while that alert is active,
/// the same condition raises nothing new (dedup); a worse condition that persists escalates it;
/// the alert resolves after the condition has been clear for the clear delay.
/// Pure: no clock, no I/O. Not thread-safe.
/// </summary>
public sealed class AlertConditionTracker
{
    private readonly AlertTiming _timing;
    private DateTimeOffset? _pendingSince;
    private AlertPriority? _pendingPriority;
    private DateTimeOffset? _clearSince;

    public AlertConditionTracker(AlertTiming timing)
    {
        ArgumentNullException.ThrowIfNull(timing);
        _timing = timing;
    }

    /// <summary>The priority of the active alert, or null when none is active.</summary>
    public AlertPriority? ActivePriority { get; private set; }

    /// <summary>Marks an alert as already active, for example one restored from the store after a restart.</summary>
    public void RestoreActive(AlertPriority priority) => ActivePriority = priority;

    /// <summary>
    /// Feeds the condition seen at device time <paramref name="at"/>: the priority it would alert
    /// at, or null when the condition is absent. Calls must come in non-decreasing time.
    /// </summary>
    public AlertDecision Observe(DateTimeOffset at, AlertPriority? condition)
    {
        if (condition is null)
        {
            _pendingSince = null;
            _pendingPriority = null;
            if (ActivePriority is null)
            {
                return AlertDecision.None;
            }

            _clearSince ??= at;
            if (at - _clearSince.Value < _timing.ClearDelay)
            {
                return AlertDecision.None;
            }

            var resolved = ActivePriority;
            ActivePriority = null;
            _clearSince = null;
            return new AlertDecision(AlertAction.Resolve, resolved);
        }

        _clearSince = null;
        if (ActivePriority is { } active && condition <= active)
        {
            // The active alert already covers this condition: no duplicate.
            _pendingSince = null;
            _pendingPriority = null;
            return AlertDecision.None;
        }

        // A new condition, or a worse one than the active alert: it must persist for the delay.
        // The delay runs from the first window at or above the least priority seen since then.
        if (_pendingSince is null)
        {
            _pendingSince = at;
            _pendingPriority = condition;
        }
        else if (condition < _pendingPriority)
        {
            _pendingPriority = condition;
        }

        if (at - _pendingSince.Value < _timing.ConditionDelay)
        {
            return AlertDecision.None;
        }

        // Raise at the priority that persisted through the whole delay, not the peak of one window.
        var confirmed = _pendingPriority!.Value;
        _pendingSince = null;
        _pendingPriority = null;
        if (ActivePriority is null)
        {
            ActivePriority = confirmed;
            return new AlertDecision(AlertAction.Raise, confirmed);
        }

        if (confirmed > ActivePriority)
        {
            ActivePriority = confirmed;
            return new AlertDecision(AlertAction.Escalate, confirmed);
        }

        return AlertDecision.None;
    }
}

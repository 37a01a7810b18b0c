namespace WearableEdge.Clinical.Alerts;

/// <summary>Timing of one alert rule, in device time.</summary>
public sealed record AlertTiming
{
    /// <summary>
    /// Default: a 15 s condition delay, after the SpO2 study in FACTS.md ("a 15 s delay at SpO2 90 %
    /// cut low-SpO2 alarms by 60 %"), and 60 s clear before an alert resolves itself. No re-alert.
    /// </summary>
    public static AlertTiming Default { get; } = new(TimeSpan.FromSeconds(15), TimeSpan.FromSeconds(60));

    public AlertTiming(TimeSpan conditionDelay, TimeSpan clearDelay)
    {
        ArgumentOutOfRangeException.ThrowIfLessThan(conditionDelay, TimeSpan.Zero);
        ArgumentOutOfRangeException.ThrowIfLessThan(clearDelay, TimeSpan.Zero);
        ConditionDelay = conditionDelay;
        ClearDelay = clearDelay;
    }

    /// <summary>The same timing with other delays, keeping auto-resolve, re-alert and update interval.</summary>
    public AlertTiming WithDelays(TimeSpan conditionDelay, TimeSpan clearDelay) =>
        new(conditionDelay, clearDelay) { AutoResolve = AutoResolve, ReAlertAfter = ReAlertAfter, UpdateInterval = UpdateInterval };

    /// <summary>How long a condition must persist before it raises (or escalates) an alert: the IEC 60601-1-8 alarm condition delay.</summary>
    public TimeSpan ConditionDelay { get; }

    /// <summary>How long a condition must be clear (past the clear threshold) before its open alert resolves itself.</summary>
    public TimeSpan ClearDelay { get; }

    /// <summary>False for alerts only staff may resolve (a fall): the condition clearing never resolves them. Default true.</summary>
    public bool AutoResolve { get; init; } = true;

    /// <summary>
    /// An active alert nobody acknowledged is announced again (<see cref="AlertAction.ReAlert"/>)
    /// this long after it was last announced. Null (the default) turns re-alerting off.
    /// </summary>
    public TimeSpan? ReAlertAfter
    {
        get;
        init
        {
            if (value is { } v)
            {
                ArgumentOutOfRangeException.ThrowIfLessThanOrEqual(v, TimeSpan.Zero);
            }

            field = value;
        }
    }

    /// <summary>
    /// Least time between two <see cref="AlertAction.Update"/>s of one alert (a new peak value), so a
    /// slowly worsening value does not rewrite the alert every window. Default 60 s.
    /// </summary>
    public TimeSpan UpdateInterval
    {
        get;
        init
        {
            ArgumentOutOfRangeException.ThrowIfLessThan(value, TimeSpan.Zero);
            field = value;
        }
    } = TimeSpan.FromSeconds(60);
}

/// <summary>What the tracker decided for one evaluation.</summary>
public enum AlertAction
{
    None,

    /// <summary>A new alert: the condition persisted for the condition delay.</summary>
    Raise,

    /// <summary>The open alert's priority went up (a worse condition persisted); it is active again.</summary>
    Escalate,

    /// <summary>The condition stayed clear for the clear delay: the open alert resolved itself.</summary>
    Resolve,

    /// <summary>The open alert saw a worse value (new peak) at the same priority.</summary>
    Update,

    /// <summary>The open alert is announced again: not acknowledged in time, or its silence ran out.</summary>
    ReAlert,
}

/// <summary>A decision and the priority it concerns.</summary>
public readonly record struct AlertDecision(AlertAction Action, AlertPriority? Priority)
{
    public static AlertDecision None { get; } = new(AlertAction.None, null);
}

/// <summary>
/// What a rule saw in one evaluation. With hysteresis a value can be neither alerting nor clear
/// (between the raise and the clear thresholds): it then keeps an open alert open without starting
/// its clear delay, and raises nothing new.
/// </summary>
/// <param name="Priority">The priority the value alerts at, or null when it does not reach the raise threshold.</param>
/// <param name="IsClear">True when the value is past the clear threshold.</param>
/// <param name="Value">The value the rule judged (for the alert's peak), if any.</param>
public readonly record struct AlertCondition(AlertPriority? Priority, bool IsClear, double? Value)
{
    /// <summary>The condition is absent and clear.</summary>
    public static AlertCondition Clear { get; } = new(null, true, null);

    public static AlertCondition Present(AlertPriority priority, double? value = null) => new(priority, false, value);

    /// <summary>Between the raise and the clear thresholds.</summary>
    public static AlertCondition Hold(double? value = null) => new(null, false, value);

    /// <summary>Clear, with the value that made it so.</summary>
    public static AlertCondition ClearAt(double value) => new(null, true, value);
}

/// <summary>
/// The lifecycle of one alert type for one patient, driven by device time: condition delay, dedup
/// (one open alert; the same condition updates it), escalation when a worse condition persists,
/// auto-resolve after the condition stayed clear, re-alert while nobody acknowledged it, and the
/// staff commands acknowledge, silence and resolve (<see cref="AlertLifecycle"/>).
/// Pure: no clock, no I/O. Not thread-safe.
/// </summary>
public sealed class AlertConditionTracker
{
    private readonly AlertTiming _timing;
    private readonly bool _lowerIsWorse;
    private DateTimeOffset? _pendingSince;
    private AlertPriority? _pendingPriority;
    private DateTimeOffset? _clearSince;
    private DateTimeOffset _lastDecisionAt;

    /// <param name="timing">Delays of the rule.</param>
    /// <param name="lowerIsWorse">True when a lower value is worse (SpO2): sets which value is the peak.</param>
    public AlertConditionTracker(AlertTiming timing, bool lowerIsWorse = false)
    {
        ArgumentNullException.ThrowIfNull(timing);
        _timing = timing;
        _lowerIsWorse = lowerIsWorse;
    }

    /// <summary>The timing this tracker applies.</summary>
    public AlertTiming Timing => _timing;

    /// <summary>The priority of the open alert, or null when none is open.</summary>
    public AlertPriority? ActivePriority { get; private set; }

    /// <summary>Status of the open alert; <see cref="AlertStatus.Resolved"/> when none is open.</summary>
    public AlertStatus Status { get; private set; } = AlertStatus.Resolved;

    /// <summary>The worst value seen while the alert is open.</summary>
    public double? Peak { get; private set; }

    /// <summary>The last time the condition was present while the alert is open.</summary>
    public DateTimeOffset? LastSeenAt { get; private set; }

    /// <summary>When the open alert was last announced (raised, escalated, re-alerted).</summary>
    public DateTimeOffset? LastAnnouncedAt { get; private set; }

    /// <summary>End of the silence, while <see cref="Status"/> is <see cref="AlertStatus.Silenced"/>.</summary>
    public DateTimeOffset? SilencedUntil { get; private set; }

    /// <summary>Marks an alert as already active, for example one restored from the store after a restart.</summary>
    public void RestoreActive(AlertPriority priority) => Restore(priority, AlertStatus.Active, null, null, null);

    /// <summary>Restores an open alert with its lifecycle state (after a restart).</summary>
    public void Restore(AlertPriority priority, AlertStatus status, DateTimeOffset? announcedAt, double? peak, DateTimeOffset? silencedUntil)
    {
        if (status == AlertStatus.Resolved)
        {
            throw new ArgumentException("Only an open alert can be restored.", nameof(status));
        }

        ActivePriority = priority;
        Status = status;
        LastAnnouncedAt = announcedAt;
        Peak = peak;
        SilencedUntil = status == AlertStatus.Silenced ? silencedUntil : null;
    }

    /// <summary>
    /// Feeds the condition seen at device time <paramref name="at"/>: the priority it would alert
    /// at, or null when the condition is absent (and clear). Calls must come in non-decreasing time.
    /// </summary>
    public AlertDecision Observe(DateTimeOffset at, AlertPriority? condition) =>
        Observe(at, condition is { } p ? AlertCondition.Present(p) : AlertCondition.Clear);

    /// <summary>Feeds one evaluation of the rule at device time <paramref name="at"/>; calls must come in non-decreasing time.</summary>
    public AlertDecision Observe(DateTimeOffset at, AlertCondition condition)
    {
        var decision = ObserveCondition(at, condition);
        if (decision.Action == AlertAction.None)
        {
            decision = Tick(at);
        }

        if (decision.Action != AlertAction.None)
        {
            _lastDecisionAt = at;
        }

        return decision;
    }

    /// <summary>
    /// Checks the timers that run without a new condition: a silence that ran out, or an active
    /// alert not acknowledged within <see cref="AlertTiming.ReAlertAfter"/>. Both re-alert.
    /// </summary>
    public AlertDecision Tick(DateTimeOffset at)
    {
        if (ActivePriority is not { } active)
        {
            return AlertDecision.None;
        }

        if (Status == AlertStatus.Silenced && SilencedUntil is { } until && at >= until)
        {
            return Announce(at, AlertAction.ReAlert, active);
        }

        if (Status == AlertStatus.Active && _timing.ReAlertAfter is { } after && LastAnnouncedAt is { } last && at - last >= after)
        {
            return Announce(at, AlertAction.ReAlert, active);
        }

        LastAnnouncedAt ??= at;
        return AlertDecision.None;
    }

    /// <summary>Applies a staff command at <paramref name="at"/>; false (and no change) when the alert's status does not allow it.</summary>
    public bool Apply(AlertCommand command, DateTimeOffset at, TimeSpan? silenceFor = null)
    {
        if (ActivePriority is null || AlertLifecycle.Next(Status, command) is not { } next)
        {
            return false;
        }

        if (command == AlertCommand.Silence)
        {
            if (silenceFor is not { } duration || duration <= TimeSpan.Zero)
            {
                throw new ArgumentOutOfRangeException(nameof(silenceFor), silenceFor, "A silence needs a positive duration.");
            }

            SilencedUntil = at + duration;
        }
        else
        {
            SilencedUntil = null;
        }

        Status = next;
        if (next == AlertStatus.Resolved)
        {
            Close();
        }

        return true;
    }

    private AlertDecision ObserveCondition(DateTimeOffset at, AlertCondition condition)
    {
        if (condition.Priority is not { } priority)
        {
            _pendingSince = null;
            _pendingPriority = null;
            if (ActivePriority is not { } open)
            {
                return AlertDecision.None;
            }

            if (!condition.IsClear || !_timing.AutoResolve)
            {
                // Between the thresholds (hysteresis): the alert stays open, the clear delay does not run.
                _clearSince = null;
                return AlertDecision.None;
            }

            _clearSince ??= at;
            if (at - _clearSince.Value < _timing.ClearDelay)
            {
                return AlertDecision.None;
            }

            Close();
            return new AlertDecision(AlertAction.Resolve, open);
        }

        _clearSince = null;
        if (ActivePriority is { } active)
        {
            LastSeenAt = at;
            var newPeak = condition.Value is { } v && (Peak is not { } peak || (_lowerIsWorse ? v < peak : v > peak));
            if (newPeak)
            {
                Peak = condition.Value;
            }

            if (priority <= active)
            {
                // The open alert already covers this condition: no duplicate, at most an update of its peak.
                _pendingSince = null;
                _pendingPriority = null;
                return newPeak && at - _lastDecisionAt >= _timing.UpdateInterval
                    ? new AlertDecision(AlertAction.Update, active)
                    : AlertDecision.None;
            }
        }

        // A new condition, or a worse one than the open alert: it must persist for the delay.
        // The delay runs from the first evaluation at or above the least priority seen since then.
        if (_pendingSince is null)
        {
            _pendingSince = at;
            _pendingPriority = priority;
        }
        else if (priority < _pendingPriority)
        {
            _pendingPriority = priority;
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
            Peak = condition.Value;
            LastSeenAt = at;
            return Announce(at, AlertAction.Raise, confirmed);
        }

        return confirmed > ActivePriority
            ? Announce(at, AlertAction.Escalate, confirmed)
            : AlertDecision.None;
    }

    /// <summary>Raise, escalate and re-alert all make the alert active and announce it again.</summary>
    private AlertDecision Announce(DateTimeOffset at, AlertAction action, AlertPriority priority)
    {
        ActivePriority = priority;
        Status = AlertStatus.Active;
        SilencedUntil = null;
        LastAnnouncedAt = at;
        return new AlertDecision(action, priority);
    }

    private void Close()
    {
        ActivePriority = null;
        Status = AlertStatus.Resolved;
        Peak = null;
        LastSeenAt = null;
        LastAnnouncedAt = null;
        SilencedUntil = null;
        _clearSince = null;
    }
}

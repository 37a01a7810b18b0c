namespace WearableEdge.Clinical.Alerts;

/// <summary>
/// Technical alert <c>no-data</c>: nothing has arrived from a patient's wearable for a configurable
/// time, so the patient is not being monitored (IEC 60601-1-8 technical alarm condition, low
/// priority, beside <see cref="DeviceAlertRule"/>'s device-off and battery-low). It clears by itself
/// as soon as data arrives again. The default silence is a local choice (no source in FACTS.md).
/// Unlike the other rules it must be evaluated on a timer (gateway time): silence sends no message.
/// </summary>
public static class NoDataAlertRule
{
    /// <summary>Alert type: no sample or status from the patient's wearable for the configured time.</summary>
    public const string AlertType = "no-data";

    public const string RuleId = "no-data";

    public const string RuleVersion = "1.0.0";

    /// <summary>Default silence before the alert: 2 min (a local choice: twice a typical 1 min window, long enough to ride out a short Bluetooth drop).</summary>
    public static TimeSpan DefaultSilence { get; } = TimeSpan.FromMinutes(2);

    /// <summary>
    /// Timing: no condition delay (the silence already is the delay) and no clear delay (one message
    /// proves the link works); re-alert after 10 min if nobody acknowledged it, as device-off does.
    /// </summary>
    public static AlertTiming Timing { get; } = new(TimeSpan.Zero, TimeSpan.Zero)
    {
        ReAlertAfter = TimeSpan.FromMinutes(10),
        UpdateInterval = TimeSpan.FromMinutes(1),
    };

    /// <summary>
    /// The condition at <paramref name="now"/>: present (low priority, value = seconds of silence) when
    /// nothing arrived for at least <paramref name="silence"/>; clear otherwise; held when the patient
    /// has never sent anything (no device yet: nothing to miss).
    /// </summary>
    /// <param name="lastDataAt">When data from the patient's wearable last arrived (gateway time), or null if never.</param>
    /// <param name="now">The evaluation time (gateway time).</param>
    /// <param name="silence">How long without data raises the alert; positive.</param>
    public static AlertCondition Evaluate(DateTimeOffset? lastDataAt, DateTimeOffset now, TimeSpan silence)
    {
        ArgumentOutOfRangeException.ThrowIfLessThanOrEqual(silence, TimeSpan.Zero);
        if (lastDataAt is not { } last)
        {
            return AlertCondition.Hold();
        }

        var silent = now - last;
        return silent >= silence
            ? AlertCondition.Present(AlertPriority.Low, Math.Round(silent.TotalSeconds))
            : AlertCondition.ClearAt(Math.Max(0, Math.Round(silent.TotalSeconds)));
    }
}

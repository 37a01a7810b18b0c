namespace WearableEdge.Clinical.Features;

/// <summary>
/// The shape of the sliding, event-time windows over a patient's vital signs.
/// Window ends fall on multiples of <see cref="Hop"/> since the Unix epoch, so every patient's
/// windows line up and a replay yields the same windows.
/// </summary>
public sealed record WindowSpec
{
    /// <summary>Default: a 60 s window every 5 s over 1 Hz samples, 5 s allowed lateness.</summary>
    public static WindowSpec Default { get; } = new(
        TimeSpan.FromSeconds(60), TimeSpan.FromSeconds(5), TimeSpan.FromSeconds(5), TimeSpan.FromSeconds(1));

    public WindowSpec(TimeSpan length, TimeSpan hop, TimeSpan allowedLateness, TimeSpan sampleInterval)
    {
        ArgumentOutOfRangeException.ThrowIfLessThanOrEqual(hop, TimeSpan.Zero);
        ArgumentOutOfRangeException.ThrowIfLessThan(length, hop);
        ArgumentOutOfRangeException.ThrowIfLessThan(allowedLateness, TimeSpan.Zero);
        ArgumentOutOfRangeException.ThrowIfLessThanOrEqual(sampleInterval, TimeSpan.Zero);
        ArgumentOutOfRangeException.ThrowIfGreaterThan(sampleInterval, length);
        Length = length;
        Hop = hop;
        AllowedLateness = allowedLateness;
        SampleInterval = sampleInterval;
    }

    /// <summary>Length of each window.</summary>
    public TimeSpan Length { get; }

    /// <summary>Time between the ends of consecutive windows.</summary>
    public TimeSpan Hop { get; }

    /// <summary>How far behind the newest device time a sample may arrive and still be windowed in order.</summary>
    public TimeSpan AllowedLateness { get; }

    /// <summary>The nominal interval between samples (1 s for 1 Hz vitals); sets the coverage denominator.</summary>
    public TimeSpan SampleInterval { get; }

    /// <summary>Number of sample slots a full window holds.</summary>
    public int ExpectedSamples => (int)(Length.Ticks / SampleInterval.Ticks);

    /// <summary>The end of the first window whose span [end − length, end) starts after <paramref name="time"/>'s hop.</summary>
    public DateTimeOffset FirstEndAfter(DateTimeOffset time)
    {
        var ticks = time.UtcTicks - DateTimeOffset.UnixEpoch.UtcTicks;
        var floor = ticks - (((ticks % Hop.Ticks) + Hop.Ticks) % Hop.Ticks);
        return new DateTimeOffset(DateTimeOffset.UnixEpoch.UtcTicks + floor + Hop.Ticks, TimeSpan.Zero);
    }
}

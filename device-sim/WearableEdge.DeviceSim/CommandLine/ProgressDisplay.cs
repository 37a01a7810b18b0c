using System.Globalization;

namespace WearableEdge.DeviceSim.CommandLine;

/// <summary>Where a run stands: device time reached, of how much, and messages acknowledged.</summary>
/// <param name="DeviceElapsed">Device time published since the start.</param>
/// <param name="Duration">Device time the run lasts; null when it runs until cancelled.</param>
/// <param name="Messages">Messages the broker acknowledged so far.</param>
internal readonly record struct ProgressSnapshot(TimeSpan DeviceElapsed, TimeSpan? Duration, long Messages);

/// <summary>
/// Writes one progress line every <see cref="Interval"/> to a writer (stderr: never stdout, which a
/// user may pipe): device time reached, % of the duration, messages sent and the rate since the
/// last line. The loop ends when disposed.
/// </summary>
internal sealed class ProgressDisplay : IAsyncDisposable
{
    /// <summary>Wall-clock time between lines.</summary>
    public static readonly TimeSpan Interval = TimeSpan.FromSeconds(5);

    private readonly CancellationTokenSource _stop = new();
    private readonly Task _loop;

    private ProgressDisplay(TextWriter writer, TimeProvider timeProvider, Func<ProgressSnapshot> read, TimeSpan interval)
    {
        _loop = LoopAsync(writer, timeProvider, read, interval, _stop.Token);
    }

    /// <summary>Starts writing to <paramref name="writer"/> every <paramref name="interval"/> (default <see cref="Interval"/>).</summary>
    public static ProgressDisplay Start(TextWriter writer, TimeProvider timeProvider, Func<ProgressSnapshot> read, TimeSpan? interval = null)
    {
        ArgumentNullException.ThrowIfNull(writer);
        ArgumentNullException.ThrowIfNull(timeProvider);
        ArgumentNullException.ThrowIfNull(read);
        return new ProgressDisplay(writer, timeProvider, read, interval ?? Interval);
    }

    /// <summary>
    /// Whether to show progress: as <paramref name="requested"/> says when given (<c>--progress</c>),
    /// else only when stderr is a terminal.
    /// </summary>
    public static bool Enabled(bool? requested, bool stderrIsTerminal) => requested ?? stderrIsTerminal;

    /// <summary>
    /// One line, for example <c>progress: device time 2h05m00s of 6h00m00s (34.7 %), 120,345 messages, 1,204 msg/s</c>;
    /// the rate is over <paramref name="wallElapsed"/> since <paramref name="previous"/>.
    /// </summary>
    public static string Format(ProgressSnapshot now, ProgressSnapshot previous, TimeSpan wallElapsed)
    {
        var rate = wallElapsed > TimeSpan.Zero ? (now.Messages - previous.Messages) / wallElapsed.TotalSeconds : 0;
        var of = now.Duration is { } duration && duration > TimeSpan.Zero
            ? string.Create(CultureInfo.InvariantCulture, $" of {Clock(duration)} ({100.0 * now.DeviceElapsed.Ticks / duration.Ticks:0.0} %)")
            : "";
        return string.Create(CultureInfo.InvariantCulture, $"progress: device time {Clock(now.DeviceElapsed)}{of}, {now.Messages:N0} messages, {rate:N0} msg/s");
    }

    /// <summary>A device time as <c>2h05m00s</c> (hours may exceed 24).</summary>
    public static string Clock(TimeSpan time) =>
        string.Create(CultureInfo.InvariantCulture, $"{(long)time.TotalHours}h{time.Minutes:00}m{time.Seconds:00}s");

    private static async Task LoopAsync(TextWriter writer, TimeProvider timeProvider, Func<ProgressSnapshot> read, TimeSpan interval, CancellationToken cancellationToken)
    {
        var previous = read();
        var since = timeProvider.GetTimestamp();
        using var timer = new PeriodicTimer(interval, timeProvider);
        try
        {
            while (await timer.WaitForNextTickAsync(cancellationToken).ConfigureAwait(false))
            {
                var now = read();
                await writer.WriteLineAsync(Format(now, previous, timeProvider.GetElapsedTime(since))).ConfigureAwait(false);
                await writer.FlushAsync(cancellationToken).ConfigureAwait(false);
                previous = now;
                since = timeProvider.GetTimestamp();
            }
        }
        catch (OperationCanceledException) when (cancellationToken.IsCancellationRequested)
        {
            // Disposed: the run is over.
        }
    }

    public async ValueTask DisposeAsync()
    {
        await _stop.CancelAsync().ConfigureAwait(false);
        await _loop.ConfigureAwait(false);
        _stop.Dispose();
    }
}

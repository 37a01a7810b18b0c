using WearableEdge.DeviceSim.Generation;

namespace WearableEdge.DeviceSim.Publishing;

/// <summary>
/// Publishes a generator's messages in device time paced to the wall clock, in catch-up steps as
/// <see cref="WardSimulator"/> does: every step asks the generator for everything up to device start
/// + wall-clock elapsed × speed, publishes it (in chunks, so a fast run never holds more than a chunk),
/// and waits for the next step, until <c>duration</c> of device time has been published. Counters
/// are safe to read from another thread while it runs (the progress display does). Runs once.
/// </summary>
internal sealed class PacedPublisher
{
    /// <summary>Wall-clock time between catch-up steps.</summary>
    public static readonly TimeSpan StepInterval = TimeSpan.FromMilliseconds(100);

    /// <summary>Most wall-clock time one step covers, so counters move while a fast run catches up; a run that is behind takes the next step at once.</summary>
    private static readonly TimeSpan MaxStep = TimeSpan.FromSeconds(1);

    /// <summary>Most messages handed to the sink at once.</summary>
    private const int ChunkSize = 4096;

    private readonly IMessageSink _sink;
    private readonly TimeProvider _timeProvider;
    private readonly double _speed;
    private readonly TimeSpan _duration;
    private long _messages;
    private long _deviceElapsedTicks;
    private long _maxLagTicks;

    /// <param name="sink">Where messages go; connected by <see cref="RunAsync"/>, not disposed by it.</param>
    /// <param name="timeProvider">Wall clock for pacing.</param>
    /// <param name="speed">Device seconds per wall-clock second; above 0.</param>
    /// <param name="duration">Device time to publish; above 0.</param>
    public PacedPublisher(IMessageSink sink, TimeProvider timeProvider, double speed, TimeSpan duration)
    {
        ArgumentNullException.ThrowIfNull(sink);
        ArgumentNullException.ThrowIfNull(timeProvider);
        if (!double.IsFinite(speed) || speed <= 0)
        {
            throw new ArgumentOutOfRangeException(nameof(speed), speed, "Speed must be a finite number above 0.");
        }

        ArgumentOutOfRangeException.ThrowIfLessThanOrEqual(duration, TimeSpan.Zero);
        _sink = sink;
        _timeProvider = timeProvider;
        _speed = speed;
        _duration = duration;
    }

    /// <summary>Messages the broker has acknowledged so far.</summary>
    public long MessagesPublished => Interlocked.Read(ref _messages);

    /// <summary>Device time up to which every message has been published.</summary>
    public TimeSpan DeviceElapsed => TimeSpan.FromTicks(Interlocked.Read(ref _deviceElapsedTicks));

    /// <summary>Device time to publish in all.</summary>
    public TimeSpan Duration => _duration;

    /// <summary>
    /// The furthest the publishing fell behind the wall clock, in wall-clock time: how much later than
    /// its due time a step's last message was acknowledged. Near 0 when the broker keeps up.
    /// </summary>
    public TimeSpan MaxLag => TimeSpan.FromTicks(Interlocked.Read(ref _maxLagTicks));

    /// <summary>
    /// Connects the sink, then publishes <paramref name="advance"/>'s messages until the duration is
    /// published (then completes) or <paramref name="cancellationToken"/> is cancelled (then throws
    /// <see cref="OperationCanceledException"/>).
    /// </summary>
    /// <param name="advance">Yields, lazily, every message not yet yielded that is due before the given device time since the start.</param>
    /// <param name="cancellationToken">Stops the run.</param>
    public async Task RunAsync(Func<TimeSpan, IEnumerable<OutgoingMessage>> advance, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(advance);
        await _sink.ConnectAsync(cancellationToken).ConfigureAwait(false);
        var wallStart = _timeProvider.GetTimestamp();
        var chunk = new List<OutgoingMessage>(ChunkSize);
        var reached = TimeSpan.Zero;
        while (true)
        {
            cancellationToken.ThrowIfCancellationRequested();
            var due = Target(_timeProvider.GetElapsedTime(wallStart));
            var cap = reached + TimeSpan.FromTicks((long)Math.Min(MaxStep.Ticks * _speed, TimeSpan.MaxValue.Ticks / 4.0));
            var target = due > cap ? cap : due;
            foreach (var message in advance(target))
            {
                chunk.Add(message);
                if (chunk.Count == ChunkSize)
                {
                    await PublishAsync(chunk, cancellationToken).ConfigureAwait(false);
                }
            }

            await PublishAsync(chunk, cancellationToken).ConfigureAwait(false);
            reached = target;
            Interlocked.Exchange(ref _deviceElapsedTicks, target.Ticks);
            var lag = _timeProvider.GetElapsedTime(wallStart) - TimeSpan.FromTicks((long)(target.Ticks / _speed));
            if (lag.Ticks > Interlocked.Read(ref _maxLagTicks))
            {
                Interlocked.Exchange(ref _maxLagTicks, lag.Ticks);
            }

            if (target == _duration)
            {
                return;
            }

            if (target < due)
            {
                continue;
            }

            await Task.Delay(StepInterval, _timeProvider, cancellationToken).ConfigureAwait(false);
        }
    }

    private async Task PublishAsync(List<OutgoingMessage> chunk, CancellationToken cancellationToken)
    {
        if (chunk.Count == 0)
        {
            return;
        }

        await _sink.PublishAllAsync(chunk, cancellationToken).ConfigureAwait(false);
        Interlocked.Add(ref _messages, chunk.Count);
        chunk.Clear();
    }

    /// <summary>Device time due after <paramref name="wallElapsed"/>: wall-clock elapsed × speed, capped at the duration.</summary>
    private TimeSpan Target(TimeSpan wallElapsed)
    {
        var device = TimeSpan.FromTicks((long)Math.Min(wallElapsed.Ticks * _speed, TimeSpan.MaxValue.Ticks / 2.0));
        return device >= _duration ? _duration : device;
    }
}

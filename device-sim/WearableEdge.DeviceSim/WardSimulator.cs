using WearableEdge.DeviceSim.Generation;
using WearableEdge.DeviceSim.Publishing;

namespace WearableEdge.DeviceSim;

/// <summary>
/// Runs a simulated ward against an MQTT broker: writes the ground truth, connects (retrying
/// with a short back-off until the broker answers or the run is cancelled), then publishes in
/// catch-up steps — every tick generates all samples up to device start + wall-clock elapsed ×
/// <see cref="SimulationOptions.Speed"/> — until <see cref="SimulationOptions.Duration"/> or
/// cancellation, and disconnects cleanly. One instance runs once.
/// </summary>
public sealed class WardSimulator
{
    /// <summary>Wall-clock time between catch-up steps; high speeds publish more per step, not more steps.</summary>
    private static readonly TimeSpan TickInterval = TimeSpan.FromMilliseconds(100);

    private readonly SimulationOptions _options;
    private readonly TimeProvider _timeProvider;
    private readonly Func<SimulationOptions, TimeProvider, IMessageSink> _sinkFactory;
    private long _messagesPublished;
    private int _started;

    /// <summary>Creates a simulator publishing to <see cref="SimulationOptions.Broker"/>.</summary>
    /// <param name="options">What to simulate; validated here.</param>
    /// <param name="timeProvider">Wall clock for pacing, delays and the default device start.</param>
    /// <exception cref="ArgumentException">The options are unusable; the message names each problem.</exception>
    public WardSimulator(SimulationOptions options, TimeProvider timeProvider)
        : this(options, timeProvider, static (o, t) => new MqttMessageSink(o, t))
    {
    }

    /// <summary>Creates a simulator publishing to the sink <paramref name="sinkFactory"/> makes when the run starts.</summary>
    internal WardSimulator(SimulationOptions options, TimeProvider timeProvider, Func<SimulationOptions, TimeProvider, IMessageSink> sinkFactory)
    {
        ArgumentNullException.ThrowIfNull(options);
        ArgumentNullException.ThrowIfNull(timeProvider);
        ArgumentNullException.ThrowIfNull(sinkFactory);
        var problems = options.Problems();
        if (problems.Count > 0)
        {
            throw new ArgumentException(string.Join(" ", problems), nameof(options));
        }

        _options = options;
        _timeProvider = timeProvider;
        _sinkFactory = sinkFactory;
    }

    /// <summary>Messages the broker has acknowledged so far.</summary>
    public long MessagesPublished => Interlocked.Read(ref _messagesPublished);

    /// <summary>Device time of the simulation start, once <see cref="RunAsync"/> has begun.</summary>
    public DateTimeOffset? DeviceStart { get; private set; }

    /// <summary>
    /// Publishes until <see cref="SimulationOptions.Duration"/> of device time has been published
    /// (then completes) or <paramref name="cancellationToken"/> is cancelled (then disconnects and
    /// throws <see cref="OperationCanceledException"/>).
    /// </summary>
    public async Task RunAsync(CancellationToken cancellationToken = default)
    {
        if (Interlocked.Exchange(ref _started, 1) != 0)
        {
            throw new InvalidOperationException("A WardSimulator runs once; create another for another run.");
        }

        var wallStart = _timeProvider.GetTimestamp();
        var deviceStart = _options.DeviceStart ?? TruncateToMillisecond(_timeProvider.GetUtcNow());
        DeviceStart = deviceStart;
        var generator = new WardGenerator(_options, deviceStart);
        if (_options.GroundTruthPath is { } path)
        {
            // Every event is scheduled up front, so the whole truth is known before the first message.
            await GroundTruthFile.WriteAsync(path, _options, deviceStart, cancellationToken).ConfigureAwait(false);
        }

        var sink = _sinkFactory(_options, _timeProvider);
        await using (sink.ConfigureAwait(false))
        {
            await sink.ConnectAsync(cancellationToken).ConfigureAwait(false);
            while (true)
            {
                var target = TargetDeviceElapsed(wallStart);
                foreach (var message in generator.AdvanceTo(target))
                {
                    await sink.PublishAsync(message, cancellationToken).ConfigureAwait(false);
                    Interlocked.Increment(ref _messagesPublished);
                }

                if (target == _options.Duration)
                {
                    return;
                }

                await Task.Delay(TickInterval, _timeProvider, cancellationToken).ConfigureAwait(false);
            }
        }
    }

    /// <summary>Device time elapsed since the start: wall-clock elapsed × speed, capped at the duration.</summary>
    private TimeSpan TargetDeviceElapsed(long wallStart)
    {
        var wallElapsed = _timeProvider.GetElapsedTime(wallStart);
        var device = TimeSpan.FromTicks((long)Math.Min(wallElapsed.Ticks * _options.Speed, TimeSpan.MaxValue.Ticks / 2.0));
        return _options.Duration is { } duration && device >= duration ? duration : device;
    }

    private static DateTimeOffset TruncateToMillisecond(DateTimeOffset time)
    {
        var utc = time.ToUniversalTime();
        return new DateTimeOffset(utc.Ticks - (utc.Ticks % TimeSpan.TicksPerMillisecond), TimeSpan.Zero);
    }
}

using WearableEdge.DeviceSim.Publishing;

namespace WearableEdge.DeviceSim.Replay;

/// <summary>
/// One replay run: reads the chosen stays (hourly values only, a few kilobytes each), writes the
/// ground truth, then publishes their 1 Hz vitals paced by <see cref="SimulationOptions.Speed"/>
/// until the longest stay ends or <see cref="SimulationOptions.Duration"/>. Runs once.
/// </summary>
internal sealed class PhysioNetReplay
{
    private readonly SimulationOptions _options;
    private readonly ReplayOptions _replay;
    private readonly TimeProvider _timeProvider;
    private readonly Func<SimulationOptions, TimeProvider, IMessageSink> _sinkFactory;

    public PhysioNetReplay(SimulationOptions options, ReplayOptions replay, TimeProvider timeProvider, Func<SimulationOptions, TimeProvider, IMessageSink>? sinkFactory = null)
    {
        ArgumentNullException.ThrowIfNull(options);
        ArgumentNullException.ThrowIfNull(replay);
        ArgumentNullException.ThrowIfNull(timeProvider);
        _options = options;
        _replay = replay;
        _timeProvider = timeProvider;
        _sinkFactory = sinkFactory ?? (static (o, t) => new MqttMessageSink(o, t));
    }

    /// <summary>The stays replayed, once <see cref="RunAsync"/> has read them.</summary>
    public IReadOnlyList<PhysioNetStay> Stays { get; private set; } = [];

    /// <summary>Device time of every stay's hour 0, once <see cref="RunAsync"/> has begun.</summary>
    public DateTimeOffset? DeviceStart { get; private set; }

    /// <summary>The publisher, once connected: its counters show the progress.</summary>
    public PacedPublisher? Publisher { get; private set; }

    /// <summary>Reads, writes the ground truth, publishes; throws <see cref="OperationCanceledException"/> when cancelled.</summary>
    /// <exception cref="InvalidDataException">A stay file is malformed; the message names it.</exception>
    /// <exception cref="DirectoryNotFoundException">The folder is missing or holds no stay.</exception>
    public async Task RunAsync(CancellationToken cancellationToken = default)
    {
        if (Stays.Count > 0)
        {
            throw new InvalidOperationException("A PhysioNetReplay runs once.");
        }

        Stays = PhysioNetStay.Files(_replay.DataDirectory, _replay.Patients).Select(PhysioNetStay.Read).ToList();
        var deviceStart = _options.DeviceStart ?? TruncateToMillisecond(_timeProvider.GetUtcNow());
        DeviceStart = deviceStart;
        var generator = new PhysioNetReplayGenerator(Stays, _options.Seed, _options.VitalsBatchSize, deviceStart, _options.Format, _options.TemperatureUnit);
        if (_options.GroundTruthPath is { } path)
        {
            await ReplayGroundTruth.WriteAsync(path, Stays, _options.Seed, deviceStart, _options.Duration, cancellationToken).ConfigureAwait(false);
        }

        var length = _options.Duration is { } duration && duration < generator.Length ? duration : generator.Length;
        if (length <= TimeSpan.Zero)
        {
            return;
        }

        // The sink opens at most one connection per patient.
        var sink = _sinkFactory(_options with { Patients = Math.Clamp(Stays.Count, 1, Generation.Ward.MaxPatients) }, _timeProvider);
        await using (sink.ConfigureAwait(false))
        {
            Publisher = new PacedPublisher(sink, _timeProvider, _options.Speed, length);
            await Publisher.RunAsync(generator.AdvanceTo, cancellationToken).ConfigureAwait(false);
        }
    }

    private static DateTimeOffset TruncateToMillisecond(DateTimeOffset time)
    {
        var utc = time.ToUniversalTime();
        return new DateTimeOffset(utc.Ticks - (utc.Ticks % TimeSpan.TicksPerMillisecond), TimeSpan.Zero);
    }
}

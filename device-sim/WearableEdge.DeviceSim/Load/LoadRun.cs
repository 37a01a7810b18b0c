using System.Globalization;
using WearableEdge.DeviceSim.Generation;
using WearableEdge.DeviceSim.Publishing;

namespace WearableEdge.DeviceSim.Load;

/// <summary>What a load run achieved.</summary>
/// <param name="Patients">Patients offered.</param>
/// <param name="Connections">MQTT connections they shared.</param>
/// <param name="Duration">Device time offered (= wall-clock time: a load run is real time).</param>
/// <param name="WallElapsed">Wall-clock time from the first step to the last acknowledgement.</param>
/// <param name="Messages">Messages the broker acknowledged.</param>
/// <param name="Samples">Vitals samples (one per second, all signs) plus accelerometer samples (x, y, z together) in them.</param>
/// <param name="OfferedMessagesPerSecond">Messages per second the patients produce at their rates.</param>
/// <param name="MaxLag">The furthest the publishing fell behind the wall clock.</param>
internal sealed record LoadReport(int Patients, int Connections, TimeSpan Duration, TimeSpan WallElapsed, long Messages, long Samples, double OfferedMessagesPerSecond, TimeSpan MaxLag)
{
    public double MessagesPerSecond => WallElapsed > TimeSpan.Zero ? Messages / WallElapsed.TotalSeconds : 0;

    public double SamplesPerSecond => WallElapsed > TimeSpan.Zero ? Samples / WallElapsed.TotalSeconds : 0;

    /// <summary>One line for a user: offered and achieved rates, and how far it fell behind.</summary>
    public string Summary() => string.Create(
        CultureInfo.InvariantCulture,
        $"Load: {Patients} patients on {Connections} connection(s) for {Duration.TotalSeconds:0.#} s: offered {OfferedMessagesPerSecond:0.#} msg/s, "
        + $"achieved {MessagesPerSecond:0.#} msg/s ({SamplesPerSecond:0} samples/s), {Messages} messages in {WallElapsed.TotalSeconds:0.0} s; "
        + $"fell behind by at most {MaxLag.TotalSeconds:0.00} s.");
}

/// <summary>
/// Offers a broker <see cref="SimulationOptions.Patients"/> simulated patients in real time
/// (speed 1) for <see cref="SimulationOptions.Duration"/>: the same ward generator as <c>run</c>,
/// at the rates of FACTS.md ("Wearable data rates"): vitals 1 Hz batched per
/// <see cref="SimulationOptions.VitalsBatchSize"/> s, motion 50 Hz batched per 0.5 s, device status
/// every 60 s. Runs once.
/// </summary>
internal sealed class LoadRun
{
    private readonly SimulationOptions _options;
    private readonly TimeProvider _timeProvider;
    private readonly Func<SimulationOptions, TimeProvider, IMessageSink> _sinkFactory;
    private long _samples;

    public LoadRun(SimulationOptions options, TimeProvider timeProvider, Func<SimulationOptions, TimeProvider, IMessageSink>? sinkFactory = null)
    {
        ArgumentNullException.ThrowIfNull(options);
        ArgumentNullException.ThrowIfNull(timeProvider);
        if (options.Duration is null)
        {
            throw new ArgumentException("A load run needs a Duration.", nameof(options));
        }

        var problems = options.Problems();
        if (problems.Count > 0)
        {
            throw new ArgumentException(string.Join(" ", problems), nameof(options));
        }

        _options = options with { Speed = 1 };
        _timeProvider = timeProvider;
        _sinkFactory = sinkFactory ?? (static (o, t) => new MqttMessageSink(o, t) { MaxInFlight = MaxInFlight });
    }

    /// <summary>Publishes each connection keeps unacknowledged: enough that a round trip per message does not cap the rate.</summary>
    public const int MaxInFlight = 256;

    /// <summary>The publisher, once created: its counters show the progress.</summary>
    public PacedPublisher? Publisher { get; private set; }

    /// <summary>Messages per second <paramref name="options"/>' patients produce.</summary>
    public static double OfferedMessagesPerSecond(SimulationOptions options)
    {
        ArgumentNullException.ThrowIfNull(options);
        var perPatient = (1.0 / options.VitalsBatchSize)
            + (options.Motion ? (double)WardGenerator.MotionRateHz / WardGenerator.MotionBatchSize : 0)
            + (1.0 / WardGenerator.DeviceStatusInterval.TotalSeconds);
        return options.Patients * perPatient;
    }

    public async Task<LoadReport> RunAsync(CancellationToken cancellationToken = default)
    {
        var deviceStart = _options.DeviceStart ?? _timeProvider.GetUtcNow();
        var generator = new WardGenerator(_options, deviceStart);
        var sink = _sinkFactory(_options, _timeProvider);
        var connections = sink is MqttMessageSink mqtt ? mqtt.ConnectionCount : Math.Min(_options.Connections, _options.Patients);
        await using (sink.ConfigureAwait(false))
        {
            Publisher = new PacedPublisher(sink, _timeProvider, speed: 1, _options.Duration!.Value);
            var started = _timeProvider.GetTimestamp();
            await Publisher.RunAsync(elapsed => generator.AdvanceTo(elapsed).Select(Count), cancellationToken).ConfigureAwait(false);
            return new LoadReport(
                _options.Patients,
                connections,
                _options.Duration.Value,
                _timeProvider.GetElapsedTime(started),
                Publisher.MessagesPublished,
                Interlocked.Read(ref _samples),
                OfferedMessagesPerSecond(_options),
                Publisher.MaxLag);
        }
    }

    /// <summary>Counts the samples a message carries, by its stream; a device status carries none.</summary>
    private OutgoingMessage Count(OutgoingMessage message)
    {
        var samples = message.Topic.EndsWith("/motion", StringComparison.Ordinal) ? WardGenerator.MotionBatchSize
            : message.Topic.EndsWith("/device", StringComparison.Ordinal) ? 0
            : _options.Format == PayloadFormat.OpenMHealth && message.Payload.Length > 0 && IsAcceleration(message.Payload) ? WardGenerator.MotionBatchSize
            : _options.VitalsBatchSize;
        Interlocked.Add(ref _samples, samples);
        return message;
    }

    private static bool IsAcceleration(byte[] payload) =>
        payload.AsSpan().IndexOf("acceleration"u8) >= 0;
}

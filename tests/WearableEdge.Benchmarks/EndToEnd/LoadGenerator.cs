using System.Buffers;
using System.Buffers.Text;
using System.Diagnostics;
using System.Globalization;
using MQTTnet;
using MQTTnet.Formatter;
using MQTTnet.Protocol;
using WearableEdge.Contracts;

namespace WearableEdge.Benchmarks.EndToEnd;

/// <summary>
/// The load generator, run as a child process (hidden verb <c>e2e-load</c>): contract v1 vitals
/// and motion payloads at a fixed schedule (10 ms ticks, each patient's streams spread over the
/// ticks of their period), published at QoS 1 over a few MQTT connections. Device timestamps are
/// the nominal schedule times, so motion batches follow each other exactly. Payloads are written
/// straight into byte arrays (motion bodies precomputed), so generating costs little next to
/// publishing. It waits when a connection has <see cref="MaxInFlight"/> unacknowledged
/// publishes: the offered rate it reports is what the broker took, not a target.
/// </summary>
internal static class LoadGenerator
{
    private const int MaxInFlight = 2_000;
    private static readonly TimeSpan Tick = TimeSpan.FromMilliseconds(10);

    public static async Task<int> RunAsync(string[] args)
    {
        var arguments = new BenchmarkArguments(args);
        var shape = LoadShape.Parse(arguments, arguments.Int("--patients", 10));
        var port = arguments.Int("--broker-port", 1883);
        var stop = ChildProtocol.StopToken();

        var connections = new List<Connection>();
        for (var c = 0; c < Math.Max(1, shape.Connections); c++)
        {
            connections.Add(await Connection.OpenAsync(port, $"e2e-load-{Environment.ProcessId}-{c}", stop).ConfigureAwait(false));
        }

        var motionBodies = MotionBodies(shape.MotionSamplesPerMessage, 16);
        var profiles = Enumerable.Range(0, shape.Patients).Select(i => new Profile(i)).ToArray();
        var vitalsSlots = Slots(shape.Patients, TimeSpan.FromSeconds(1), salt: 0);
        var motionSlots = shape.OneSamplePerMessage ? null : Slots(shape.Patients, TimeSpan.FromSeconds(shape.MotionBatchSeconds), salt: 17);

        // Device time starts on a whole second so every vitals timestamp is a whole second.
        var now = TimeProvider.System.GetUtcNow();
        var startUtc = new DateTimeOffset(now.Ticks - (now.Ticks % TimeSpan.TicksPerSecond) + TimeSpan.TicksPerSecond, TimeSpan.Zero);
        await Task.Delay(startUtc - now, stop).ConfigureAwait(false);
        var start = Stopwatch.GetTimestamp();
        ChildProtocol.Ready();

        // Stats every 100 ms, so a consumer's measurement window and the generator's differ by at most that.
        var statsEvery = TimeSpan.FromMilliseconds(100);
        var statsAt = statsEvery;
        var maxLag = TimeSpan.Zero;
        long published = 0;
        long samples = 0;
        var buffer = new byte[64 * 1024];
        using var timer = new PeriodicTimer(Tick);
        try
        {
            for (long k = 0; !stop.IsCancellationRequested; k++)
            {
                var due = TimeSpan.FromTicks(k * Tick.Ticks);
                var elapsed = Stopwatch.GetElapsedTime(start);
                while (elapsed < due)
                {
                    await timer.WaitForNextTickAsync(stop).ConfigureAwait(false);
                    elapsed = Stopwatch.GetElapsedTime(start);
                }

                maxLag = elapsed - due > maxLag ? elapsed - due : maxLag;
                var deviceTime = startUtc + due;
                foreach (var i in vitalsSlots[(int)(k % vitalsSlots.Length)])
                {
                    var length = WriteVitals(buffer, profiles[i], deviceTime, shape.InEpisode(i, due), k);
                    await connections[i % connections.Count].PublishAsync(profiles[i].VitalsTopic, buffer.AsSpan(0, length).ToArray(), 1, stop).ConfigureAwait(false);
                    published++;
                    samples++;
                }

                if (motionSlots is not null)
                {
                    foreach (var i in motionSlots[(int)(k % motionSlots.Length)])
                    {
                        var length = WriteMotion(buffer, profiles[i], deviceTime, motionBodies[(int)((k + i) % motionBodies.Length)]);
                        await connections[i % connections.Count].PublishAsync(profiles[i].MotionTopic, buffer.AsSpan(0, length).ToArray(), shape.MotionSamplesPerMessage, stop).ConfigureAwait(false);
                        published++;
                        samples += shape.MotionSamplesPerMessage;
                    }
                }

                if (elapsed >= statsAt)
                {
                    statsAt += statsEvery;
                    ChildProtocol.WriteStats(new Dictionary<string, object>
                    {
                        ["published"] = published,
                        ["publishedSamples"] = samples,
                        ["acked"] = connections.Sum(c => c.Acked),
                        ["ackedSamples"] = connections.Sum(c => c.AckedSamples),
                        ["failed"] = connections.Sum(c => c.Failed),
                        ["inFlight"] = connections.Sum(c => c.InFlight),
                        ["maxLagMs"] = maxLag.TotalMilliseconds,
                    });
                    if (statsAt.Ticks % TimeSpan.TicksPerSecond == 0)
                    {
                        // The largest lag of the last second.
                        maxLag = TimeSpan.Zero;
                    }
                }
            }
        }
        catch (OperationCanceledException) when (stop.IsCancellationRequested)
        {
        }

        foreach (var connection in connections)
        {
            await connection.DisposeAsync().ConfigureAwait(false);
        }

        return 0;
    }

    /// <summary>Patient indices per tick of one period, spread evenly (a stride coprime to most slot counts).</summary>
    private static List<int>[] Slots(int patients, TimeSpan period, int salt)
    {
        var count = Math.Max(1, (int)(period.Ticks / Tick.Ticks));
        var slots = Enumerable.Range(0, count).Select(_ => new List<int>()).ToArray();
        for (var i = 0; i < patients; i++)
        {
            slots[(int)(((long)i * 37 + salt) % count)].Add(i);
        }

        return slots;
    }

    private static int WriteVitals(byte[] buffer, Profile patient, DateTimeOffset ts, bool desaturated, long k)
    {
        var noise = (int)((k / 100 * 7_919 + patient.Index * 104_729) % 5) - 2;
        var w = new Utf8Writer(buffer);
        w.Append(patient.VitalsHead);
        w.AppendTimestamp(ts);
        w.Append("\",\"heartRate\":"u8);
        w.Append(patient.HeartRate + noise);
        w.Append(",\"spO2\":"u8);
        w.Append(desaturated ? 86 : patient.SpO2 + (noise > 0 ? 1 : 0));
        w.Append(",\"respirationRate\":"u8);
        w.Append(patient.RespirationRate + (noise / 2));
        w.Append(",\"temperatureC\":"u8);
        w.Append(patient.TemperatureTenths / 10);
        w.Append("."u8);
        w.Append(patient.TemperatureTenths % 10);
        w.Append("}]}"u8);
        return w.Length;
    }

    private static int WriteMotion(byte[] buffer, Profile patient, DateTimeOffset ts, byte[] body)
    {
        var w = new Utf8Writer(buffer);
        w.Append(patient.MotionHead);
        w.AppendTimestamp(ts);
        w.Append(body);
        return w.Length;
    }

    /// <summary>The part of a motion message after its timestamp: rate and x, y, z arrays (a resting wearer: about 1 g on z, small noise).</summary>
    private static byte[][] MotionBodies(int samples, int variants)
    {
        var random = new Random(20_261_126);
        return [.. Enumerable.Range(0, variants).Select(_ =>
        {
            string Axis(double mean) => string.Join(',', Enumerable.Range(0, samples)
                .Select(_ => (mean + ((random.NextDouble() - 0.5) * 0.04)).ToString("0.000", CultureInfo.InvariantCulture)));
            return System.Text.Encoding.UTF8.GetBytes(
                $"\",\"sampleRateHz\":{LoadShape.MotionRateHz},\"x\":[{Axis(0)}],\"y\":[{Axis(0)}],\"z\":[{Axis(1)}]}}");
        })];
    }

    /// <summary>One simulated patient: topics, JSON heads and a baseline in the NEWS2 0-point ranges (RCP 2017, FACTS.md).</summary>
    private sealed class Profile
    {
        public Profile(int index)
        {
            Index = index;
            var id = LoadShape.PatientId(index);
            VitalsTopic = Topics.Vitals(id);
            MotionTopic = Topics.Motion(id);
            var device = string.Create(CultureInfo.InvariantCulture, $"dev-{index:00000}");
            VitalsHead = System.Text.Encoding.UTF8.GetBytes($"{{\"schemaVersion\":1,\"deviceId\":\"{device}\",\"samples\":[{{\"ts\":\"");
            MotionHead = System.Text.Encoding.UTF8.GetBytes($"{{\"schemaVersion\":1,\"deviceId\":\"{device}\",\"ts\":\"");
            var random = new Random(index);
            HeartRate = random.Next(60, 86);
            SpO2 = random.Next(96, 99);
            RespirationRate = random.Next(13, 19);
            TemperatureTenths = random.Next(363, 376);
        }

        public int Index { get; }

        public string VitalsTopic { get; }

        public string MotionTopic { get; }

        public byte[] VitalsHead { get; }

        public byte[] MotionHead { get; }

        public int HeartRate { get; }

        public int SpO2 { get; }

        public int RespirationRate { get; }

        public int TemperatureTenths { get; }
    }

    private ref struct Utf8Writer(byte[] buffer)
    {
        private readonly Span<byte> _buffer = buffer;

        public int Length { get; private set; }

        public void Append(ReadOnlySpan<byte> bytes)
        {
            bytes.CopyTo(_buffer[Length..]);
            Length += bytes.Length;
        }

        public void Append(int value)
        {
            Utf8Formatter.TryFormat(value, _buffer[Length..], out var written);
            Length += written;
        }

        public void AppendTimestamp(DateTimeOffset ts)
        {
            ts.UtcDateTime.TryFormat(_buffer[Length..], out var written, "yyyy-MM-dd'T'HH:mm:ss.fff'Z'", CultureInfo.InvariantCulture);
            Length += written;
        }
    }

    /// <summary>One MQTT connection of the generator, with a bound on unacknowledged publishes.</summary>
    private sealed class Connection : IAsyncDisposable
    {
        private readonly IMqttClient _client;
        private readonly SemaphoreSlim _window = new(MaxInFlight, MaxInFlight);
        private long _acked;
        private long _ackedSamples;
        private long _failed;

        private Connection(IMqttClient client) => _client = client;

        public long Acked => Interlocked.Read(ref _acked);

        public long AckedSamples => Interlocked.Read(ref _ackedSamples);

        public long Failed => Interlocked.Read(ref _failed);

        public int InFlight => MaxInFlight - _window.CurrentCount;

        public static async Task<Connection> OpenAsync(int port, string clientId, CancellationToken cancellationToken)
        {
            var client = new MqttClientFactory().CreateMqttClient();
            var options = new MqttClientOptionsBuilder()
                .WithTcpServer("127.0.0.1", port)
                .WithProtocolVersion(MqttProtocolVersion.V311)
                .WithClientId(clientId)
                .WithCleanSession(true)
                .WithKeepAlivePeriod(TimeSpan.FromSeconds(30))
                .WithTimeout(TimeSpan.FromSeconds(30))
                .Build();
            ((MqttClientTcpOptions)options.ChannelOptions).BufferSize = 1024 * 1024;
            await client.ConnectAsync(options, cancellationToken).ConfigureAwait(false);
            return new Connection(client);
        }

        public async ValueTask PublishAsync(string topic, byte[] payload, int samples, CancellationToken cancellationToken)
        {
            await _window.WaitAsync(cancellationToken).ConfigureAwait(false);
            _ = CompleteAsync(new MqttApplicationMessage
            {
                Topic = topic,
                Payload = new ReadOnlySequence<byte>(payload),
                QualityOfServiceLevel = MqttQualityOfServiceLevel.AtLeastOnce,
            }, samples);
        }

        public async ValueTask DisposeAsync()
        {
            if (_client.IsConnected)
            {
                await _client.DisconnectAsync().ConfigureAwait(false);
            }

            _client.Dispose();
            _window.Dispose();
        }

        private async Task CompleteAsync(MqttApplicationMessage message, int samples)
        {
            try
            {
                var result = await _client.PublishAsync(message).ConfigureAwait(false);
                if (result.IsSuccess)
                {
                    Interlocked.Increment(ref _acked);
                    Interlocked.Add(ref _ackedSamples, samples);
                }
                else
                {
                    Interlocked.Increment(ref _failed);
                }
            }
            catch (Exception e) when (e is MQTTnet.Exceptions.MqttCommunicationException or OperationCanceledException or InvalidOperationException)
            {
                Interlocked.Increment(ref _failed);
            }
            finally
            {
                _window.Release();
            }
        }
    }
}

using System.Buffers;
using System.Globalization;
using System.Text;
using System.Threading.Channels;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging.Abstractions;
using Microsoft.Extensions.Options;
using WearableEdge.Clinical.Samples;
using WearableEdge.Contracts;
using WearableEdge.EdgeService.Api;
using WearableEdge.EdgeService.Devices;
using WearableEdge.EdgeService.Ingest;
using WearableEdge.EdgeService.Scoring;
using WearableEdge.EdgeService.Storage;

namespace WearableEdge.EdgeService.Tests.Ingest;

/// <summary>
/// Robustness: random and mutated payloads through the real ingest handler (and so the real
/// decoder), in process. Nothing may throw out of ingest, memory must stay bounded, and every
/// message must end accepted or rejected under exactly one reason. The heap is measured process
/// wide, so the class runs alone: tests running beside it would make their allocations look like ours.
/// </summary>
[Collection(HeapMeasurement.Name)]
public sealed class FuzzIngestTests : IDisposable
{
    private const int MessageCount = 100_000;
    private const int Seed = 20_261_126;

    private static readonly string[] Patients = ["p-001", "p-002", "p-003", "p-004", "p-005"];

    private const string ValidVitals = """
        {"schemaVersion":1,"deviceId":"watch-42","samples":[
          {"ts":"2025-03-01T09:00:00+01:00","heartRate":72,"spO2":97,"respirationRate":16,"temperatureC":36.9},
          {"ts":"2025-03-01T08:00:01Z","heartRate":74.5,"spO2":96,"systolicBp":121}
        ]}
        """;

    private const string ValidMotion = """
        {"schemaVersion":1,"deviceId":"watch-42","ts":"2025-03-01T08:00:00Z","sampleRateHz":25,
         "x":[0.01,0.02,0.0,0.01],"y":[0.0,0.01,0.02,0.0],"z":[1.0,0.99,1.01,1.0]}
        """;

    private const string ValidDevice = """
        {"schemaVersion":1,"deviceId":"watch-42","ts":"2025-03-01T08:00:00Z","batteryPercent":81,"wearStatus":"on","signalQuality":0.9}
        """;

    private static readonly string[] ValidPayloads = [ValidVitals, ValidMotion, ValidDevice];
    private static readonly string[] Streams = [Topics.VitalsStream, Topics.MotionStream, Topics.DeviceStream];

    private static readonly string[] HugeNumbers =
    [
        "1e309", "-1e309", "1e-400", "99999999999999999999999999999999999999", "-0", "NaN", "Infinity", "-Infinity",
        "\"NaN\"", "\"Infinity\"", "1.7976931348623157e308", "2147483648", "-2147483649", "0x10", "1_000", ".5", "01",
    ];

    private static readonly string[] WrongTypes =
    [
        "\"72\"", "true", "null", "[]", "{}", "[72]", "{\"value\":72}", "\"\"", "\"2025-03-01\"", "\"not a date\"", "12345",
    ];

    private readonly ServiceProvider _services = new ServiceCollection().AddMetrics().BuildServiceProvider();
    private readonly EdgeMetrics _metrics;

    public FuzzIngestTests() =>
        _metrics = new EdgeMetrics(_services.GetRequiredService<System.Diagnostics.Metrics.IMeterFactory>());

    public void Dispose()
    {
        _metrics.Dispose();
        _services.Dispose();
    }

    [Fact]
    public async Task A_hundred_thousand_random_and_mutated_payloads_never_throw_and_each_is_counted_once()
    {
        var samples = Channel.CreateUnbounded<WearableSample>();
        var modelInputs = Channel.CreateUnbounded<ModelInput>();
        var board = new PatientBoard();
        var handler = NewHandler(samples.Writer, modelInputs.Writer, board, PayloadDecoder.MaxPayloadBytes);
        var random = new Random(Seed);

        // Two 10 MB payloads, made once and sent again and again: one a valid message padded with
        // spaces, one random bytes.
        var tenMegabytes = 10 * 1024 * 1024;
        var paddedValid = new byte[tenMegabytes];
        Array.Fill(paddedValid, (byte)' ');
        Encoding.UTF8.GetBytes(ValidVitals).CopyTo(paddedValid, 0);
        var randomLarge = new byte[tenMegabytes];
        random.NextBytes(randomLarge);

        var kinds = new Dictionary<string, int>(StringComparer.Ordinal);
        long accepted = 0, sampleCount = 0;

        // Warm up (JIT, pools) before the memory baseline; every patient is on the board from here on.
        for (var i = 0; i < 200; i++)
        {
            await handler.HandleAsync(Topics.Vitals(Patients[i % Patients.Length]), new ReadOnlySequence<byte>(Encoding.UTF8.GetBytes(ValidVitals)));
            Drain();
        }

        var warmup = Total();
        var baseline = GC.GetTotalMemory(forceFullCollection: true);
        long peak = baseline;

        for (var i = 0; i < MessageCount; i++)
        {
            var (kind, topic, payload) = Next(random, i, paddedValid, randomLarge);
            kinds[kind] = kinds.GetValueOrDefault(kind) + 1;
            var before = Total();

            var exception = await Record.ExceptionAsync(() => handler.HandleAsync(topic, new ReadOnlySequence<byte>(payload)));

            Assert.True(exception is null, $"message {i} ({kind}) threw {exception}");
            var after = Total();
            Assert.True(after.Counted == before.Counted + 1, $"message {i} ({kind}) was counted {after.Counted - before.Counted} times");
            accepted += after.Accepted - before.Accepted;
            Drain();
            if (i % 10_000 == 9_999)
            {
                peak = Math.Max(peak, GC.GetTotalMemory(forceFullCollection: true));
            }
        }

        var end = GC.GetTotalMemory(forceFullCollection: true);
        var final = Total();
        var accepts = _metrics.Family("messages_accepted");
        var rejects = _metrics.Family("messages_rejected");

        // Every message: accepted on one stream or rejected under one reason; the counters sum to the messages sent.
        Assert.Equal(MessageCount, final.Counted - warmup.Counted);
        Assert.Equal(MessageCount, accepted + (final.Rejected - warmup.Rejected));

        // The decoder never threw (the handler would have counted internal-error).
        Assert.False(rejects.ContainsKey(RejectReason.InternalError), "the decoder threw on some payload");

        // Every kind of garbage was sent, and both outcomes occurred.
        Assert.True(kinds.Count >= 9, string.Join(", ", kinds.Keys));
        Assert.True(accepted > 1_000, $"only {accepted} messages accepted: the valid share is not exercised");
        Assert.True(rejects.GetValueOrDefault(RejectReason.TooLarge) >= kinds["ten-megabytes"], "10 MB payloads not all rejected as too large");
        foreach (var reason in new[] { RejectReason.MalformedJson, RejectReason.UnknownTopic, RejectReason.InvalidValue, RejectReason.MissingField })
        {
            Assert.True(rejects.GetValueOrDefault(reason) > 0, $"no rejection under {reason}");
        }

        // Per patient (/api/patients): the same counts, less those on topics that name no patient
        // (all five patients were accepted during the warm-up, so each rejection on their topics counts).
        var perPatient = board.All.Sum(p => p.MessagesAccepted + p.MessagesRejected.Values.Sum());
        Assert.Equal(final.Counted - rejects.GetValueOrDefault(RejectReason.UnknownTopic), perPatient);

        // Memory bounded: after 100,000 messages (about 100 of 10 MB) the live heap is within 64 MiB of
        // the start (the dead-letter queue holds at most 1,000 letters, too-large ones cut to 1 KiB).
        const long Bound = 64L * 1024 * 1024;
        Assert.True(end - baseline < Bound, $"heap grew {(end - baseline) / 1024 / 1024} MiB (from {baseline / 1024 / 1024} MiB)");
        Assert.True(peak - baseline < Bound, $"heap peaked {(peak - baseline) / 1024 / 1024} MiB above the start");
        TestContext.Current.SendDiagnosticMessage(string.Create(
            CultureInfo.InvariantCulture,
            $"fuzz: {MessageCount} messages, {accepted} accepted, {sampleCount} samples, rejected {string.Join(", ", rejects.OrderBy(kv => kv.Key).Select(kv => $"{kv.Key}={kv.Value}"))}; heap {baseline / 1024} KiB -> {end / 1024} KiB (peak {peak / 1024} KiB); accepts {string.Join(", ", accepts.Select(kv => $"{kv.Key}={kv.Value}"))}"));

        void Drain()
        {
            while (samples.Reader.TryRead(out _))
            {
                sampleCount++;
            }

            while (modelInputs.Reader.TryRead(out _))
            {
            }
        }
    }

    [Fact]
    public async Task A_payload_over_the_configured_limit_is_rejected_as_too_large_and_its_dead_letter_is_cut()
    {
        var board = new PatientBoard();
        var deadLetters = new DeadLetterQueue(_metrics);
        var handler = NewHandler(Channel.CreateUnbounded<WearableSample>().Writer, Channel.CreateUnbounded<ModelInput>().Writer, board, 4096, deadLetters);
        var padded = ValidVitals + new string(' ', 4096 - Encoding.UTF8.GetByteCount(ValidVitals) + 1);

        // Exactly at the limit: accepted; one byte over: rejected.
        await handler.HandleAsync(Topics.Vitals("p-001"), new ReadOnlySequence<byte>(Encoding.UTF8.GetBytes(padded[..4096])));
        await handler.HandleAsync(Topics.Vitals("p-001"), new ReadOnlySequence<byte>(Encoding.UTF8.GetBytes(padded)));

        Assert.Equal(1, _metrics.Family("messages_rejected")[RejectReason.TooLarge]);
        Assert.Equal(1, _metrics.Family("messages_accepted")[Topics.VitalsStream]);
        var patient = Assert.Single(board.All);
        Assert.Equal(1, patient.MessagesAccepted);
        Assert.Equal(1, patient.MessagesRejected[RejectReason.TooLarge]);
        Assert.True(deadLetters.Reader.TryRead(out var letter));
        Assert.Equal(RejectReason.TooLarge, letter.Reason);
        Assert.Equal(PayloadLimitOptions.DeadLetterPrefixBytes, Convert.FromBase64String(letter.PayloadBase64).Length);
        Assert.Contains("wearable_edge_messages_rejected_total{reason=\"payload-too-large\"} 1\n", _metrics.ToPrometheusText(), StringComparison.Ordinal);
    }

    [Theory]
    [InlineData(1023, false)]
    [InlineData(1024, true)]
    [InlineData(PayloadDecoder.MaxPayloadBytes, true)]
    [InlineData(PayloadDecoder.MaxPayloadBytes + 1, false)]
    public void The_limit_can_be_lowered_not_raised_above_the_decoder_ceiling(int bytes, bool valid) =>
        Assert.Equal(valid, new PayloadLimitOptionsValidator().Validate(null, new PayloadLimitOptions { MaxPayloadBytes = bytes }).Succeeded);

    [Fact]
    public async Task Rejections_on_topics_of_patients_never_accepted_add_no_patient_but_are_counted()
    {
        var board = new PatientBoard();
        var handler = NewHandler(Channel.CreateUnbounded<WearableSample>().Writer, Channel.CreateUnbounded<ModelInput>().Writer, board, PayloadDecoder.MaxPayloadBytes);
        for (var i = 0; i < 1_500; i++)
        {
            await handler.HandleAsync(Topics.Vitals($"p-{i}"), new ReadOnlySequence<byte>("{"u8.ToArray()));
        }

        await handler.HandleAsync(Topics.Device("p-7"), new ReadOnlySequence<byte>(Encoding.UTF8.GetBytes(ValidDevice)));
        await handler.HandleAsync(Topics.Vitals("p-7"), new ReadOnlySequence<byte>("{"u8.ToArray()));

        var patient = Assert.Single(board.All);
        Assert.Equal("p-7", patient.PatientId);
        Assert.Equal(1, patient.MessagesAccepted);
        Assert.Equal(1, Assert.Single(patient.MessagesRejected).Value);
        Assert.Equal(1_501, _metrics.Family("messages_rejected")[RejectReason.MalformedJson]);
    }

    private MqttIngestHandler NewHandler(
        ChannelWriter<WearableSample> samples, ChannelWriter<ModelInput> modelInputs, PatientBoard board, int maxPayloadBytes, DeadLetterQueue? deadLetters = null) =>
        new(
            samples,
            modelInputs,
            deadLetters ?? new DeadLetterQueue(_metrics),
            new RawSampleQueue(Options.Create(new StorageOptions { StoreRawSamples = false }), _metrics),
            board,
            OffGate(),
            _metrics,
            TimeProvider.System,
            new RunningLifetime(),
            Options.Create(new PayloadLimitOptions { MaxPayloadBytes = maxPayloadBytes }),
            NullLogger<MqttIngestHandler>.Instance);

    /// <summary>The device gate as shipped by default (Devices:Registry=Off): it admits every payload and never reads the store.</summary>
    private DeviceGate OffGate() =>
        new(
            new DeviceRegistry(new EdgeDatabase(Options.Create(new StorageOptions { DataDirectory = Path.Combine(Path.GetTempPath(), "wearable-edge-fuzz-unused") })), TimeProvider.System),
            Options.Create(new DeviceOptions()),
            _metrics,
            TimeProvider.System);

    private (long Accepted, long Rejected, long Counted) Total()
    {
        var accepted = _metrics.Family("messages_accepted").Values.Sum();
        var rejected = _metrics.Family("messages_rejected").Values.Sum();
        return (accepted, rejected, accepted + rejected);
    }

    /// <summary>One fuzz case: its kind, topic and payload.</summary>
    private static (string Kind, string? Topic, byte[] Payload) Next(Random random, int i, byte[] paddedValid, byte[] randomLarge)
    {
        var stream = random.Next(3);
        var topic = $"wearables/{Patients[random.Next(Patients.Length)]}/{Streams[stream]}";
        var valid = ValidPayloads[stream];
        var pick = random.Next(100);

        // About 100 payloads of 10 MB in all.
        if (i % 1_000 == 500)
        {
            return ("ten-megabytes", topic, random.Next(2) == 0 ? paddedValid : randomLarge);
        }

        return pick switch
        {
            < 12 => ("random-bytes", topic, RandomBytes(random, random.Next(0, 600))),
            < 24 => ("truncated-json", topic, Encoding.UTF8.GetBytes(valid[..random.Next(valid.Length)])),
            < 40 => ("mutated-json", topic, Mutate(random, Encoding.UTF8.GetBytes(valid))),
            < 52 => ("huge-number-or-nan", topic, Encoding.UTF8.GetBytes(ReplaceNumber(random, valid, HugeNumbers[random.Next(HugeNumbers.Length)]))),
            < 60 => ("deep-nesting", topic, Encoding.UTF8.GetBytes(DeepNesting(random))),
            < 72 => ("wrong-type", topic, Encoding.UTF8.GetBytes(ReplaceValue(random, valid, WrongTypes[random.Next(WrongTypes.Length)]))),
            < 76 => ("bad-topic", random.Next(4) == 0 ? null : RandomTopic(random), Encoding.UTF8.GetBytes(valid)),
            < 80 => ("large-batch", Topics.Vitals(Patients[0]), Encoding.UTF8.GetBytes(LargeBatch(random))),
            _ => ("valid", topic, Encoding.UTF8.GetBytes(valid)),
        };
    }

    private static byte[] RandomBytes(Random random, int length)
    {
        var bytes = new byte[length];
        random.NextBytes(bytes);
        return bytes;
    }

    /// <summary>Flips, inserts or deletes a few bytes of a valid payload.</summary>
    private static byte[] Mutate(Random random, byte[] payload)
    {
        var bytes = new List<byte>(payload);
        for (var n = random.Next(1, 6); n > 0 && bytes.Count > 0; n--)
        {
            var at = random.Next(bytes.Count);
            switch (random.Next(3))
            {
                case 0:
                    bytes[at] = (byte)random.Next(256);
                    break;
                case 1:
                    bytes.Insert(at, (byte)"{}[]\",:0\\-e.\u00ff"[random.Next(13)]);
                    break;
                default:
                    bytes.RemoveAt(at);
                    break;
            }
        }

        return [.. bytes];
    }

    /// <summary>Replaces one number in the payload by the given token.</summary>
    private static string ReplaceNumber(Random random, string json, string token)
    {
        var starts = new List<int>();
        for (var k = 1; k < json.Length; k++)
        {
            if (char.IsAsciiDigit(json[k]) && !char.IsAsciiDigit(json[k - 1]) && json[k - 1] is ':' or ',' or '[')
            {
                starts.Add(k);
            }
        }

        var start = starts[random.Next(starts.Count)];
        var end = start;
        while (end < json.Length && (char.IsAsciiDigit(json[end]) || json[end] == '.'))
        {
            end++;
        }

        return string.Concat(json.AsSpan(0, start), token, json.AsSpan(end));
    }

    /// <summary>Replaces the value after one property name by the given JSON.</summary>
    private static string ReplaceValue(Random random, string json, string value)
    {
        var colons = new List<int>();
        for (var k = 0; k < json.Length; k++)
        {
            if (json[k] == ':' && json[k - 1] == '"')
            {
                colons.Add(k);
            }
        }

        var colon = colons[random.Next(colons.Count)];
        var end = colon + 1;
        var depth = 0;
        var inString = false;
        for (; end < json.Length; end++)
        {
            var c = json[end];
            if (inString)
            {
                inString = c != '"' || json[end - 1] == '\\';
                continue;
            }

            if (c == '"')
            {
                inString = true;
            }
            else if (c is '[' or '{')
            {
                depth++;
            }
            else if (c is ']' or '}')
            {
                if (depth == 0)
                {
                    break;
                }

                depth--;
            }
            else if (c == ',' && depth == 0)
            {
                break;
            }
        }

        return string.Concat(json.AsSpan(0, colon + 1), value, json.AsSpan(end));
    }

    private static string DeepNesting(Random random)
    {
        var depth = random.Next(1, 5_000);
        return random.Next(3) switch
        {
            0 => new string('[', depth) + new string(']', depth),
            1 => string.Concat(Enumerable.Repeat("{\"a\":", depth)) + "1" + new string('}', depth),
            _ => "{\"schemaVersion\":1,\"deviceId\":\"w\",\"samples\":" + new string('[', depth) + new string(']', depth) + "}",
        };
    }

    private static string RandomTopic(Random random) => random.Next(5) switch
    {
        0 => "",
        1 => "wearables/p-001/unknown",
        2 => "wearables//vitals",
        3 => "wearables/p-001/vitals/extra",
        _ => Encoding.UTF8.GetString(RandomBytes(random, random.Next(1, 40))),
    };

    /// <summary>A vitals batch of up to 700 samples: over 600 (the per-message maximum) is rejected.</summary>
    private static string LargeBatch(Random random)
    {
        var count = random.Next(500, 700);
        var text = new StringBuilder("{\"schemaVersion\":1,\"deviceId\":\"w\",\"samples\":[");
        var t0 = new DateTimeOffset(2025, 3, 1, 8, 0, 0, TimeSpan.Zero);
        for (var k = 0; k < count; k++)
        {
            text.Append(CultureInfo.InvariantCulture, $"{(k > 0 ? "," : "")}{{\"ts\":\"{t0.AddSeconds(k):O}\",\"heartRate\":{60 + (k % 40)}}}");
        }

        return text.Append("]}").ToString();
    }

    /// <summary>A host lifetime that never stops.</summary>
    private sealed class RunningLifetime : IHostApplicationLifetime
    {
        public CancellationToken ApplicationStarted => CancellationToken.None;
        public CancellationToken ApplicationStopping => CancellationToken.None;
        public CancellationToken ApplicationStopped => CancellationToken.None;

        public void StopApplication()
        {
        }
    }
}

/// <summary>Tests that measure the process-wide heap: run with nothing else in parallel.</summary>
[CollectionDefinition(Name, DisableParallelization = true)]
public sealed class HeapMeasurement
{
    public const string Name = "heap measurement";
}

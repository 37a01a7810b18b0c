using System.Diagnostics;
using System.Globalization;
using System.Text.Json;

namespace WearableEdge.Benchmarks.EndToEnd;

/// <summary>
/// The end-to-end benchmark (<c>e2e</c>): a real Mosquitto started here, a load generator in a
/// child process offering N patients' vitals and motion at QoS 1, and in turn, on the same broker
/// and the same offered load, three consumers each in its own child process: a bare MQTTnet
/// subscriber, a raw socket subscriber (the broker's delivery rate with no client work) and the
/// edge service. Writes JSON and a markdown summary. Usage: see <see cref="Usage"/>.
/// </summary>
internal static class EndToEndBenchmark
{
    public const string Usage = """
        dotnet run -c Release --project tests/WearableEdge.Benchmarks -- e2e [options]
          --patients 100,250,500,1000,2000   sweep over N simulated patients
          --connections 8                    MQTT connections the generator spreads them over
          --motion-batch 0.5                 seconds of 50 Hz motion per message (0.5–1)
          --samples-per-message 1            vitals only, one sample per message (the Node-RED comparison)
          --desaturation-every 10            every k-th patient desaturates 40 s in 120 s (alerts for latency)
          --consumers bare,raw,service       consumers to run, in this order
          --warmup 10 --duration 20          seconds per consumer before and while measuring
          --service-warmup 90                seconds of service warm-up (windows fill, tiered JIT settles)
          --service-duration 60              seconds the service is measured (long enough for alerts)
          --idle-settle 20 --idle-seconds 10 seconds the idle service settles, then is measured (memory and CPU baseline)
          --reference-patients 1000          N at which the goals are judged
          --output e2e-benchmark.json        JSON results; the markdown summary goes beside it (.md)
          --from e2e-benchmark.json          only re-render the markdown of a saved run
        """;

    /// <summary>The service's default <c>Features:AllowedLateness</c> (FeatureOptions).</summary>
    private static readonly TimeSpan AllowedLateness = TimeSpan.FromSeconds(5);

    /// <summary>The latency probe follows at most this many desaturating patients, so it adds little load to the broker.</summary>
    private const int MaxProbedPatients = 200;

    public static async Task<int> RunAsync(string[] args)
    {
        var arguments = new BenchmarkArguments(args);
        if (arguments.Flag("--help"))
        {
            Console.WriteLine(Usage);
            return 0;
        }

        if (arguments.String("--from") is { } saved)
        {
            // Re-renders the markdown of a saved run (for example after a change to the summary).
            var markdownAgain = Summary.FromJson(await File.ReadAllTextAsync(saved).ConfigureAwait(false)).ToMarkdown();
            await File.WriteAllTextAsync(Path.ChangeExtension(saved, ".md"), markdownAgain).ConfigureAwait(false);
            Console.WriteLine(markdownAgain);
            return 0;
        }

        try
        {
            MosquittoBroker.Executable();
        }
        catch (FileNotFoundException missing)
        {
            await Console.Error.WriteLineAsync(missing.Message).ConfigureAwait(false);
            return 3;
        }

        var sweep = arguments.Ints("--patients", [100, 250, 500, 1000, 2000]);
        var consumers = (arguments.String("--consumers") ?? "bare,raw,service").Split(',', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries);
        var timing = new Timing(
            TimeSpan.FromSeconds(arguments.Double("--warmup", 10)),
            TimeSpan.FromSeconds(arguments.Double("--service-warmup", 90)),
            TimeSpan.FromSeconds(arguments.Double("--duration", 20)),
            TimeSpan.FromSeconds(arguments.Double("--service-duration", 60)),
            TimeSpan.FromSeconds(arguments.Double("--idle-seconds", 10)),
            TimeSpan.FromSeconds(arguments.Double("--idle-settle", 20)));
        var output = Path.GetFullPath(arguments.String("--output") ?? "e2e-benchmark.json");
        var reference = arguments.Int("--reference-patients", 1000);
        var machine = Machine.Describe();
        var command = "dotnet run -c Release --project tests/WearableEdge.Benchmarks -- e2e " + string.Join(' ', args.Skip(1));
        Console.WriteLine($"machine: {machine.Cores} cores, {machine.Cpu}, {machine.Os}, .NET {machine.Dotnet}, {machine.Broker}");
        Console.WriteLine($"command: {command}");

        using var cancel = new CancellationTokenSource();
        Console.CancelKeyPress += (_, e) =>
        {
            e.Cancel = true;
            cancel.Cancel();
        };
        var ct = cancel.Token;
        await using var broker = await MosquittoBroker.StartAsync(ct).ConfigureAwait(false);
        await using var sys = await BrokerStats.StartAsync(broker.Port, ct).ConfigureAwait(false);

        Idle? idle = null;
        if (consumers.Contains("service"))
        {
            idle = await IdleServiceAsync(broker.Port, timing.IdleSettle, timing.Idle, ct).ConfigureAwait(false);
            Console.WriteLine(string.Create(CultureInfo.InvariantCulture, $"service with 0 patients: {idle.ResidentBytes / 1048576.0:0.0} MiB resident, {idle.CpuCores:0.000} cores busy"));
        }

        var results = new List<ConsumerResult>();
        LoadShape? lastShape = null;
        foreach (var patients in sweep)
        {
            var shape = LoadShape.Parse(arguments, patients);
            lastShape = shape;
            Console.WriteLine(string.Create(CultureInfo.InvariantCulture,
                $"N = {patients}: offering {shape.OfferedMessagesPerSecond:N0} msg/s, {shape.OfferedSamplesPerSecond:N0} samples/s over {shape.Connections} connections"));
            await using var generator = BenchmarkChild.Start("load generator", ["e2e-load", "--broker-port", broker.Port.ToString(CultureInfo.InvariantCulture), .. shape.ToArgs()]);
            await generator.WaitReadyAsync(TimeSpan.FromSeconds(60), ct).ConfigureAwait(false);
            await Task.Delay(TimeSpan.FromSeconds(1), ct).ConfigureAwait(false);
            foreach (var consumer in consumers)
            {
                var result = await MeasureAsync(consumer, shape, generator, broker, sys, timing, idle, ct).ConfigureAwait(false);
                results.Add(result);
                Console.WriteLine("  " + Summary.Line(result));
            }
        }

        var report = new Summary(machine, command, lastShape!, timing, idle, reference, results);
        Directory.CreateDirectory(Path.GetDirectoryName(output)!);
        await File.WriteAllTextAsync(output, report.ToJson(), ct).ConfigureAwait(false);
        var markdown = report.ToMarkdown();
        await File.WriteAllTextAsync(Path.ChangeExtension(output, ".md"), markdown, ct).ConfigureAwait(false);
        Console.WriteLine();
        Console.WriteLine(markdown);
        Console.WriteLine($"written: {output} and {Path.ChangeExtension(output, ".md")}");
        return 0;
    }

    /// <summary>
    /// Resident size and CPU use of the service with no load: started, connected, left for
    /// <paramref name="startUp"/> so start-up work (model loading, JIT) is over, then measured for
    /// <paramref name="settle"/>.
    /// </summary>
    private static async Task<Idle> IdleServiceAsync(int port, TimeSpan startUp, TimeSpan settle, CancellationToken ct)
    {
        var data = Directory.CreateTempSubdirectory("wearable-edge-e2e-idle-").FullName;
        try
        {
            await using var service = BenchmarkChild.Start("service", ["e2e-consume", "--kind", "service", "--broker-port", port.ToString(CultureInfo.InvariantCulture), "--data", data]);
            await service.WaitReadyAsync(TimeSpan.FromSeconds(60), ct).ConfigureAwait(false);
            await Task.Delay(startUp, ct).ConfigureAwait(false);
            var first = await service.NextStatsAsync(ct).ConfigureAwait(false);
            await Task.Delay(settle, ct).ConfigureAwait(false);
            var last = await service.NextStatsAsync(ct).ConfigureAwait(false);
            var cpuSeconds = (last.GetProperty("cpuMs").GetDouble() - first.GetProperty("cpuMs").GetDouble()) / 1000;
            return new Idle(last.GetProperty("rssBytes").GetInt64(), cpuSeconds / Seconds(first, last));
        }
        finally
        {
            DeleteQuietly(data);
        }
    }

    private static async Task<ConsumerResult> MeasureAsync(
        string kind, LoadShape shape, BenchmarkChild generator, MosquittoBroker broker, BrokerStats sys, Timing timing, Idle? idle, CancellationToken ct)
    {
        var isService = kind == "service";
        var port = broker.Port.ToString(CultureInfo.InvariantCulture);
        var data = isService ? Directory.CreateTempSubdirectory("wearable-edge-e2e-service-").FullName : null;
        await using var probe = isService
            ? await LatencyProbe.StartAsync(
                broker.Port, Enumerable.Range(0, shape.Patients).Where(shape.IsDesaturating).Take(MaxProbedPatients).Select(LoadShape.PatientId), AllowedLateness, ct).ConfigureAwait(false)
            : null;
        try
        {
            List<string> childArgs = ["e2e-consume", "--kind", kind, "--broker-port", port];
            if (data is not null)
            {
                childArgs.AddRange(["--data", data]);
            }

            await using var consumer = BenchmarkChild.Start(kind, childArgs);
            await consumer.WaitReadyAsync(TimeSpan.FromSeconds(60), ct).ConfigureAwait(false);
            await Task.Delay(isService ? timing.ServiceWarmup : timing.Warmup, ct).ConfigureAwait(false);
            probe?.StartMeasuring();

            var c0 = await consumer.NextStatsAsync(ct).ConfigureAwait(false);
            var g0 = await generator.NextStatsAsync(ct).ConfigureAwait(false);
            var broker0 = BrokerCpu(broker);
            var machine0 = Machine.BusyTicks();
            var sent0 = sys.Value(BrokerStats.Sent);
            var dropped0 = sys.Value(BrokerStats.Dropped);
            var fill = new Dictionary<string, double>(StringComparer.Ordinal);
            var maxLag = 0.0;
            var end = Stopwatch.GetTimestamp() + (long)((isService ? timing.ServiceDuration : timing.Duration).TotalSeconds * Stopwatch.Frequency);
            JsonElement c1;
            do
            {
                c1 = await consumer.NextStatsAsync(ct).ConfigureAwait(false);
                if (isService)
                {
                    TrackFill(fill, c1);
                }

                if (generator.Stats is { } g)
                {
                    maxLag = Math.Max(maxLag, g.GetProperty("maxLagMs").GetDouble());
                }
            }
            while (Stopwatch.GetTimestamp() < end);

            var g1 = await generator.NextStatsAsync(ct).ConfigureAwait(false);
            var broker1 = BrokerCpu(broker);
            var machine1 = Machine.BusyTicks();
            var sent1 = sys.Value(BrokerStats.Sent);
            var dropped1 = sys.Value(BrokerStats.Dropped);

            var seconds = Seconds(c0, c1);
            var generatorSeconds = Seconds(g0, g1);
            var received = Delta(c0, c1, "messages");
            var offered = Delta(g0, g1, "acked");
            var receivedSamples = isService
                ? SampleCount(c1) - SampleCount(c0) + (Delta(c0, c1, "motion") * shape.MotionSamplesPerMessage)
                : Delta(c0, c1, "vitals") + ((received - Delta(c0, c1, "vitals")) * shape.MotionSamplesPerMessage);
            var cpu = (c1.GetProperty("cpuMs").GetDouble() - c0.GetProperty("cpuMs").GetDouble()) / 1000;
            var rss = c1.GetProperty("rssBytes").GetInt64();
            var offeredRate = offered / generatorSeconds;
            var receivedRate = received / seconds;
            var dropped = dropped1 - dropped0;
            var keptUp = receivedRate >= 0.97 * offeredRate && !(dropped > 0);
            var busy = machine1.Total == machine0.Total ? 0 : (double)(machine1.Busy - machine0.Busy) / (machine1.Total - machine0.Total);
            var latency = probe?.Results();
            return new ConsumerResult
            {
                Consumer = kind,
                Patients = shape.Patients,
                WindowSeconds = seconds,
                OfferedMessagesPerSecond = offeredRate,
                OfferedSamplesPerSecond = Delta(g0, g1, "ackedSamples") / generatorSeconds,
                ReceivedMessagesPerSecond = receivedRate,
                ReceivedSamplesPerSecond = receivedSamples / seconds,
                CpuMicrosecondsPerMessage = received > 0 ? cpu * 1e6 / received : double.NaN,
                MarginalCpuMicrosecondsPerMessage = isService && idle is not null && received > 0 ? (cpu - (idle.CpuCores * seconds)) * 1e6 / received : null,
                CpuCores = cpu / seconds,
                GeneratorCpuMicrosecondsPerMessage = offered > 0 ? (g1.GetProperty("cpuMs").GetDouble() - g0.GetProperty("cpuMs").GetDouble()) * 1000 / offered : double.NaN,
                BrokerCpuMicrosecondsPerMessage = offered > 0 ? (broker1 - broker0).TotalMicroseconds / (offered * seconds / generatorSeconds) : double.NaN,
                MachineBusy = busy,
                BrokerSentPerSecond = (sent1 - sent0) / seconds,
                BrokerDropped = dropped,
                ResidentBytes = rss,
                ResidentBytesPerPatient = isService && idle is not null ? (double)(rss - idle.ResidentBytes) / shape.Patients : null,
                ManagedHeapBytes = isService ? c1.GetProperty("managedHeapBytes").GetInt64() : null,
                QueueFill = isService ? fill : null,
                SampleOutcomes = isService ? Outcomes(c0, c1) : null,
                Rejected = isService ? Delta(c0, c1, "rejected") : null,
                KeptUp = keptUp,
                Bottleneck = isService ? Bottleneck(keptUp, fill, busy) : null,
                Alerts = latency?.Alerts,
                AlertsUnmatched = latency?.Unmatched,
                LatencyToPublishP50Ms = latency is { } l1 ? Percentile(l1.ToPublishMs, 0.50) : null,
                LatencyToPublishP99Ms = latency is { } l2 ? Percentile(l2.ToPublishMs, 0.99) : null,
                LatencyToStoreP50Ms = latency is { } l3 ? Percentile(l3.ToStoreMs, 0.50) : null,
                LatencyToStoreP99Ms = latency is { } l4 ? Percentile(l4.ToStoreMs, 0.99) : null,
                GeneratorMaxLagMs = maxLag,
            };
        }
        finally
        {
            if (data is not null)
            {
                Microsoft.Data.Sqlite.SqliteConnection.ClearAllPools();
                DeleteQuietly(data);
            }
        }
    }

    /// <summary>
    /// The stage that limits the service. Stage queues are bounded and a full one makes its writer
    /// wait, so a slow stage fills its input queue and then, by back-pressure, every queue upstream:
    /// the slow stage is the reader of the most downstream full queue. With no queue full but
    /// messages falling behind, the limit is the MQTT receive path (MQTTnet hands the ingest handler
    /// one message at a time and acknowledges each after it).
    /// </summary>
    private static string Bottleneck(bool keptUp, Dictionary<string, double> fill, double machineBusy)
    {
        string[] downstreamFirst = ["ModelScores", "Scored", "Windows", "ModelInputs", "Ingest"];
        var full = downstreamFirst.FirstOrDefault(q => fill.GetValueOrDefault(q) >= 0.9);
        var stage = full switch
        {
            "ModelScores" => "model alerts (ModelAlertService: its model-score queue is full)",
            "Scored" => "alerts (AlertService: its scored-window queue is full)",
            "Windows" => "scoring (ScoringService: its window queue is full)",
            "ModelInputs" => "model scoring (ModelScoringService: its model-input queue is full)",
            "Ingest" => "feature stage (FeaturePipeline: its ingest queue is full)",
            _ => keptUp ? "none" : "MQTT receive + ingest handler (MqttGatewayClient → MqttIngestHandler, one message at a time; no stage queue is full)",
        };
        if (keptUp && full is not null)
        {
            // Throughput kept up, but a burst (every patient's windows close at the same hop) filled a queue for a while: that is latency, not loss.
            stage = "none for throughput; bursts filled the queue of " + stage;
        }

        if (fill.GetValueOrDefault("RawSamples") >= 0.9)
        {
            stage += "; the raw sample store is behind (its queue is full: raw samples are shed, alerting is not held up)";
        }

        return machineBusy >= 0.95 && stage != "none" ? stage + "; the machine's cores were ≥ 95 % busy" : stage;
    }

    private static void TrackFill(Dictionary<string, double> fill, JsonElement stats)
    {
        foreach (var queue in new[] { "Ingest", "Windows", "Scored", "ModelInputs", "ModelScores", "RawSamples" })
        {
            var depth = stats.GetProperty("queue" + queue).GetDouble();
            var capacity = stats.GetProperty("cap" + queue).GetDouble();
            fill[queue] = Math.Max(fill.GetValueOrDefault(queue), capacity > 0 ? depth / capacity : 0);
        }
    }

    /// <summary>The feature stage's dispositions of a vitals sample (FeaturePipeline); the raw store's own counts (raw-stored, raw-shed…) are not samples received.</summary>
    private static readonly string[] FeatureDispositions = ["accepted", "duplicate", "too-late", "poor-signal", "implausible", "feature-error"];

    /// <summary>Vitals samples that reached the feature stage, whatever their disposition.</summary>
    private static long SampleCount(JsonElement stats) =>
        FeatureDispositions.Sum(d => stats.TryGetProperty("samples:" + d, out var count) ? count.GetInt64() : 0);

    private static Dictionary<string, long> Outcomes(JsonElement c0, JsonElement c1) => c1.EnumerateObject()
        .Where(p => p.Name.StartsWith("samples:", StringComparison.Ordinal) || p.Name.StartsWith("motionBatches:", StringComparison.Ordinal) || p.Name.StartsWith("rejected:", StringComparison.Ordinal))
        .ToDictionary(p => p.Name, p => p.Value.GetInt64() - (c0.TryGetProperty(p.Name, out var before) ? before.GetInt64() : 0), StringComparer.Ordinal);

    private static long Delta(JsonElement before, JsonElement after, string name) => after.GetProperty(name).GetInt64() - before.GetProperty(name).GetInt64();

    private static double Seconds(JsonElement before, JsonElement after) =>
        (after.GetProperty("at").GetInt64() - before.GetProperty("at").GetInt64()) / (double)Stopwatch.Frequency;

    private static TimeSpan BrokerCpu(MosquittoBroker broker)
    {
        broker.Process.Refresh();
        return broker.Process.TotalProcessorTime;
    }

    private static double? Percentile(IReadOnlyList<double> values, double p)
    {
        if (values.Count == 0)
        {
            return null;
        }

        var sorted = values.Order().ToArray();
        return sorted[Math.Clamp((int)Math.Ceiling(p * sorted.Length) - 1, 0, sorted.Length - 1)];
    }

    private static void DeleteQuietly(string directory)
    {
        try
        {
            Directory.Delete(directory, recursive: true);
        }
        catch (IOException)
        {
        }
    }
}

internal sealed record Timing(TimeSpan Warmup, TimeSpan ServiceWarmup, TimeSpan Duration, TimeSpan ServiceDuration, TimeSpan Idle, TimeSpan IdleSettle);

/// <summary>The service with no patients: resident bytes, and CPU cores it keeps busy (timers, host).</summary>
internal sealed record Idle(long ResidentBytes, double CpuCores);

/// <summary>The machine the figures were measured on.</summary>
internal sealed record Machine(int Cores, string Cpu, string Os, string Dotnet, string Broker)
{
    public static Machine Describe()
    {
        var cpu = File.Exists("/proc/cpuinfo")
            ? File.ReadLines("/proc/cpuinfo").FirstOrDefault(l => l.StartsWith("model name", StringComparison.Ordinal))?.Split(':', 2)[1].Trim() ?? "unknown"
            : "unknown";
        var os = File.Exists("/etc/os-release")
            ? File.ReadLines("/etc/os-release").FirstOrDefault(l => l.StartsWith("PRETTY_NAME=", StringComparison.Ordinal))?.Split('=', 2)[1].Trim('"') ?? Environment.OSVersion.ToString()
            : Environment.OSVersion.ToString();
        return new Machine(Environment.ProcessorCount, cpu, $"{os} ({System.Runtime.InteropServices.RuntimeInformation.OSDescription})", Environment.Version.ToString(), MosquittoBroker.Version());
    }

    /// <summary>Busy and total jiffies of all cores from /proc/stat (busy = total − idle − iowait).</summary>
    public static (long Busy, long Total) BusyTicks()
    {
        if (!File.Exists("/proc/stat"))
        {
            return (0, 0);
        }

        var fields = File.ReadLines("/proc/stat").First().Split(' ', StringSplitOptions.RemoveEmptyEntries).Skip(1).Take(8)
            .Select(f => long.Parse(f, CultureInfo.InvariantCulture)).ToArray();
        var total = fields.Sum();
        return (total - fields[3] - fields[4], total);
    }
}

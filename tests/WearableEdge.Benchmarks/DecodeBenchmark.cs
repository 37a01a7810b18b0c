using System.Buffers;
using System.Diagnostics;
using System.Globalization;
using System.Text;
using WearableEdge.Contracts;
using WearableEdge.EdgeService.Ingest;

namespace WearableEdge.Benchmarks;

/// <summary>
/// Decode cost per message and format: wall time (ns) and bytes allocated on the calling thread,
/// through <see cref="PayloadDecoder.Decode(string, System.Buffers.ReadOnlySequence{byte})"/> as ingest calls it.
///   dotnet run -c Release --project tests/WearableEdge.Benchmarks -- decode [--messages 200000]
/// Add a format by adding a case to <see cref="Cases"/> (a name, a topic and one payload); each case
/// is also run through the whole ingest handler (<see cref="IngestHandlerBenchmark"/>).
/// </summary>
internal static class DecodeBenchmark
{
    public static int Run(string[] args)
    {
        var index = Array.IndexOf(args, "--messages");
        var messages = index >= 0 && index + 1 < args.Length ? int.Parse(args[index + 1], CultureInfo.InvariantCulture) : 200_000;
        Console.WriteLine(string.Create(CultureInfo.InvariantCulture, $"machine: {Environment.ProcessorCount} cores, {Environment.OSVersion}, .NET {Environment.Version}"));
        Console.WriteLine("decode: format | payload bytes | ns per message | bytes allocated per message | outcome");
        foreach (var (name, topic, json) in Cases())
        {
            var payload = new ReadOnlySequence<byte>(Encoding.UTF8.GetBytes(json));
            var outcome = PayloadDecoder.Decode(topic, payload);
            var runs = Math.Max(1, (int)Math.Min(messages, 20_000_000L / Math.Max(1, payload.Length)));

            // Warm up for at least a second (tiered JIT reaches its optimized code), then measure.
            var warm = Stopwatch.GetTimestamp();
            for (var i = 0; i < 1_000 || Stopwatch.GetElapsedTime(warm) < TimeSpan.FromSeconds(1); i++)
            {
                PayloadDecoder.Decode(topic, payload);
            }

            var allocated = GC.GetAllocatedBytesForCurrentThread();
            var start = Stopwatch.GetTimestamp();
            for (var i = 0; i < runs; i++)
            {
                PayloadDecoder.Decode(topic, payload);
            }

            var elapsed = Stopwatch.GetElapsedTime(start);
            allocated = GC.GetAllocatedBytesForCurrentThread() - allocated;
            Console.WriteLine(string.Create(
                CultureInfo.InvariantCulture,
                $"decode: {name} | {payload.Length:N0} | {elapsed.TotalNanoseconds / runs:N0} | {allocated / runs:N0} | {Describe(outcome)} ({runs:N0} messages)"));
        }

        Console.WriteLine("handler: format | payload bytes | ns per message | bytes allocated per message");
        IngestHandlerBenchmark.Run(messages, Cases());
        return 0;
    }

    private static string Describe(DecodedPayload outcome) => outcome switch
    {
        DecodedPayload.Vitals v => $"vitals, {v.Samples.Count} samples",
        DecodedPayload.Motion m => $"motion, {m.SampleCount} samples",
        DecodedPayload.Device => "device",
        DecodedPayload.Rejected r => $"rejected {r.Reason}",
        _ => outcome.GetType().Name,
    };

    /// <summary>
    /// The formats measured: contract v1, and the Open mHealth and FHIR R4 examples of
    /// docs/contract.md (the same payloads the format tests feed), read from the repository.
    /// </summary>
    private static IEnumerable<(string Name, string Topic, string Json)> Cases()
    {
        var t0 = new DateTimeOffset(2025, 3, 1, 8, 0, 0, TimeSpan.Zero);
        yield return ("v1 vitals, 1 sample", Topics.Vitals("p-001"), VitalsBatch(t0, 1));
        yield return ("v1 vitals, 5 samples", Topics.Vitals("p-001"), VitalsBatch(t0, 5));
        yield return ("v1 vitals, 600 samples", Topics.Vitals("p-001"), VitalsBatch(t0, 600));
        yield return ("v1 motion, 25 samples", Topics.Motion("p-001"), MotionBatch(t0, 25));
        yield return ("v1 motion, 100 samples", Topics.Motion("p-001"), MotionBatch(t0, 100));
        yield return ("v1 device", Topics.Device("p-001"),
            """{"schemaVersion":1,"deviceId":"watch-42","ts":"2025-03-01T08:00:00Z","batteryPercent":81,"wearStatus":"on","signalQuality":0.9}""");
        yield return ("garbage (malformed JSON)", Topics.Vitals("p-001"), """{"schemaVersion":1,"deviceId":"watch-42","samples":[{"ts":""");
        yield return ("omh heart-rate", Topics.OpenMHealth("patient-002"), ContractExample("#### Open mHealth heart-rate 2.0"));
        yield return ("omh body-temperature", Topics.OpenMHealth("patient-002"), ContractExample("#### Open mHealth body-temperature 4.0"));
        yield return ("omh acceleration", Topics.OpenMHealth("patient-002"), ContractExample("#### Acceleration: `wearable-edge:acceleration:1.0`"));
        yield return ("fhir Observation", Topics.Fhir("patient-002"), ContractExample("#### FHIR R4 Observation"));
        yield return ("fhir Bundle", Topics.Fhir("patient-002"), ContractExample("#### FHIR R4 Bundle"));
    }

    /// <summary>The first ```json block under <paramref name="heading"/> in docs/contract.md.</summary>
    private static string ContractExample(string heading)
    {
        var directory = new DirectoryInfo(AppContext.BaseDirectory);
        while (directory is not null && !File.Exists(Path.Combine(directory.FullName, "WearableEdge.sln")))
        {
            directory = directory.Parent;
        }

        var lines = File.ReadAllLines(Path.Combine(
            directory?.FullName ?? throw new InvalidOperationException("WearableEdge.sln not found above the benchmark."), "docs", "contract.md"));
        var at = Array.IndexOf(lines, heading);
        var open = Array.FindIndex(lines, at + 1, l => l.Trim() == "```json");
        var close = Array.FindIndex(lines, open + 1, l => l.Trim() == "```");
        if (at < 0 || open < 0 || close < 0)
        {
            throw new InvalidOperationException($"No JSON example under '{heading}' in docs/contract.md.");
        }

        return string.Join('\n', lines[(open + 1)..close]);
    }

    private static string VitalsBatch(DateTimeOffset t0, int count)
    {
        var text = new StringBuilder("""{"schemaVersion":1,"deviceId":"watch-42","samples":[""");
        for (var i = 0; i < count; i++)
        {
            text.Append(CultureInfo.InvariantCulture,
                $$"""{{(i > 0 ? "," : "")}}{"ts":"{{t0.AddSeconds(i):yyyy-MM-ddTHH:mm:ssZ}}","heartRate":{{72 + (i % 5)}},"spO2":97,"respirationRate":16,"temperatureC":36.9}""");
        }

        return text.Append("]}").ToString();
    }

    private static string MotionBatch(DateTimeOffset t0, int count)
    {
        var axis = string.Join(",", Enumerable.Range(0, count).Select(i => (0.01 * (i % 7)).ToString("0.00", CultureInfo.InvariantCulture)));
        var z = string.Join(",", Enumerable.Range(0, count).Select(i => (1 + (0.01 * (i % 3))).ToString("0.00", CultureInfo.InvariantCulture)));
        return $$"""{"schemaVersion":1,"deviceId":"watch-42","ts":"{{t0:yyyy-MM-ddTHH:mm:ssZ}}","sampleRateHz":{{Math.Max(25, count / 2)}},"x":[{{axis}}],"y":[{{axis}}],"z":[{{z}}]}""";
    }
}

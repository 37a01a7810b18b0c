using System.Diagnostics;
using System.Globalization;
using WearableEdge.EdgeService.Scoring.Models;

namespace WearableEdge.Benchmarks;

/// <summary>
/// Inference figures of each model as the service runs it (<see cref="LoadedModel.Score"/>: one
/// session, IntraOpNumThreads = 1, preallocated OrtValues): load time; latency per row for single
/// rows and for batches of 64, p50 and p99 over many calls; managed bytes allocated per call
/// (ONNX Runtime's native allocations are not counted); the occlusion explanation of one row.
/// </summary>
internal static class ModelBenchmark
{
    private const int Batch = 64;

    public static int Run(string[] args)
    {
        var root = StringArgument(args, "--models") ?? Path.Combine(AppContext.BaseDirectory, "models");
        var calls = IntArgument(args, "--calls", 20_000);
        Console.WriteLine(string.Create(CultureInfo.InvariantCulture, $"machine: {Environment.ProcessorCount} cores, {Environment.OSVersion}, .NET {Environment.Version}, {System.Runtime.InteropServices.RuntimeInformation.ProcessArchitecture}"));
        Console.WriteLine($"models: {root}");
        if (!Directory.Exists(root))
        {
            Console.WriteLine("no models folder: nothing to measure");
            return 1;
        }

        var found = 0;
        foreach (var modelDirectory in Directory.EnumerateDirectories(root).Order(StringComparer.Ordinal))
        {
            foreach (var versionDirectory in Directory.EnumerateDirectories(modelDirectory).Order(StringComparer.Ordinal))
            {
                Measure(versionDirectory, calls);
                found++;
            }
        }

        if (found == 0)
        {
            Console.WriteLine("no model in the folder: nothing to measure");
        }

        return found == 0 ? 1 : 0;
    }

    private static void Measure(string directory, int calls)
    {
        var time = TimeProvider.System;
        var loads = new List<double>();
        for (var i = 0; i < 5; i++)
        {
            var started = Stopwatch.GetTimestamp();
            using var loaded = ModelLoader.Load(directory, Batch, time);
            loads.Add(Stopwatch.GetElapsedTime(started).TotalMilliseconds);
        }

        using var model = ModelLoader.Load(directory, Batch, time);
        var width = model.Features.Count;
        var random = new Random(1);
        var rows = new float[Batch * width];
        for (var i = 0; i < rows.Length; i++)
        {
            var reference = model.References[i % width];
            rows[i] = reference + ((Math.Abs(reference) + 1) * 0.3f * (float)((random.NextDouble() * 2) - 1));
        }

        var one = new ModelProbability[1];
        var many = new ModelProbability[Batch];
        var single = Time(calls, k => model.Score(rows.AsSpan((k % Batch) * width, width), one));
        var singleBytes = Allocated(1_000, k => model.Score(rows.AsSpan((k % Batch) * width, width), one));
        var batched = Time(Math.Max(100, calls / 10), _ => model.Score(rows, many));
        var batchedBytes = Allocated(100, _ => model.Score(rows, many));
        var explain = Time(Math.Max(100, calls / 20), k => ModelExplainer.TopContributors(model, rows.AsSpan((k % Batch) * width, width), many[k % Batch]));

        Console.WriteLine(string.Create(CultureInfo.InvariantCulture, $"{model.Id} {model.Version}: {width} features, {model.Manifest.Uncertainty.Members} members, onnx {new FileInfo(Path.Combine(directory, "model.onnx")).Length / 1024.0:0} KiB"));
        Console.WriteLine(string.Create(CultureInfo.InvariantCulture, $"  load (hash + checks + session): median {Percentile(loads, 0.5):0.0} ms, max {loads.Max():0.0} ms (5 loads)"));
        Console.WriteLine(string.Create(CultureInfo.InvariantCulture, $"  single row:    p50 {Percentile(single, 0.5):0.0} µs/row, p99 {Percentile(single, 0.99):0.0} µs/row ({single.Count:N0} calls); {singleBytes:N0} B allocated per call"));
        Console.WriteLine(string.Create(CultureInfo.InvariantCulture, $"  batch of {Batch}:   p50 {Percentile(batched, 0.5) / Batch:0.00} µs/row, p99 {Percentile(batched, 0.99) / Batch:0.00} µs/row (p50 {Percentile(batched, 0.5):0} µs/call, {batched.Count:N0} calls); {batchedBytes:N0} B allocated per call"));
        Console.WriteLine(string.Create(CultureInfo.InvariantCulture, $"  explanation (occlusion, 1 batch of ≤ {width} rows): p50 {Percentile(explain, 0.5):0} µs, p99 {Percentile(explain, 0.99):0} µs"));
    }

    /// <summary>Microseconds per call, after a warm-up of a tenth of the calls.</summary>
    private static List<double> Time(int calls, Action<int> call)
    {
        for (var k = 0; k < Math.Max(10, calls / 10); k++)
        {
            call(k);
        }

        var micros = new List<double>(calls);
        for (var k = 0; k < calls; k++)
        {
            var started = Stopwatch.GetTimestamp();
            call(k);
            micros.Add(Stopwatch.GetElapsedTime(started).TotalMicroseconds);
        }

        return micros;
    }

    private static long Allocated(int calls, Action<int> call)
    {
        call(0);
        var before = GC.GetAllocatedBytesForCurrentThread();
        for (var k = 0; k < calls; k++)
        {
            call(k);
        }

        return (GC.GetAllocatedBytesForCurrentThread() - before) / calls;
    }

    private static double Percentile(List<double> values, double quantile)
    {
        var sorted = values.Order().ToList();
        return sorted[Math.Min(sorted.Count - 1, (int)Math.Ceiling(quantile * sorted.Count) - 1)];
    }

    private static string? StringArgument(string[] args, string name)
    {
        var index = Array.IndexOf(args, name);
        return index >= 0 && index + 1 < args.Length ? args[index + 1] : null;
    }

    private static int IntArgument(string[] args, string name, int fallback) =>
        StringArgument(args, name) is { } value ? int.Parse(value, CultureInfo.InvariantCulture) : fallback;
}

using System.Diagnostics;
using System.Globalization;
using System.Net;
using System.Net.Sockets;
using System.Text.Json;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging.Abstractions;
using Microsoft.Extensions.Options;
using WearableEdge.Contracts;
using WearableEdge.EdgeService;
using WearableEdge.EdgeService.Storage;
using WearableEdge.EdgeService.Sync;

// Store and sync benchmarks. Prints one line per figure.
//   dotnet run -c Release --project tests/WearableEdge.Benchmarks -- [--backlog 100000] [--batch 500]
// Model inference benchmark (every shipped model, or those under --models <folder>):
//   dotnet run -c Release --project tests/WearableEdge.Benchmarks -- models [--models <folder>] [--calls 20000]
// Decode cost per message and format (ns, bytes allocated):
//   dotnet run -c Release --project tests/WearableEdge.Benchmarks -- decode [--messages 200000]
if (args is ["models", ..])
{
    return WearableEdge.Benchmarks.ModelBenchmark.Run(args);
}

if (args is ["decode", ..])
{
    return WearableEdge.Benchmarks.DecodeBenchmark.Run(args);
}

// End-to-end: real Mosquitto, N simulated patients, bare/raw subscribers and the service (`e2e --help`).
// `e2e-load` and `e2e-consume` are its child processes.
if (args is ["e2e", ..])
{
    return await WearableEdge.Benchmarks.EndToEnd.EndToEndBenchmark.RunAsync(args);
}

if (args is ["e2e-load", ..])
{
    return await WearableEdge.Benchmarks.EndToEnd.LoadGenerator.RunAsync(args);
}

if (args is ["e2e-consume", ..])
{
    return await WearableEdge.Benchmarks.EndToEnd.ConsumerHost.RunAsync(args);
}

var backlog = IntArgument(args, "--backlog", 100_000);
var batchSize = IntArgument(args, "--batch", 500);
var folder = Directory.CreateTempSubdirectory("wearable-edge-bench-").FullName;
Console.WriteLine(string.Create(CultureInfo.InvariantCulture, $"machine: {Environment.ProcessorCount} cores, {Environment.OSVersion}, .NET {Environment.Version}"));
Console.WriteLine($"store: SQLite WAL, synchronous=FULL, in {folder}");

try
{
    await StoreBenchmarks(Path.Combine(folder, "store"));
    await SyncBenchmark(Path.Combine(folder, "sync"), backlog, batchSize);
}
finally
{
    Microsoft.Data.Sqlite.SqliteConnection.ClearAllPools();
    Directory.Delete(folder, recursive: true);
}

return 0;

static async Task StoreBenchmarks(string dataDirectory)
{
    var database = await OpenAsync(dataDirectory);
    var alerts = new AlertStore(database, [], new OutboxSignal(), TimeProvider.System);

    // Alerts: one durable transaction each, as the service commits them.
    const int AlertCount = 2_000;
    var start = Stopwatch.GetTimestamp();
    for (var i = 0; i < AlertCount; i++)
    {
        await alerts.RecordAsync(new AlertTransition(Alert(i), AlertTransition.Raised, Alert(i).RaisedAt));
    }

    Report("store: alerts (1 transaction each)", AlertCount, Stopwatch.GetElapsedTime(start), "alerts");

    // Minute summaries: batches of 200, as the summary writer queues them.
    var outbox = new OutboxStore(database);
    const int SummaryCount = 20_000;
    start = Stopwatch.GetTimestamp();
    for (var i = 0; i < SummaryCount; i += 200)
    {
        await outbox.AddSummariesAsync("bench", [.. Enumerable.Range(i, 200).Select(Summary)], 1_000_000, DateTimeOffset.UnixEpoch);
    }

    Report("store: minute summaries (batches of 200)", SummaryCount, Stopwatch.GetElapsedTime(start), "summaries");

    // Raw samples: batches of 1,000, as the raw sample writer stores them.
    var samples = new SampleStore(database);
    const int SampleCount = 100_000;
    var t0 = new DateTimeOffset(2026, 1, 1, 0, 0, 0, TimeSpan.Zero);
    start = Stopwatch.GetTimestamp();
    for (var i = 0; i < SampleCount; i += 1_000)
    {
        var batch = Enumerable.Range(i, 1_000)
            .Select(n => new WearableEdge.Clinical.Samples.WearableSample(
                $"patient-{n % 30:000}", "dev", t0.AddSeconds(n / 30), new(72, 97, 14, 36.8, null)))
            .ToList();
        await samples.AppendAsync(batch, t0);
    }

    Report("store: raw samples (batches of 1,000)", SampleCount, Stopwatch.GetElapsedTime(start), "samples");
}

static async Task SyncBenchmark(string dataDirectory, int backlog, int batchSize)
{
    await using var victoriaMetrics = await VictoriaMetrics.StartAsync(Path.Combine(dataDirectory, "vm"));
    var database = await OpenAsync(dataDirectory);
    var outbox = new OutboxStore(database);
    var t0 = new DateTimeOffset(2026, 1, 1, 0, 0, 0, TimeSpan.Zero);
    for (var i = 0; i < backlog; i += 1_000)
    {
        await outbox.AddSummariesAsync(
            TimeSeriesTarget.TargetName,
            [.. Enumerable.Range(i, Math.Min(1_000, backlog - i)).Select(n => new OutboxSummary(t0.AddMinutes(n / 50), SummaryJson(n, t0)))],
            int.MaxValue,
            t0);
    }

    var key = "benchmark-site-key-0123456789"u8.ToArray();
    var target = new TimeSeriesTarget(
        Options.Create(new SyncOptions { Url = victoriaMetrics.BaseUri.ToString(), BatchSize = batchSize }), new PatientPseudonymizer(key));
    using var services = new ServiceCollection().AddMetrics().BuildServiceProvider();
    using var metrics = new EdgeMetrics(services.GetRequiredService<System.Diagnostics.Metrics.IMeterFactory>());
    var dispatcher = new OutboxDispatcher(
        target,
        new OutboxDispatchSettings(batchSize, TimeSpan.FromMilliseconds(100), TimeSpan.FromMilliseconds(200), TimeSpan.FromSeconds(5)),
        outbox,
        new OutboxSignal(),
        metrics,
        TimeProvider.System,
        NullLogger<OutboxDispatcher>.Instance);

    var start = Stopwatch.GetTimestamp();
    await dispatcher.StartAsync(CancellationToken.None);
    while ((await outbox.BacklogAsync(TimeSeriesTarget.TargetName)) is { Pending: > 0 } or { InFlight: > 0 })
    {
        await Task.Delay(50);
    }

    var drain = Stopwatch.GetElapsedTime(start);
    await dispatcher.StopAsync(CancellationToken.None);
    Report($"sync: drain a backlog of {backlog:N0} minute summaries to VictoriaMetrics (batch {batchSize}, gzip)", backlog, drain, "points");

    var stored = await victoriaMetrics.CountPointsAsync("vitals_1m_coverage");
    Console.WriteLine(string.Create(CultureInfo.InvariantCulture, $"sync: points in VictoriaMetrics afterwards: {stored:N0} (expected {backlog:N0}){(stored == backlog ? "" : "  MISMATCH")}"));
    target.Dispose();
}

static async Task<EdgeDatabase> OpenAsync(string dataDirectory)
{
    var database = new EdgeDatabase(Options.Create(new StorageOptions { DataDirectory = dataDirectory }));
    Directory.CreateDirectory(dataDirectory);
    await database.MigrateAsync();
    return database;
}

static AlertMessage Alert(int i)
{
    var at = new DateTimeOffset(2026, 1, 1, 0, 0, 0, TimeSpan.Zero).AddSeconds(i);
    return new AlertMessage
    {
        SchemaVersion = 1, Id = $"al-bench-{i:000000}", PatientId = $"patient-{i % 30:000}", Type = "news2", Priority = "medium",
        Status = "active", RaisedAt = at, StoredAt = at, Score = 5, Reason = "benchmark", RuleId = "news2-band", RuleVersion = "1.0.0",
        ScoreSourceKind = "rule", ScoreSourceId = "news2-wearable", ScoreSourceVersion = "bench", Completeness = 1, NotAssessed = [],
        WindowStart = at.AddMinutes(-1), WindowEnd = at, Late = false,
        Parameters = [new AlertParameter { Name = "spO2", Loinc = "59408-5", Value = 90, Unit = "%", Points = 3 }],
    };
}

static OutboxSummary Summary(int n) => new(DateTimeOffset.UnixEpoch.AddMinutes(n), SummaryJson(n, DateTimeOffset.UnixEpoch));

static string SummaryJson(int n, DateTimeOffset t0) => JsonSerializer.Serialize(new
{
    patientId = $"patient-{n % 50:000}",
    minuteStart = t0.AddMinutes(n / 50),
    coverage = 1.0,
    vitals = new Dictionary<string, object>
    {
        ["heartRate"] = new { mean = 72.5, min = 70.0, max = 75.0, coverage = 1.0 },
        ["spO2"] = new { mean = 97.1, min = 96.0, max = 98.0, coverage = 1.0 },
        ["respirationRate"] = new { mean = 14.2, min = 13.0, max = 16.0, coverage = 1.0 },
        ["temperature"] = new { mean = 36.8, min = 36.7, max = 36.9, coverage = 1.0 },
    },
});

static void Report(string what, int count, TimeSpan elapsed, string unit) =>
    Console.WriteLine(string.Create(CultureInfo.InvariantCulture, $"{what}: {count:N0} {unit} in {elapsed.TotalSeconds:0.00} s = {count / elapsed.TotalSeconds:N0} {unit}/s"));

static int IntArgument(string[] args, string name, int fallback)
{
    var index = Array.IndexOf(args, name);
    return index >= 0 && index + 1 < args.Length ? int.Parse(args[index + 1], CultureInfo.InvariantCulture) : fallback;
}

/// <summary>VictoriaMetrics from Debian's package, on a free loopback port, for the sync benchmark.</summary>
internal sealed class VictoriaMetrics : IAsyncDisposable
{
    private readonly Process _process;
    private readonly HttpClient _http = new();

    private VictoriaMetrics(Process process, Uri baseUri)
    {
        _process = process;
        BaseUri = baseUri;
    }

    public Uri BaseUri { get; }

    public static async Task<VictoriaMetrics> StartAsync(string dataDirectory)
    {
        using var probe = new TcpListener(IPAddress.Loopback, 0);
        probe.Start();
        var port = ((IPEndPoint)probe.LocalEndpoint).Port;
        probe.Stop();
        var binary = File.Exists("/usr/bin/victoria-metrics") ? "/usr/bin/victoria-metrics" : "victoria-metrics";
        var start = new ProcessStartInfo(binary) { RedirectStandardOutput = true, RedirectStandardError = true };
        start.ArgumentList.Add($"-httpListenAddr=127.0.0.1:{port}");
        start.ArgumentList.Add($"-storageDataPath={dataDirectory}");
        start.ArgumentList.Add("-search.latencyOffset=0s");
        start.ArgumentList.Add("-retentionPeriod=100y");
        var process = Process.Start(start) ?? throw new InvalidOperationException("victoria-metrics did not start; run ./tests/run.sh once or apt-get install victoria-metrics");
        process.OutputDataReceived += (_, _) => { };
        process.ErrorDataReceived += (_, _) => { };
        process.BeginOutputReadLine();
        process.BeginErrorReadLine();
        var server = new VictoriaMetrics(process, new Uri($"http://127.0.0.1:{port}/"));
        for (var i = 0; i < 100; i++)
        {
            try
            {
                using var health = await server._http.GetAsync(new Uri(server.BaseUri, "health"));
                if (health.IsSuccessStatusCode)
                {
                    return server;
                }
            }
            catch (HttpRequestException)
            {
            }

            await Task.Delay(100);
        }

        throw new InvalidOperationException("victoria-metrics did not answer /health within 10 s");
    }

    public async Task<long> CountPointsAsync(string metric)
    {
        await _http.GetAsync(new Uri(BaseUri, "internal/force_flush"));
        await Task.Delay(1_500);
        var export = await _http.GetStringAsync(new Uri(BaseUri, $"api/v1/export?match[]={Uri.EscapeDataString(metric)}&start=0&end=4102444800"));
        return export.Split('\n', StringSplitOptions.RemoveEmptyEntries)
            .Sum(line => (long)JsonDocument.Parse(line).RootElement.GetProperty("timestamps").GetArrayLength());
    }

    public async ValueTask DisposeAsync()
    {
        _http.Dispose();
        if (!_process.HasExited)
        {
            _process.Kill(entireProcessTree: true);
            await _process.WaitForExitAsync();
        }

        _process.Dispose();
    }
}

using System.Buffers;
using System.Diagnostics;
using System.Globalization;
using System.Text;
using System.Threading.Channels;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging.Abstractions;
using Microsoft.Extensions.Options;
using WearableEdge.Clinical.Samples;
using WearableEdge.Contracts;
using WearableEdge.EdgeService;
using WearableEdge.EdgeService.Api;
using WearableEdge.EdgeService.Devices;
using WearableEdge.EdgeService.Ingest;
using WearableEdge.EdgeService.Scoring;
using WearableEdge.EdgeService.Storage;

namespace WearableEdge.Benchmarks;

/// <summary>
/// The whole ingest handler on one message (decode, counters, per-patient counts, queue writes,
/// dead letter and its base64 copy; raw-sample storage off), queues drained in the loop: what one
/// MQTT message costs before the feature stage. Printed after the decode lines of <c>-- decode</c>.
/// </summary>
internal static class IngestHandlerBenchmark
{
    public static void Run(int runs, IEnumerable<(string Name, string Topic, string Json)> cases)
    {
        using var services = new ServiceCollection().AddMetrics().BuildServiceProvider();
        using var metrics = new EdgeMetrics(services.GetRequiredService<System.Diagnostics.Metrics.IMeterFactory>());
        var samples = Channel.CreateUnbounded<WearableSample>();
        var modelInputs = Channel.CreateUnbounded<ModelInput>();
        var handler = new MqttIngestHandler(
            samples.Writer, modelInputs.Writer, new DeadLetterQueue(metrics),
            new RawSampleQueue(Options.Create(new StorageOptions { StoreRawSamples = false }), metrics),
            new PatientBoard(),
            new DeviceGate(
                new DeviceRegistry(new EdgeDatabase(Options.Create(new StorageOptions { DataDirectory = Path.Combine(Path.GetTempPath(), "wearable-edge-bench-unused") })), TimeProvider.System),
                Options.Create(new DeviceOptions()),
                metrics,
                TimeProvider.System),
            metrics, TimeProvider.System, new RunningLifetime(),
            Options.Create(new PayloadLimitOptions()), NullLogger<MqttIngestHandler>.Instance);
        foreach (var (name, topic, json) in cases)
        {
            var payload = new ReadOnlySequence<byte>(Encoding.UTF8.GetBytes(json));
            var n = Math.Max(1, (int)Math.Min(runs, 20_000_000L / Math.Max(1, payload.Length)));
            var warm = Stopwatch.GetTimestamp();
            for (var i = 0; i < 1_000 || Stopwatch.GetElapsedTime(warm) < TimeSpan.FromSeconds(1); i++)
            {
                handler.HandleAsync(topic, payload).GetAwaiter().GetResult();
                Drain();
            }

            var allocated = GC.GetAllocatedBytesForCurrentThread();
            var start = Stopwatch.GetTimestamp();
            for (var i = 0; i < n; i++)
            {
                handler.HandleAsync(topic, payload).GetAwaiter().GetResult();
                Drain();
            }

            var elapsed = Stopwatch.GetElapsedTime(start);
            allocated = GC.GetAllocatedBytesForCurrentThread() - allocated;
            Console.WriteLine(string.Create(
                CultureInfo.InvariantCulture,
                $"handler: {name} | {payload.Length:N0} | {elapsed.TotalNanoseconds / n:N0} | {allocated / n:N0} | ({n:N0} messages)"));
        }

        void Drain()
        {
            while (samples.Reader.TryRead(out _) || modelInputs.Reader.TryRead(out _))
            {
            }
        }
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

using System.Globalization;
using System.Threading.Channels;
using Microsoft.AspNetCore.Builder;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Options;
using MQTTnet;
using MQTTnet.Formatter;
using MQTTnet.Protocol;
using WearableEdge.Clinical.Features;
using WearableEdge.Clinical.Samples;
using WearableEdge.Contracts;
using WearableEdge.EdgeService;
using WearableEdge.EdgeService.Features;
using WearableEdge.EdgeService.Ingest;
using WearableEdge.EdgeService.Scoring;
using WearableEdge.EdgeService.Storage;

namespace WearableEdge.Benchmarks.EndToEnd;

/// <summary>
/// One consumer in its own process (hidden verb <c>e2e-consume --kind bare|raw|service</c>), so
/// its CPU time and resident memory are its own:
/// <list type="bullet">
/// <item><c>bare</c>: an MQTTnet 5 client subscribed as the service subscribes (MQTT 5, QoS 1,
/// <c>wearables/+/+</c>, 1 MiB socket buffer) whose handler only counts: the most any MQTTnet
/// client can receive.</item>
/// <item><c>raw</c>: <see cref="RawMqttSubscriber"/>, the broker's delivery rate with no client work.</item>
/// <item><c>service</c>: the edge service, built by <see cref="EdgeServiceHost.Build"/> as Program
/// builds it, against the benchmark's broker, with a temporary data folder and no time-series sync.</item>
/// </list>
/// </summary>
internal static class ConsumerHost
{
    public static async Task<int> RunAsync(string[] args)
    {
        var arguments = new BenchmarkArguments(args);
        var port = arguments.Int("--broker-port", 1883);
        var stop = ChildProtocol.StopToken();
        switch (arguments.String("--kind"))
        {
            case "bare":
                await RunBareAsync(port, stop).ConfigureAwait(false);
                return 0;
            case "raw":
                await RunRawAsync(port, stop).ConfigureAwait(false);
                return 0;
            case "service":
                await RunServiceAsync(port, arguments.String("--data") ?? throw new ArgumentException("--data is required"), arguments, stop).ConfigureAwait(false);
                return 0;
            default:
                await Console.Error.WriteLineAsync("--kind bare|raw|service").ConfigureAwait(false);
                return 2;
        }
    }

    private static async Task RunBareAsync(int port, CancellationToken stop)
    {
        long messages = 0;
        long vitals = 0;
        using var client = new MqttClientFactory().CreateMqttClient();
        client.ApplicationMessageReceivedAsync += e =>
        {
            messages++;
            if (e.ApplicationMessage.Topic.EndsWith('s'))
            {
                vitals++;
            }

            return Task.CompletedTask;
        };
        var options = new MqttClientOptionsBuilder()
            .WithTcpServer("127.0.0.1", port)
            .WithProtocolVersion(MqttProtocolVersion.V500)
            .WithClientId($"e2e-bare-{Environment.ProcessId}")
            .WithCleanStart(true)
            .WithKeepAlivePeriod(TimeSpan.FromSeconds(15))
            .Build();
        ((MqttClientTcpOptions)options.ChannelOptions).BufferSize = 1024 * 1024;
        await client.ConnectAsync(options, stop).ConfigureAwait(false);
        await client.SubscribeAsync(
            new MqttClientSubscribeOptionsBuilder().WithTopicFilter(Topics.AllWearableStreams, MqttQualityOfServiceLevel.AtLeastOnce).Build(), stop).ConfigureAwait(false);
        ChildProtocol.Ready();
        await ReportAsync(() => new() { ["messages"] = Interlocked.Read(ref messages), ["vitals"] = Interlocked.Read(ref vitals) }, stop).ConfigureAwait(false);
        if (client.IsConnected)
        {
            await client.DisconnectAsync().ConfigureAwait(false);
        }
    }

    private static async Task RunRawAsync(int port, CancellationToken stop)
    {
        using var subscriber = new RawMqttSubscriber();
        await subscriber.ConnectAsync(port, $"e2e-raw-{Environment.ProcessId}", Topics.AllWearableStreams, stop).ConfigureAwait(false);
        var reading = Task.Run(() => subscriber.RunAsync(stop), CancellationToken.None);
        ChildProtocol.Ready();
        await ReportAsync(() => new() { ["messages"] = subscriber.Messages, ["vitals"] = subscriber.Vitals }, stop).ConfigureAwait(false);
        await reading.ConfigureAwait(false);
    }

    private static async Task RunServiceAsync(int port, string dataDirectory, BenchmarkArguments arguments, CancellationToken stop)
    {
        var args = new List<string>
        {
            "--urls=http://127.0.0.1:0",
            $"--Mqtt:BrokerUrl=mqtt://127.0.0.1:{port.ToString(CultureInfo.InvariantCulture)}",
            $"--Mqtt:ClientId=e2e-service-{Environment.ProcessId}",
            // The session ends with the connection: the next run must not inherit this one's queue.
            "--Mqtt:SessionExpiry=00:00:00",
            $"--Storage:DataDirectory={dataDirectory}",
            "--Logging:LogLevel:Default=Warning",
            // Device times are the generator's wall clock; a generous bound only guards against a slow start.
            $"--Ingest:MaxClockSkew={arguments.String("--max-clock-skew") ?? "00:10:00"}",
        };
        foreach (var extra in (arguments.String("--service-args") ?? "").Split(' ', StringSplitOptions.RemoveEmptyEntries))
        {
            args.Add(extra);
        }

        var app = EdgeServiceHost.Build([.. args]);
        EdgeServiceHost.ValidateConfiguration(app);
        await app.StartAsync(stop).ConfigureAwait(false);
        var services = app.Services;
        var gateway = services.GetRequiredService<MqttGatewayClient>();
        while (!gateway.IsConnected)
        {
            await Task.Delay(20, stop).ConfigureAwait(false);
        }

        var metrics = services.GetRequiredService<EdgeMetrics>();
        var ingest = services.GetRequiredService<Channel<WearableSample>>().Reader;
        var windows = services.GetRequiredService<Channel<FeatureVector>>().Reader;
        var scored = services.GetRequiredService<Channel<ScoredWindow>>().Reader;
        var modelInputs = services.GetRequiredService<Channel<ModelInput>>().Reader;
        var modelScores = services.GetRequiredService<Channel<ModelScore>>().Reader;
        var raw = services.GetRequiredService<RawSampleQueue>().Reader;
        var capacities = new Dictionary<string, object>
        {
            ["capIngest"] = services.GetRequiredService<IOptions<MqttOptions>>().Value.IngestQueueCapacity,
            ["capWindows"] = services.GetRequiredService<IOptions<FeatureOptions>>().Value.QueueCapacity,
            ["capScored"] = services.GetRequiredService<IOptions<WearableEdge.EdgeService.Alerts.AlertOptions>>().Value.QueueCapacity,
            ["capModelInputs"] = services.GetRequiredService<IOptions<WearableEdge.EdgeService.Scoring.Models.ModelOptions>>().Value.QueueCapacity,
            ["capModelScores"] = services.GetRequiredService<IOptions<WearableEdge.EdgeService.Alerts.AlertOptions>>().Value.QueueCapacity,
            ["capRawSamples"] = services.GetRequiredService<IOptions<StorageOptions>>().Value.RawQueueCapacity,
        };
        ChildProtocol.Ready();
        try
        {
            await ReportAsync(() =>
            {
                var accepted = metrics.Family("messages_accepted");
                var rejected = metrics.Family("messages_rejected");
                var stats = new Dictionary<string, object>
                {
                    ["messages"] = accepted.Values.Sum() + rejected.Values.Sum(),
                    ["vitals"] = accepted.GetValueOrDefault(Topics.VitalsStream),
                    ["motion"] = accepted.GetValueOrDefault(Topics.MotionStream),
                    ["rejected"] = rejected.Values.Sum(),
                    ["alertTransitions"] = metrics.Family("alert_transitions").Values.Sum(),
                    ["queueIngest"] = ingest.Count,
                    ["queueWindows"] = windows.Count,
                    ["queueScored"] = scored.Count,
                    ["queueModelInputs"] = modelInputs.Count,
                    ["queueModelScores"] = modelScores.Count,
                    ["queueRawSamples"] = raw?.Count ?? 0,
                    ["managedHeapBytes"] = GC.GetGCMemoryInfo().HeapSizeBytes,
                    ["connected"] = gateway.IsConnected ? 1 : 0,
                };
                foreach (var (key, value) in capacities)
                {
                    stats[key] = value;
                }

                foreach (var (outcome, count) in metrics.Family("samples"))
                {
                    stats["samples:" + outcome] = count;
                }

                foreach (var (outcome, count) in metrics.Family("motion_batches"))
                {
                    stats["motionBatches:" + outcome] = count;
                }

                foreach (var (reason, count) in rejected)
                {
                    stats["rejected:" + reason] = count;
                }

                return stats;
            }, stop).ConfigureAwait(false);
        }
        finally
        {
            using var grace = new CancellationTokenSource(TimeSpan.FromSeconds(10));
            await app.StopAsync(grace.Token).ConfigureAwait(false);
            await app.DisposeAsync().ConfigureAwait(false);
        }
    }

    private static async Task ReportAsync(Func<Dictionary<string, object>> stats, CancellationToken stop)
    {
        using var timer = new PeriodicTimer(TimeSpan.FromSeconds(1));
        try
        {
            do
            {
                ChildProtocol.WriteStats(stats());
            }
            while (await timer.WaitForNextTickAsync(stop).ConfigureAwait(false));
        }
        catch (OperationCanceledException) when (stop.IsCancellationRequested)
        {
        }
    }
}

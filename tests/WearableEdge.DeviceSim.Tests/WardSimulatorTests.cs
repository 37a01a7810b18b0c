using System.Buffers;
using System.Net;
using System.Net.Sockets;
using System.Text.Json;
using Microsoft.Extensions.Time.Testing;
using MQTTnet.Server;
using WearableEdge.Contracts;
using WearableEdge.DeviceSim.Generation;

namespace WearableEdge.DeviceSim.Tests;

public sealed class WardSimulatorTests
{
    private static int VitalsSampleCount(IEnumerable<OutgoingMessage> messages) =>
        messages
            .Where(m => m.Topic.EndsWith("/vitals", StringComparison.Ordinal))
            .Sum(m => JsonSerializer.Deserialize(m.Payload, ContractJsonContext.Default.VitalsBatch)!.Samples.Count);

    [Fact]
    public async Task RunAsync_Speed60OneWallSecond_Publishes60SecondsOfVitals()
    {
        var time = new FakeTimeProvider(TestWard.Start);
        var sink = new RecordingSink();
        var options = TestWard.Options(patients: 1) with { Speed = 60, DeviceStart = null };
        var simulator = new WardSimulator(options, time, (_, _) => sink);
        using var stop = new CancellationTokenSource();

        var run = simulator.RunAsync(stop.Token);
        time.Advance(TimeSpan.FromSeconds(1));
        await sink.WaitUntil(m => VitalsSampleCount(m) >= 60);

        var vitals = TestWard.Vitals(sink.Messages, "patient-001");
        Assert.Equal(60, vitals.Count);
        Assert.Equal(TestWard.Start, simulator.DeviceStart);
        Assert.Equal(TestWard.Start + TimeSpan.FromSeconds(59), vitals[^1].Ts);
        Assert.Equal(120, sink.Messages.Count(m => m.Topic == Topics.Motion("patient-001")));
        await stop.CancelAsync();
        await Assert.ThrowsAnyAsync<OperationCanceledException>(() => run);
    }

    [Fact]
    public async Task RunAsync_Cancelled_ThrowsAndDisposesSink()
    {
        var time = new FakeTimeProvider(TestWard.Start);
        var sink = new RecordingSink();
        var simulator = new WardSimulator(TestWard.Options(patients: 2), time, (_, _) => sink);
        using var stop = new CancellationTokenSource();

        var run = simulator.RunAsync(stop.Token);
        await stop.CancelAsync();

        await Assert.ThrowsAnyAsync<OperationCanceledException>(() => run.WaitAsync(TimeSpan.FromSeconds(10), TestContext.Current.CancellationToken));
        Assert.True(sink.Connected);
        Assert.True(sink.Disposed);
    }

    [Fact]
    public async Task RunAsync_DurationReached_CompletesWithTheGeneratorsSequenceAndGroundTruth()
    {
        var groundTruth = Path.Combine(Path.GetTempPath(), $"ground-truth-{Guid.NewGuid():N}.jsonl");
        try
        {
            var time = new SteppedTimeProvider(TestWard.Start);
            var sink = new RecordingSink();
            var options = TestWard.Options(patients: 8) with
            {
                Events = Scenarios.Demo,
                Speed = 600,
                Duration = TimeSpan.FromMinutes(2),
                GroundTruthPath = groundTruth,
            };
            string[]? linesAtConnect = null;
            var simulator = new WardSimulator(options, time, (_, _) =>
            {
                linesAtConnect = File.ReadAllLines(groundTruth);
                return sink;
            });

            await time.AdvanceUntilDone(simulator.RunAsync(TestContext.Current.CancellationToken), TimeSpan.FromMilliseconds(100));

            var expected = TestWard.Generate(options, TimeSpan.FromMinutes(2));
            Assert.Equal(expected.Select(m => m.Topic), sink.Messages.Select(m => m.Topic));
            Assert.Equal(expected.Select(m => Convert.ToBase64String(m.Payload)), sink.Messages.Select(m => Convert.ToBase64String(m.Payload)));
            Assert.Equal(expected.Count, simulator.MessagesPublished);
            Assert.True(sink.Disposed);
            Assert.Equal(8 + 3, linesAtConnect!.Length);
            Assert.Equal(
                """{"patientId":"patient-001","deviceId":"dev-001","event":"monitored","onset":"2025-03-01T08:00:00+00:00","end":"2025-03-01T08:02:00+00:00","seed":42,"source":"scenario"}""",
                linesAtConnect[0]);
            Assert.All(linesAtConnect.Take(8).Select((line, i) => (line, i)), p =>
                Assert.StartsWith($$"""{"patientId":"patient-00{{p.i + 1}}","deviceId":"dev-00{{p.i + 1}}","event":"monitored",""", p.line, StringComparison.Ordinal));
            Assert.Equal(
                """{"patientId":"patient-002","deviceId":"dev-002","event":"desaturation","onset":"2025-03-01T08:00:15+00:00","end":"2025-03-01T08:04:15+00:00","seed":42,"source":"scenario"}""",
                linesAtConnect[8]);
            Assert.Equal(
                """{"patientId":"patient-005","deviceId":"dev-005","event":"deterioration","onset":"2025-03-01T08:00:20+00:00","end":"2025-03-01T08:30:20+00:00","seed":42,"source":"scenario"}""",
                linesAtConnect[9]);
            Assert.Equal(
                """{"patientId":"patient-003","deviceId":"dev-003","event":"fall","onset":"2025-03-01T08:00:40+00:00","end":"2025-03-01T08:02:40+00:00","seed":42,"source":"scenario"}""",
                linesAtConnect[10]);
        }
        finally
        {
            File.Delete(groundTruth);
        }
    }

    [Fact]
    public async Task RunAsync_TwiceOnOneInstance_Throws()
    {
        var time = new SteppedTimeProvider(TestWard.Start);
        var simulator = new WardSimulator(TestWard.Options() with { Duration = TimeSpan.FromSeconds(1), Speed = 100 }, time, (_, _) => new RecordingSink());
        var first = simulator.RunAsync(TestContext.Current.CancellationToken);

        await Assert.ThrowsAsync<InvalidOperationException>(() => simulator.RunAsync(TestContext.Current.CancellationToken));
        await time.AdvanceUntilDone(first, TimeSpan.FromMilliseconds(100));
        Assert.True(simulator.MessagesPublished > 0);
    }

    [Theory]
    [InlineData("http://127.0.0.1:1883", 8, 1.0, "Broker")]
    [InlineData("mqtt://127.0.0.1:1883", 0, 1.0, "Patients")]
    [InlineData("mqtt://127.0.0.1:1883", 8, 0.0, "Speed")]
    public void Constructor_InvalidOptions_ThrowsNamingTheOption(string broker, int patients, double speed, string named)
    {
        var options = TestWard.Options() with { Broker = new Uri(broker), Patients = patients, Speed = speed };

        var error = Assert.Throws<ArgumentException>(() => new WardSimulator(options, TimeProvider.System));

        Assert.Contains(named, error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void Constructor_EventForPatientOutsideTheWard_Throws()
    {
        var options = TestWard.Options(patients: 4) with { Events = Scenarios.Demo };

        var error = Assert.Throws<ArgumentException>(() => new WardSimulator(options, TimeProvider.System));

        Assert.Contains("patient-005", error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public async Task RunAsync_BrokerStartsAfterTheSimulator_ConnectsAndDeliversEveryMessageInOrder()
    {
        var port = FreePort();
        var options = TestWard.Options(patients: 2) with
        {
            Broker = new Uri($"mqtt://127.0.0.1:{port}"),
            Speed = 20,
            Duration = TimeSpan.FromSeconds(10),
            ClientId = "device-sim-test",
        };
        var received = new List<(string Topic, byte[] Payload)>();
        var cleanDisconnect = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        using var server = new MqttServerFactory().CreateMqttServer(
            new MqttServerOptionsBuilder().WithDefaultEndpoint().WithDefaultEndpointPort(port).Build());
        server.InterceptingPublishAsync += args =>
        {
            lock (received)
            {
                received.Add((args.ApplicationMessage.Topic, args.ApplicationMessage.Payload.ToArray()));
            }

            return Task.CompletedTask;
        };
        server.ClientDisconnectedAsync += args =>
        {
            if (args.ClientId == "device-sim-test" && args.DisconnectType == MqttClientDisconnectType.Clean)
            {
                cleanDisconnect.TrySetResult();
            }

            return Task.CompletedTask;
        };
        var simulator = new WardSimulator(options, TimeProvider.System);

        var run = simulator.RunAsync(TestContext.Current.CancellationToken);
        await server.StartAsync();
        try
        {
            await run.WaitAsync(TimeSpan.FromSeconds(30), TestContext.Current.CancellationToken);
            await cleanDisconnect.Task.WaitAsync(TimeSpan.FromSeconds(10), TestContext.Current.CancellationToken);
        }
        finally
        {
            await server.StopAsync();
        }

        var expected = TestWard.Generate(options, TimeSpan.FromSeconds(10));
        Assert.Equal(46, expected.Count);
        Assert.Equal(expected.Count, simulator.MessagesPublished);
        lock (received)
        {
            Assert.Equal(expected.Select(m => m.Topic), received.Select(m => m.Topic));
            Assert.Equal(expected.Select(m => Convert.ToBase64String(m.Payload)), received.Select(m => Convert.ToBase64String(m.Payload)));
        }
    }

    private static int FreePort()
    {
        using var listener = new TcpListener(IPAddress.Loopback, 0);
        listener.Start();
        return ((IPEndPoint)listener.LocalEndpoint).Port;
    }
}

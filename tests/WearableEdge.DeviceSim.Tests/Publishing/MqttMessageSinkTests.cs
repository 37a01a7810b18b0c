using System.Buffers;
using System.Net;
using System.Net.Sockets;
using MQTTnet.Server;
using WearableEdge.DeviceSim.Generation;
using WearableEdge.DeviceSim.Publishing;

namespace WearableEdge.DeviceSim.Tests.Publishing;

public sealed class MqttMessageSinkTests
{
    private static int FreePort()
    {
        using var listener = new TcpListener(IPAddress.Loopback, 0);
        listener.Start();
        return ((IPEndPoint)listener.LocalEndpoint).Port;
    }

    [Theory]
    [InlineData(1)]
    [InlineData(64)]
    public async Task PublishAllAsync_SixPatientsThreeConnections_TwoPatientsEachInOrder(int maxInFlight)
    {
        var port = FreePort();
        var options = TestWard.Options(patients: 6) with { Broker = new Uri($"mqtt://127.0.0.1:{port}"), ClientId = "hub", Connections = 3 };
        var received = new List<(string ClientId, string Topic, byte[] Payload)>();
        using var server = new MqttServerFactory().CreateMqttServer(new MqttServerOptionsBuilder().WithDefaultEndpoint().WithDefaultEndpointPort(port).Build());
        server.InterceptingPublishAsync += args =>
        {
            lock (received)
            {
                received.Add((args.ClientId, args.ApplicationMessage.Topic, args.ApplicationMessage.Payload.ToArray()));
            }

            return Task.CompletedTask;
        };
        await server.StartAsync();
        var messages = TestWard.Generate(options, TimeSpan.FromSeconds(30));
        try
        {
            var sink = new MqttMessageSink(options, TimeProvider.System) { MaxInFlight = maxInFlight };
            await using (sink)
            {
                Assert.Equal(3, sink.ConnectionCount);
                await sink.ConnectAsync(TestContext.Current.CancellationToken);
                await ((IMessageSink)sink).PublishAllAsync(messages, TestContext.Current.CancellationToken);
            }
        }
        finally
        {
            await server.StopAsync();
        }

        Assert.Equal(messages.Count, received.Count);
        var patientsPerClient = received
            .GroupBy(r => r.ClientId)
            .ToDictionary(g => g.Key, g => g.Select(r => r.Topic.Split('/')[1]).Distinct().Order(StringComparer.Ordinal).ToList());
        Assert.Equal(["hub-1", "hub-2", "hub-3"], patientsPerClient.Keys.Order(StringComparer.Ordinal));
        Assert.All(patientsPerClient.Values, patients => Assert.Equal(2, patients.Count));
        Assert.Equal(6, patientsPerClient.Values.SelectMany(p => p).Distinct().Count());
        foreach (var patient in Enumerable.Range(1, 6).Select(TestWard.Patient))
        {
            Assert.Equal(
                messages.Where(m => m.Topic.Contains(patient, StringComparison.Ordinal)).Select(m => Convert.ToBase64String(m.Payload)),
                received.Where(r => r.Topic.Contains(patient, StringComparison.Ordinal)).Select(r => Convert.ToBase64String(r.Payload)));
        }
    }

    [Fact]
    public async Task Constructor_MoreConnectionsThanPatients_OnePerPatient()
    {
        var sink = new MqttMessageSink(TestWard.Options(patients: 2) with { Connections = 10 }, TimeProvider.System);
        await using (sink)
        {
            Assert.Equal(2, sink.ConnectionCount);
        }
    }

    [Theory]
    [InlineData(1, 0, "sim")]
    [InlineData(4, 0, "sim-1")]
    [InlineData(4, 3, "sim-4")]
    public void ClientId_SuffixedOnlyWithSeveralConnections(int count, int index, string expected) =>
        Assert.Equal(expected, MqttMessageSink.ClientId("sim", index, count));
}

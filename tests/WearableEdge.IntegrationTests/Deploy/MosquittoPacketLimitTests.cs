using System.Collections.Concurrent;
using MQTTnet;
using MQTTnet.Formatter;
using MQTTnet.Protocol;
using WearableEdge.Contracts;
using WearableEdge.EdgeService.Ingest;
using WearableEdge.IntegrationTests.EndToEnd;
using WearableEdge.IntegrationTests.Security;
using Xunit;

namespace WearableEdge.IntegrationTests.Deploy;

/// <summary>
/// Mosquitto running the committed deploy/mosquitto/mosquitto.conf (max_packet_size): a packet far
/// above the service's payload limit never reaches the service's subscription and costs the sender
/// its connection; one between the ingest limit and the broker limit still arrives (for ingest to
/// count as payload-too-large); the broker keeps serving.
/// </summary>
public sealed class MosquittoPacketLimitTests : IAsyncLifetime
{
    private MqttSecureBroker? _broker;

    private MqttSecureBroker Broker => _broker!;

    public async ValueTask InitializeAsync() => _broker = await MqttSecureBroker.StartAsync(TestContext.Current.CancellationToken);

    public async ValueTask DisposeAsync()
    {
        if (_broker is not null)
        {
            await _broker.DisposeAsync();
        }
    }

    private async Task<IMqttClient> ConnectAsync(string user, CancellationToken cancellationToken)
    {
        Assert.True(BrokerEndpoint.TryParse(Broker.BrokerUri.ToString(), out var endpoint, out var error), error);
        var builder = new MqttClientOptionsBuilder()
            .WithTcpServer(endpoint.Host, endpoint.Port)
            .WithProtocolVersion(MqttProtocolVersion.V500)
            .WithClientId($"packet-test-{Guid.NewGuid():N}")
            .WithTimeout(TimeSpan.FromSeconds(10));
        var options = new MqttOptions { Username = user, Password = MqttSecureBroker.PasswordOf(user), CaFile = Broker.CaFile };
        var client = new MqttClientFactory().CreateMqttClient();
        var result = await client.ConnectAsync(MqttClientSecurity.Apply(builder, endpoint, options).Build(), cancellationToken);
        Assert.Equal(MqttClientConnectResultCode.Success, result.ResultCode);
        return client;
    }

    private static Task<MqttClientPublishResult> PublishAsync(IMqttClient client, int bytes, CancellationToken cancellationToken) =>
        client.PublishBinaryAsync(Topics.Vitals("patient-001"), new byte[bytes], MqttQualityOfServiceLevel.AtLeastOnce, cancellationToken: cancellationToken);

    [Fact]
    public async Task Publish_AboveMaxPacketSize_NeverReachesTheServiceAndTheBrokerKeepsServing()
    {
        var ct = TestContext.Current.CancellationToken;
        using var gateway = await ConnectAsync("wearable-edge", ct);
        var received = new ConcurrentQueue<long>();
        gateway.ApplicationMessageReceivedAsync += e =>
        {
            received.Enqueue(e.ApplicationMessage.Payload.Length);
            return Task.CompletedTask;
        };
        await gateway.SubscribeAsync("wearables/#", MqttQualityOfServiceLevel.AtLeastOnce, ct);

        using var device = await ConnectAsync("patient-001", ct);
        var between = PayloadDecoder.MaxPayloadBytes + 50_000;
        Assert.True((await PublishAsync(device, between, ct)).IsSuccess);
        await Assert.ThrowsAnyAsync<Exception>(() => PublishAsync(device, 2 * 1024 * 1024, ct));

        using var again = await ConnectAsync("patient-001", ct);
        await PublishAsync(again, 2, ct);

        await Eventually.ValueAsync(_ => Task.FromResult(received.Count), count => count >= 2, TimeSpan.FromSeconds(30), "the two packets within the limit reaching the gateway's subscription", ct);
        Assert.Equal([(long)between, 2L], received.ToArray());
        Assert.True(gateway.IsConnected);
        // Mosquitto drops a client that sends an oversize packet (the deploy config keeps connection logs off).
        Assert.False(device.IsConnected);
    }
}

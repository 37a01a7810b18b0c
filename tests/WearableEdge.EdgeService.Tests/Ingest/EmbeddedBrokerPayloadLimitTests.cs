using System.Collections.Concurrent;
using Microsoft.Extensions.Logging.Abstractions;
using Microsoft.Extensions.Options;
using MQTTnet;
using MQTTnet.Formatter;
using MQTTnet.Protocol;
using WearableEdge.EdgeService.Ingest;

namespace WearableEdge.EdgeService.Tests.Ingest;

/// <summary>
/// The embedded broker refuses payloads above <c>Mqtt:EmbeddedMaxPayloadBytes</c>: a subscriber on the
/// ingest topics (where the ingest handler sits) never sees them, the broker keeps serving, and a
/// payload between the ingest limit and the broker limit still arrives, for ingest to count it
/// <c>payload-too-large</c>.
/// </summary>
public sealed class EmbeddedBrokerPayloadLimitTests
{
    private static IMqttClient NewClient() => new MqttClientFactory().CreateMqttClient();

    private static MqttClientOptions ClientOptions(BrokerEndpoint endpoint, string id) => new MqttClientOptionsBuilder()
        .WithTcpServer(endpoint.Host, endpoint.Port)
        .WithClientId(id)
        .WithProtocolVersion(MqttProtocolVersion.V500)
        .WithTimeout(TimeSpan.FromSeconds(30))
        .Build();

    [Fact]
    public async Task Publish_AboveTheBrokerLimit_NeverReachesTheSubscriberAndTheBrokerKeepsServing()
    {
        var ct = TestContext.Current.CancellationToken;
        var options = new MqttOptions { EmbeddedPort = 0 };
        Assert.True(new MqttOptionsValidator().Validate(null, options).Succeeded);
        var endpoint = EmbeddedBroker.ResolveEndpoint(options);
        using var metrics = TestMeterFactory.NewMetrics();
        var broker = new EmbeddedBroker(endpoint, Options.Create(options), metrics, NullLogger<EmbeddedBroker>.Instance);
        await broker.StartAsync(ct);
        await using (broker)
        {
            using var subscriber = NewClient();
            var received = new ConcurrentQueue<long>();
            subscriber.ApplicationMessageReceivedAsync += e =>
            {
                received.Enqueue(e.ApplicationMessage.Payload.Length);
                return Task.CompletedTask;
            };
            await subscriber.ConnectAsync(ClientOptions(endpoint, "ingest"), ct);
            await subscriber.SubscribeAsync("wearables/#", MqttQualityOfServiceLevel.AtLeastOnce, ct);

            using var publisher = NewClient();
            await publisher.ConnectAsync(ClientOptions(endpoint, "wearable"), ct);
            var huge = new byte[2 * 1024 * 1024];
            var aboveIngestLimit = new byte[PayloadDecoder.MaxPayloadBytes + 50_000];
            var ordinary = "{}"u8.ToArray();

            var refused = await publisher.PublishBinaryAsync("wearables/p-001/vitals", huge, MqttQualityOfServiceLevel.AtLeastOnce, cancellationToken: ct);
            var between = await publisher.PublishBinaryAsync("wearables/p-001/vitals", aboveIngestLimit, MqttQualityOfServiceLevel.AtLeastOnce, cancellationToken: ct);
            var small = await publisher.PublishBinaryAsync("wearables/p-001/vitals", ordinary, MqttQualityOfServiceLevel.AtLeastOnce, cancellationToken: ct);

            await Polling.WaitUntilAsync(() => received.Count >= 2, "the two payloads within the broker limit reached the subscriber");
            Assert.Equal(MqttClientPublishReasonCode.QuotaExceeded, refused.ReasonCode);
            Assert.True(between.IsSuccess);
            Assert.True(small.IsSuccess);
            Assert.Equal([aboveIngestLimit.LongLength, ordinary.LongLength], received.ToArray());
            Assert.True(publisher.IsConnected);
            Assert.True(subscriber.IsConnected);
            Assert.Equal(1, metrics.Family("messages_rejected")[EmbeddedBroker.BrokerPayloadTooLarge]);
            await broker.StopAsync(ct);
        }
    }

    [Fact]
    public void Validator_LimitBelowADeadLetterOfTheIngestLimit_NamesTheKey()
    {
        var result = new MqttOptionsValidator().Validate(null, new MqttOptions { EmbeddedMaxPayloadBytes = PayloadDecoder.MaxPayloadBytes });

        Assert.False(result.Succeeded);
        Assert.Contains("Mqtt:EmbeddedMaxPayloadBytes", result.FailureMessage, StringComparison.Ordinal);
    }
}

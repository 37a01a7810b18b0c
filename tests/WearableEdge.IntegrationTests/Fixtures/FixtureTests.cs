using System.Globalization;
using System.Net;
using System.Text;
using System.Text.Json;
using MQTTnet;
using MQTTnet.Formatter;
using MQTTnet.Protocol;
using Xunit;

namespace WearableEdge.IntegrationTests.Fixtures;

/// <summary>Proves the real-process fixtures before other tests lean on them.</summary>
public sealed class FixtureTests(MosquittoFixture mosquitto, VictoriaMetricsFixture victoriaMetrics)
    : IClassFixture<MosquittoFixture>, IClassFixture<VictoriaMetricsFixture>
{
    private static readonly TimeSpan DeliveryTimeout = TimeSpan.FromSeconds(10);

    [Fact]
    public async Task MosquittoFixture_Qos1Message_IsDeliveredToSubscriber()
    {
        var ct = TestContext.Current.CancellationToken;
        var broker = mosquitto.Broker;
        var topic = $"fixture-tests/{Guid.NewGuid():N}";
        var received = new TaskCompletionSource<string>(TaskCreationOptions.RunContinuationsAsynchronously);

        using var subscriber = await ConnectAsync(broker, $"sub-{Guid.NewGuid():N}", cleanStart: true, ct);
        subscriber.ApplicationMessageReceivedAsync += e =>
        {
            received.TrySetResult(Encoding.UTF8.GetString(e.ApplicationMessage.Payload));
            return Task.CompletedTask;
        };
        await SubscribeAsync(subscriber, topic, ct);

        using var publisher = await ConnectAsync(broker, $"pub-{Guid.NewGuid():N}", cleanStart: true, ct);
        var publish = await PublishAsync(publisher, topic, "hello", ct);

        Assert.True(publish.IsSuccess, publish.ReasonString);
        Assert.Equal("hello", await received.Task.WaitAsync(DeliveryTimeout, ct));
    }

    [Fact]
    public async Task MosquittoRestartAsync_NewConnection_SucceedsOnSamePort()
    {
        var ct = TestContext.Current.CancellationToken;
        await using var broker = await MosquittoProcess.StartAsync(ct);
        var portBefore = broker.Port;

        await broker.RestartAsync(ct);
        using var client = await ConnectAsync(broker, $"after-restart-{Guid.NewGuid():N}", cleanStart: true, ct);

        Assert.Equal(portBefore, broker.Port);
        Assert.True(client.IsConnected, broker.Log);
    }

    [Fact]
    public async Task MosquittoRestartAsync_PersistentSession_ReceivesMessageQueuedWhileOffline()
    {
        var ct = TestContext.Current.CancellationToken;
        await using var broker = await MosquittoProcess.StartAsync(ct);
        var topic = $"fixture-tests/{Guid.NewGuid():N}";
        var clientId = $"persistent-{Guid.NewGuid():N}";

        using (var first = await ConnectAsync(broker, clientId, cleanStart: false, ct))
        {
            await SubscribeAsync(first, topic, ct);
            await first.DisconnectAsync(cancellationToken: ct);
        }

        using (var publisher = await ConnectAsync(broker, $"pub-{Guid.NewGuid():N}", cleanStart: true, ct))
        {
            var publish = await PublishAsync(publisher, topic, "queued while offline", ct);
            Assert.True(publish.IsSuccess, publish.ReasonString);
            await publisher.DisconnectAsync(cancellationToken: ct);
        }

        await broker.RestartAsync(ct);

        var received = new TaskCompletionSource<string>(TaskCreationOptions.RunContinuationsAsynchronously);
        using var resumed = new MqttClientFactory().CreateMqttClient();
        resumed.ApplicationMessageReceivedAsync += e =>
        {
            received.TrySetResult(Encoding.UTF8.GetString(e.ApplicationMessage.Payload));
            return Task.CompletedTask;
        };
        var connect = await resumed.ConnectAsync(ClientOptions(broker, clientId, cleanStart: false), ct);

        Assert.True(connect.IsSessionPresent, broker.Log);
        Assert.Equal("queued while offline", await received.Task.WaitAsync(DeliveryTimeout, ct));
    }

    [Fact]
    public async Task VictoriaMetricsExportAsync_LineProtocolPoint_ReturnsItsValue()
    {
        var ct = TestContext.Current.CancellationToken;
        var store = victoriaMetrics.Store;
        var timestampMs = TimeProvider.System.GetUtcNow().ToUnixTimeMilliseconds();

        await WriteLineProtocolAsync(store, $"fixture_probe,k=v value=42 {timestampMs.ToString(CultureInfo.InvariantCulture)}", ct);
        var export = await store.WaitForExportAsync(
            "fixture_probe_value{k=\"v\"}", e => e.Contains("42", StringComparison.Ordinal), DeliveryTimeout, ct);

        using var line = JsonDocument.Parse(export.Trim());
        var series = line.RootElement;
        Assert.Equal("fixture_probe_value", series.GetProperty("metric").GetProperty("__name__").GetString());
        Assert.Equal("v", series.GetProperty("metric").GetProperty("k").GetString());
        Assert.Equal(42.0, series.GetProperty("values")[0].GetDouble());
        Assert.Equal(timestampMs, series.GetProperty("timestamps")[0].GetInt64());
        Assert.Equal(1, await store.CountSeriesAsync("fixture_probe_value", ct));
    }

    [Fact]
    public async Task VictoriaMetricsRestartAsync_WrittenPoint_IsStillExported()
    {
        var ct = TestContext.Current.CancellationToken;
        await using var store = await VictoriaMetricsProcess.StartAsync(ct);
        var portBefore = store.Port;
        var timestampMs = TimeProvider.System.GetUtcNow().ToUnixTimeMilliseconds();
        await WriteLineProtocolAsync(store, $"fixture_restart,k=v value=7 {timestampMs.ToString(CultureInfo.InvariantCulture)}", ct);
        await store.WaitForExportAsync("fixture_restart_value", e => e.Contains("[7]", StringComparison.Ordinal), DeliveryTimeout, ct);

        await store.RestartAsync(ct);
        var export = await store.ExportAsync("fixture_restart_value", ct);

        Assert.Equal(portBefore, store.Port);
        Assert.Contains("\"values\":[7]", export, StringComparison.Ordinal);
    }

    [Fact]
    public void ResolveExecutable_MissingBinary_ThrowsWithInstallHint()
    {
        var error = Assert.Throws<FileNotFoundException>(() =>
            ChildProcess.ResolveExecutable("/nonexistent/no-such-broker", "no-such-broker", "no-such-package"));

        Assert.Contains("./tests/run.sh", error.Message, StringComparison.Ordinal);
        Assert.Contains("apt-get install no-such-package", error.Message, StringComparison.Ordinal);
    }

    private static MqttClientOptions ClientOptions(MosquittoProcess broker, string clientId, bool cleanStart) =>
        new MqttClientOptionsBuilder()
            .WithTcpServer(broker.Host, broker.Port)
            .WithClientId(clientId)
            .WithProtocolVersion(MqttProtocolVersion.V500)
            .WithCleanStart(cleanStart)
            // MQTT 5 ends a session at disconnect unless it has an expiry interval.
            .WithSessionExpiryInterval(cleanStart ? 0u : 3600u)
            .Build();

    private static async Task<IMqttClient> ConnectAsync(MosquittoProcess broker, string clientId, bool cleanStart, CancellationToken ct)
    {
        var client = new MqttClientFactory().CreateMqttClient();
        try
        {
            await client.ConnectAsync(ClientOptions(broker, clientId, cleanStart), ct);
            return client;
        }
        catch
        {
            client.Dispose();
            throw;
        }
    }

    private static Task SubscribeAsync(IMqttClient client, string topic, CancellationToken ct) =>
        client.SubscribeAsync(
            new MqttClientSubscribeOptionsBuilder()
                .WithTopicFilter(topic, MqttQualityOfServiceLevel.AtLeastOnce)
                .Build(),
            ct);

    private static Task<MqttClientPublishResult> PublishAsync(IMqttClient client, string topic, string payload, CancellationToken ct) =>
        client.PublishAsync(
            new MqttApplicationMessageBuilder()
                .WithTopic(topic)
                .WithPayload(Encoding.UTF8.GetBytes(payload))
                .WithQualityOfServiceLevel(MqttQualityOfServiceLevel.AtLeastOnce)
                .Build(),
            ct);

    private static async Task WriteLineProtocolAsync(VictoriaMetricsProcess store, string line, CancellationToken ct)
    {
        using var http = new HttpClient();
        using var content = new StringContent(line, Encoding.UTF8, "text/plain");
        using var response = await http.PostAsync(new Uri(store.BaseUri, "api/v2/write?precision=ms"), content, ct);
        Assert.Equal(HttpStatusCode.NoContent, response.StatusCode);
    }
}

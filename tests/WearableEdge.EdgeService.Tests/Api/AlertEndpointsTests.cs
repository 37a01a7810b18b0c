using System.Buffers;
using System.Diagnostics;
using System.Net;
using System.Net.Http.Json;
using System.Text;
using System.Text.Json;
using Microsoft.AspNetCore.Builder;
using Microsoft.Extensions.DependencyInjection;
using MQTTnet;
using WearableEdge.Contracts;
using WearableEdge.EdgeService.Ingest;
using WearableEdge.EdgeService.Storage;

namespace WearableEdge.EdgeService.Tests.Api;

/// <summary>
/// The alert API, the SSE stream and the MQTT command topic through the real host on free
/// loopback ports, with its embedded broker and a store in a temp folder.
/// </summary>
[Collection(SiteKeyEnvironment.Name)]
public sealed class AlertEndpointsTests : IAsyncLifetime
{
    private readonly TestDataDirectory _folder = new();
    private WebApplication _app = null!;
    private HttpClient _http = null!;

    public async ValueTask InitializeAsync()
    {
        _app = EdgeServiceHost.Build(
        [
            "--urls=http://127.0.0.1:0", "--Mqtt:EmbeddedPort=0", "--Logging:LogLevel:Default=Warning",
            $"--Storage:DataDirectory={_folder.Path}", $"--Models:Path={Path.Combine(_folder.Path, "no-models")}",
        ]);
        await _app.StartAsync(TestContext.Current.CancellationToken);
        _http = new HttpClient { BaseAddress = new Uri(_app.Urls.First()) };
        _http.DefaultRequestHeaders.UserAgent.ParseAdd("alert-tests/1.0");
    }

    public async ValueTask DisposeAsync()
    {
        _http.Dispose();
        await _app.StopAsync(CancellationToken.None);
        await _app.DisposeAsync();
        _folder.Dispose();
    }

    private AlertStore Store => _app.Services.GetRequiredService<AlertStore>();

    private static async Task<JsonElement> JsonAsync(HttpResponseMessage response) =>
        JsonDocument.Parse(await response.Content.ReadAsStringAsync(TestContext.Current.CancellationToken)).RootElement;

    [Fact]
    public async Task List_Filters_ByStatusPatientAndPriority()
    {
        var ct = TestContext.Current.CancellationToken;
        await Store.RecordAsync(TestAlerts.Raised(TestAlerts.Alert(id: "al-a", patientId: "p-1", priority: "high")), ct);
        await Store.RecordAsync(TestAlerts.Raised(TestAlerts.Alert(id: "al-b", patientId: "p-2", priority: "medium", raisedAt: TestAlerts.T0.AddMinutes(1))), ct);
        await Store.RecordAsync(TestAlerts.Resolved(TestAlerts.Alert(id: "al-c", patientId: "p-1", priority: "medium", raisedAt: TestAlerts.T0.AddMinutes(2)), TestAlerts.T0.AddMinutes(3)), ct);

        static string Ids(JsonElement list) => string.Join(",", list.EnumerateArray().Select(a => a.GetProperty("id").GetString()));

        Assert.Equal("al-c,al-b,al-a", Ids(await JsonAsync(await _http.GetAsync("/api/alerts", ct))));
        Assert.Equal("al-b,al-a", Ids(await JsonAsync(await _http.GetAsync("/api/alerts?status=open", ct))));
        Assert.Equal("al-c,al-a", Ids(await JsonAsync(await _http.GetAsync("/api/alerts?patient=p-1", ct))));
        Assert.Equal("al-c", Ids(await JsonAsync(await _http.GetAsync("/api/alerts?status=resolved&priority=medium", ct))));
        Assert.Equal(HttpStatusCode.BadRequest, (await _http.GetAsync("/api/alerts?status=closed", ct)).StatusCode);
        Assert.Equal(HttpStatusCode.BadRequest, (await _http.GetAsync("/api/alerts?priority=urgent", ct)).StatusCode);
    }

    [Fact]
    public async Task AckThenResolve_AuditTrailHasActorClientAndNote_AckAfterResolveIs409()
    {
        var ct = TestContext.Current.CancellationToken;
        await Store.RecordAsync(TestAlerts.Raised(TestAlerts.Alert(id: "al-1")), ct);

        var ack = await _http.PostAsJsonAsync("/api/alerts/al-1/ack", new { note = "going now" }, ct);
        var resolve = await _http.PostAsync("/api/alerts/al-1/resolve", null, ct);
        var again = await _http.PostAsync("/api/alerts/al-1/ack", null, ct);
        var unknown = await _http.PostAsync("/api/alerts/al-nope/ack", null, ct);
        var detail = await JsonAsync(await _http.GetAsync("/api/alerts/al-1", ct));

        Assert.Equal(HttpStatusCode.OK, ack.StatusCode);
        Assert.Equal("acknowledged", (await JsonAsync(ack)).GetProperty("alert").GetProperty("status").GetString());
        Assert.Equal(HttpStatusCode.OK, resolve.StatusCode);
        Assert.Equal(HttpStatusCode.Conflict, again.StatusCode);
        Assert.Equal(HttpStatusCode.NotFound, unknown.StatusCode);
        Assert.Equal(HttpStatusCode.NotFound, (await _http.GetAsync("/api/alerts/al-nope", ct)).StatusCode);
        Assert.Equal("resolved", detail.GetProperty("alert").GetProperty("status").GetString());
        var audit = detail.GetProperty("audit").EnumerateArray().ToList();
        Assert.Equal(["raised", "acknowledged", "resolved"], audit.Select(a => a.GetProperty("action").GetString()));
        Assert.Equal("anonymous", audit[1].GetProperty("actor").GetString());
        Assert.Contains("alert-tests/1.0", audit[1].GetProperty("client").GetString(), StringComparison.Ordinal);
        Assert.StartsWith("127.0.0.1", audit[1].GetProperty("client").GetString(), StringComparison.Ordinal);
        Assert.Equal("going now", audit[1].GetProperty("note").GetString());
        Assert.Equal("system", audit[0].GetProperty("actor").GetString());
    }

    [Fact]
    public async Task Silence_NeedsMinutesAndReason()
    {
        var ct = TestContext.Current.CancellationToken;
        await Store.RecordAsync(TestAlerts.Raised(TestAlerts.Alert(id: "al-s")), ct);

        Assert.Equal(HttpStatusCode.BadRequest, (await _http.PostAsJsonAsync("/api/alerts/al-s/silence", new { minutes = 10 }, ct)).StatusCode);
        Assert.Equal(HttpStatusCode.BadRequest, (await _http.PostAsJsonAsync("/api/alerts/al-s/silence", new { minutes = 500, reason = "x" }, ct)).StatusCode);
        Assert.Equal(HttpStatusCode.BadRequest, (await _http.PostAsync("/api/alerts/al-s/ack", new StringContent("{not json", Encoding.UTF8, "application/json"), ct)).StatusCode);
        var silenced = await _http.PostAsJsonAsync("/api/alerts/al-s/silence", new { minutes = 10, reason = "bed bath" }, ct);

        Assert.Equal(HttpStatusCode.OK, silenced.StatusCode);
        var alert = (await JsonAsync(silenced)).GetProperty("alert");
        Assert.Equal(("silenced", "bed bath"), (alert.GetProperty("status").GetString(), alert.GetProperty("silenceReason").GetString()));
        Assert.True(alert.TryGetProperty("silencedUntil", out _));
    }

    [Fact]
    public async Task Stream_NewAlertStored_ReachesConnectedClientWithinOneSecond()
    {
        var ct = TestContext.Current.CancellationToken;
        using var response = await _http.GetAsync("/api/alerts/stream", HttpCompletionOption.ResponseHeadersRead, ct);
        Assert.Equal("text/event-stream", response.Content.Headers.ContentType?.MediaType);
        using var reader = new StreamReader(await response.Content.ReadAsStreamAsync(ct));
        Assert.Equal(": connected", await reader.ReadLineAsync(ct));

        var stored = Stopwatch.StartNew();
        await Store.RecordAsync(TestAlerts.Raised(TestAlerts.Alert(id: "al-live")), ct);
        using var timeout = CancellationTokenSource.CreateLinkedTokenSource(ct);
        timeout.CancelAfter(TimeSpan.FromSeconds(5));
        string? line;
        while ((line = await reader.ReadLineAsync(timeout.Token)) is not null && !line.StartsWith("data: ", StringComparison.Ordinal))
        {
            Assert.True(line is "" or "event: alert", line);
        }

        var elapsed = stored.Elapsed;
        Assert.NotNull(line);
        var alert = JsonSerializer.Deserialize(line["data: ".Length..], ContractJsonContext.Default.AlertMessage)!;
        Assert.Equal(("al-live", "active"), (alert.Id, alert.Status));
        Assert.True(elapsed < TimeSpan.FromSeconds(1), $"the stream took {elapsed.TotalMilliseconds:0} ms after the commit");
    }

    [Fact]
    public async Task MqttCommand_Ack_AuditedWithSenderAndTopic()
    {
        var ct = TestContext.Current.CancellationToken;
        await Store.RecordAsync(TestAlerts.Raised(TestAlerts.Alert(id: "al-m")), ct);
        var broker = _app.Services.GetRequiredService<BrokerEndpoint>();
        using var client = new MqttClientFactory().CreateMqttClient();
        await client.ConnectAsync(new MqttClientOptionsBuilder().WithTcpServer(broker.Host, broker.Port).WithClientId("nurse-app-1").Build(), ct);

        await client.PublishAsync(
            new MqttApplicationMessageBuilder()
                .WithTopic("wearable-edge/commands/alerts/al-m/ack")
                .WithPayload("""{"schemaVersion":1,"by":"nurse.kim","note":"from the app"}""")
                .WithQualityOfServiceLevel(MQTTnet.Protocol.MqttQualityOfServiceLevel.AtLeastOnce)
                .Build(),
            ct);
        await client.PublishAsync(
            new MqttApplicationMessageBuilder().WithTopic("wearable-edge/commands/alerts/al-m/resolve").WithPayload("""{"schemaVersion":2}""")
                .WithQualityOfServiceLevel(MQTTnet.Protocol.MqttQualityOfServiceLevel.AtLeastOnce).Build(),
            ct);

        await Polling.WaitUntilAsync(async () => (await Store.GetAsync("al-m", ct))!.Status == "acknowledged", "the MQTT ack is stored");
        var audit = (await Store.GetAuditAsync("al-m", ct)).Last();
        Assert.Equal(("acknowledged", "nurse.kim", "mqtt:wearable-edge/commands/alerts/al-m/ack", "from the app"), (audit.Action, audit.Actor, audit.Client, audit.Note));
        await Task.Delay(200, ct);
        Assert.Equal("acknowledged", (await Store.GetAsync("al-m", ct))!.Status);
        await client.DisconnectAsync(cancellationToken: ct);
    }

    [Theory]
    [InlineData("wearable-edge/commands/alerts/al-1/ack", true)]
    [InlineData("wearable-edge/commands/alerts/al-1/resolve", true)]
    [InlineData("wearable-edge/commands/alerts/al-1/silence", false)]
    [InlineData("wearable-edge/commands/alerts/al-1", false)]
    [InlineData("wearable-edge/commands/alerts/a/b/ack", false)]
    public void TryParseTopic_OnlyAckAndResolve(string topic, bool valid) =>
        Assert.Equal(valid, AlertCommandHandler.TryParseTopic(topic, out _, out _));

    [Fact]
    public void ParsePayload_RequiresSchemaOneAndBy()
    {
        static AlertCommandMessage? Parse(string json) => AlertCommandHandler.ParsePayload(new ReadOnlySequence<byte>(Encoding.UTF8.GetBytes(json)));

        Assert.Equal("n", Parse("""{"schemaVersion":1,"by":"n"}""")!.By);
        Assert.Null(Parse("""{"schemaVersion":1,"by":" "}"""));
        Assert.Null(Parse("""{"schemaVersion":2,"by":"n"}"""));
        Assert.Null(Parse("""{"by":"n"}"""));
        Assert.Null(Parse("not json"));
    }
}

using System.Buffers;
using System.Globalization;
using System.Net;
using System.Net.Http.Json;
using System.Text;
using System.Text.Json;
using Microsoft.AspNetCore.Builder;
using Microsoft.Extensions.DependencyInjection;
using MQTTnet;
using MQTTnet.Packets;
using WearableEdge.EdgeService.Auth;
using WearableEdge.EdgeService.Devices;
using WearableEdge.EdgeService.Ingest;
using WearableEdge.EdgeService.Tests.Auth;

namespace WearableEdge.EdgeService.Tests.Devices;

/// <summary>
/// The registry through the real host on a free port with <c>Devices:Registry=Enforce</c> and a seed
/// file: the admin API, and the real ingest handler counting unknown devices and patients without consent.
/// </summary>
[Collection(SiteKeyEnvironment.Name)]
public sealed class DeviceHostTests : IAsyncLifetime
{
    private const string Seed = """
        {
          "devices": [
            { "deviceId": "dev-1", "patientId": "P-1" },
            { "deviceId": "dev-2", "patientId": "P-2" }
          ],
          "consents": [ { "patientId": "P-1", "scope": "monitoring", "recordedBy": "ward-admission" } ]
        }
        """;

    private readonly TestDataDirectory _data = new();
    private readonly TestDataDirectory _models = new();
    private readonly TestDataDirectory _seed = new();
    private WebApplication? _app;

    private WebApplication App => _app ?? throw new InvalidOperationException("Not started.");

    private static CancellationToken Ct => TestContext.Current.CancellationToken;

    public async ValueTask InitializeAsync()
    {
        var seedFile = Path.Combine(_seed.Path, "devices.json");
        await File.WriteAllTextAsync(seedFile, Seed, Ct);
        _app = EdgeServiceHost.Build(
        [
            "--urls=http://127.0.0.1:0", "--Mqtt:EmbeddedPort=0", "--Logging:LogLevel:Default=None",
            $"--Storage:DataDirectory={_data.Path}", $"--Models:Path={_models.Path}", "--Models:WatchFolder=false",
            "--Devices:Registry=Enforce", $"--Devices:SeedFile={seedFile}",
        ]);
        EdgeServiceHost.ValidateConfiguration(_app);
        await _app.StartAsync(Ct);
    }

    public async ValueTask DisposeAsync()
    {
        if (_app is not null)
        {
            await _app.StopAsync(CancellationToken.None);
            await _app.DisposeAsync();
        }

        _models.Dispose();
        _seed.Dispose();
        _data.Dispose();
    }

    [Fact]
    public async Task Devices_Nurse_IsForbidden()
    {
        using var nurse = await TestAccess.ClientAsync(App, Roles.Nurse, Ct);

        using var list = await nurse.GetAsync("/api/devices", Ct);
        using var consent = await nurse.PostAsJsonAsync("/api/patients/P-2/consent", new { action = "record" }, Ct);

        Assert.Equal(HttpStatusCode.Forbidden, list.StatusCode);
        Assert.Equal(HttpStatusCode.Forbidden, consent.StatusCode);
        Assert.False(App.Services.GetRequiredService<DeviceRegistry>().HasConsent("P-2"));
    }

    [Fact]
    public async Task Devices_Admin_SeesTheSeedFile()
    {
        using var admin = await TestAccess.ClientAsync(App, Roles.Admin, Ct);

        using var document = JsonDocument.Parse(await admin.GetStringAsync("/api/devices", Ct));

        var devices = document.RootElement.EnumerateArray().ToList();
        Assert.Equal(["dev-1", "dev-2"], devices.Select(d => d.GetProperty("deviceId").GetString()));
        Assert.Equal("P-1", devices[0].GetProperty("assignments")[0].GetProperty("patientId").GetString());
    }

    [Fact]
    public async Task Ingest_UnknownDeviceAndNoConsent_CountedInHealthAndOnlyUnknownDeadLettered()
    {
        var handler = App.Services.GetRequiredService<MqttIngestHandler>();
        var gateway = App.Services.GetRequiredService<MqttGatewayClient>();
        var deadLetter = new TaskCompletionSource<string>(TaskCreationOptions.RunContinuationsAsynchronously);
        using var subscriber = new MqttClientFactory().CreateMqttClient();
        subscriber.ApplicationMessageReceivedAsync += e =>
        {
            deadLetter.TrySetResult(Encoding.UTF8.GetString(e.ApplicationMessage.Payload.ToArray()));
            return Task.CompletedTask;
        };
        await subscriber.ConnectAsync(new MqttClientOptionsBuilder().WithTcpServer(gateway.Endpoint.Host, gateway.Endpoint.Port).WithClientId("dead-letter-probe").Build(), Ct);
        await subscriber.SubscribeAsync(
            new MqttClientSubscribeOptionsBuilder().WithTopicFilter(WearableEdge.Contracts.Topics.DeadLetter, MQTTnet.Protocol.MqttQualityOfServiceLevel.AtLeastOnce).Build(), Ct);

        await handler.HandleAsync(Vitals("P-1", "dev-1"));
        // The no-consent message comes first: were it dead-lettered, it would be the first dead letter.
        await handler.HandleAsync(Vitals("P-2", "dev-2"));
        await handler.HandleAsync(Vitals("P-9", "dev-9"));

        using var first = JsonDocument.Parse(await deadLetter.Task.WaitAsync(TimeSpan.FromSeconds(15), Ct));
        Assert.Equal(DeviceRejectReason.UnknownDevice, first.RootElement.GetProperty("reason").GetString());
        var ingest = await IngestHealthAsync();
        Assert.Equal(1, Count(ingest, "messagesAccepted", "vitals"));
        Assert.Equal(1, Count(ingest, "messagesRejected", DeviceRejectReason.NoConsent));
        Assert.Equal(1, Count(ingest, "messagesRejected", DeviceRejectReason.UnknownDevice));
    }

    [Fact]
    public async Task Consent_RecordedThroughTheApi_LetsThePatientsDataIn_WithdrawStopsIt()
    {
        var handler = App.Services.GetRequiredService<MqttIngestHandler>();
        using var admin = await TestAccess.ClientAsync(App, Roles.Admin, Ct);

        using var recorded = await admin.PostAsJsonAsync("/api/patients/P-2/consent", new { action = "record", scope = "monitoring" }, Ct);
        await handler.HandleAsync(Vitals("P-2", "dev-2"));
        using var withdrawn = await admin.PostAsJsonAsync("/api/patients/P-2/consent", new { action = "withdraw" }, Ct);
        await handler.HandleAsync(Vitals("P-2", "dev-2"));

        Assert.Equal(HttpStatusCode.OK, recorded.StatusCode);
        Assert.Equal(HttpStatusCode.OK, withdrawn.StatusCode);
        using var history = JsonDocument.Parse(await admin.GetStringAsync("/api/patients/P-2/consent", Ct));
        Assert.False(history.RootElement.GetProperty("active").GetBoolean());
        Assert.StartsWith("t-admin-", history.RootElement.GetProperty("records")[0].GetProperty("recordedBy").GetString(), StringComparison.Ordinal);
        var ingest = await IngestHealthAsync();
        Assert.Equal(1, Count(ingest, "messagesAccepted", "vitals"));
        Assert.Equal(1, Count(ingest, "messagesRejected", DeviceRejectReason.NoConsent));
    }

    [Fact]
    public async Task Assign_SwappedWearable_NewDeviceFeedsTheSamePatient()
    {
        using var admin = await TestAccess.ClientAsync(App, Roles.Admin, Ct);
        var swap = DateTimeOffset.UtcNow.AddMinutes(-5);

        using var registered = await admin.PostAsJsonAsync("/api/devices", new { deviceId = "dev-3" }, Ct);
        using var unassigned = await admin.PostAsJsonAsync("/api/devices/dev-1/unassign", new { at = swap }, Ct);
        using var assigned = await admin.PostAsJsonAsync("/api/devices/dev-3/assign", new { patientId = "P-1", at = swap }, Ct);
        using var missing = await admin.PostAsJsonAsync("/api/devices/nope/assign", new { patientId = "P-1" }, Ct);

        Assert.Equal(HttpStatusCode.Created, registered.StatusCode);
        Assert.Equal(HttpStatusCode.OK, unassigned.StatusCode);
        Assert.Equal(HttpStatusCode.OK, assigned.StatusCode);
        Assert.Equal(HttpStatusCode.NotFound, missing.StatusCode);
        var registry = App.Services.GetRequiredService<DeviceRegistry>();
        Assert.Equal("P-1", registry.PatientAt("dev-3", swap.AddMinutes(1)));
        Assert.Equal("P-1", registry.PatientAt("dev-1", swap.AddMinutes(-1)));
        Assert.Null(registry.PatientAt("dev-1", swap.AddMinutes(1)));
    }

    [Fact]
    public async Task Devices_InvalidIds_Are400AndChangeNothing()
    {
        using var admin = await TestAccess.ClientAsync(App, Roles.Admin, Ct);

        using var blank = await admin.PostAsJsonAsync("/api/devices", new { deviceId = " " }, Ct);
        using var tooLong = await admin.PostAsJsonAsync("/api/devices", new { deviceId = new string('d', DeviceEndpoints.MaxIdLength + 1) }, Ct);
        using var badPatient = await admin.PostAsJsonAsync("/api/devices/dev-1/assign", new { patientId = "P 1" }, Ct);
        using var noBody = await admin.PostAsync("/api/devices/dev-1/assign", content: null, Ct);

        Assert.All([blank, tooLong, badPatient, noBody], r => Assert.Equal(HttpStatusCode.BadRequest, r.StatusCode));
        Assert.Equal(2, App.Services.GetRequiredService<DeviceRegistry>().Devices.Count);
        Assert.Single(App.Services.GetRequiredService<DeviceRegistry>().Devices[0].Assignments);
    }

    private async Task<JsonElement> IngestHealthAsync()
    {
        using var http = TestAccess.Client(App, token: null);
        using var document = JsonDocument.Parse(await http.GetStringAsync("/health", Ct));
        return document.RootElement.GetProperty("ingest").Clone();
    }

    private static long Count(JsonElement ingest, string family, string key) =>
        ingest.GetProperty(family).TryGetProperty(key, out var value) ? value.GetInt64() : 0;

    /// <summary>A v1 vitals message from a minute ago (in the past: no clock-skew question).</summary>
    private static MqttApplicationMessageReceivedEventArgs Vitals(string topicPatient, string deviceId)
    {
        var ts = DateTimeOffset.UtcNow.AddMinutes(-1).ToString("O", CultureInfo.InvariantCulture);
        var json = $$"""{"schemaVersion":1,"deviceId":"{{deviceId}}","samples":[{"ts":"{{ts}}","heartRate":72,"spO2":97}]}""";
        var message = new MqttApplicationMessageBuilder().WithTopic($"wearables/{topicPatient}/vitals").WithPayload(Encoding.UTF8.GetBytes(json)).Build();
        return new MqttApplicationMessageReceivedEventArgs("test", message, new MqttPublishPacket(), (_, _) => Task.CompletedTask);
    }
}

using System.Globalization;
using System.Net;
using System.Text.Json;
using WearableEdge.Contracts;
using WearableEdge.IntegrationTests.EndToEnd;
using WearableEdge.IntegrationTests.Fixtures;
using Xunit;

namespace WearableEdge.IntegrationTests.Dashboard;

/// <summary>
/// <c>GET /api/ward</c> (the data behind the dashboard's tiles), the OpenAPI document and the
/// dashboard's files, on the service hosted in-process against Mosquitto, signed in as a nurse.
/// </summary>
public sealed class WardEndpointTests(MosquittoFixture mosquitto) : IClassFixture<MosquittoFixture>
{
    private static readonly TimeSpan Patience = TimeSpan.FromSeconds(60);

    [Fact]
    public async Task Ward_VitalsAndDeviceStatusPublished_TileHasVitalsNews2TrendAndDevice()
    {
        var ct = TestContext.Current.CancellationToken;
        var broker = mosquitto.Broker.BrokerUri;
        await using var service = await EdgeServiceInstance.StartAsync(broker, timeSeriesStore: null, ct);
        var password = await DashboardAccounts.CreateNurseAsync(service, "nurse-ward-test", ct);
        using var nurse = await DashboardAccounts.SignInAsync(service.Http.BaseAddress!, "nurse-ward-test", password, ct);
        await using var device = await MqttProbe.ConnectAsync(broker, subscribeFilter: null, ct);
        await Eventually.ValueAsync(
            token => service.GetJsonAsync("health", token),
            json => json.GetProperty("broker").GetProperty("connected").GetBoolean(),
            Patience,
            "the service connecting to the broker",
            ct);

        // Five minutes at 1 Hz, SpO2 falling 1 % per minute from 97 %: four closed one-minute means.
        var patient = $"ward-{Guid.NewGuid():N}"[..13];
        var start = new DateTimeOffset(2026, 3, 1, 8, 0, 0, TimeSpan.Zero);
        for (var minute = 0; minute < 5; minute++)
        {
            for (var batch = 0; batch < 12; batch++)
            {
                var samples = string.Join(",", Enumerable.Range(0, 5).Select(s =>
                {
                    var at = start.AddMinutes(minute).AddSeconds((batch * 5) + s);
                    return string.Create(CultureInfo.InvariantCulture,
                        $$"""{"ts":"{{at:O}}","heartRate":{{80 + minute}},"spO2":{{97 - minute}},"respirationRate":18,"temperatureC":37.1,"systolicBp":124}""");
                }));
                await device.PublishAsync(Topics.Vitals(patient), $$"""{"schemaVersion":1,"deviceId":"wd-1","samples":[{{samples}}]}""", ct);
            }
        }

        await device.PublishAsync(
            Topics.Device(patient),
            $$"""{"schemaVersion":1,"deviceId":"wd-1","ts":"{{start.AddMinutes(5):O}}","batteryPercent":12.5,"wearStatus":"on","signalQuality":0.8}""",
            ct);

        var ward = await Eventually.ValueAsync(
            async token => JsonDocument.Parse(await nurse.GetStringAsync("api/ward", token)).RootElement.Clone(),
            json => json.EnumerateArray().Any(p => p.GetProperty("patientId").GetString() == patient
                && p.GetProperty("trend").GetProperty("spO2").GetArrayLength() >= 4
                && p.GetProperty("device").ValueKind == JsonValueKind.Object),
            Patience,
            "the patient's tile with four minutes of trend and its device",
            ct);
        var tile = ward.EnumerateArray().Single(p => p.GetProperty("patientId").GetString() == patient);

        var vitals = tile.GetProperty("vitals");
        Assert.Equal(124, vitals.GetProperty("systolicBp").GetDouble());
        Assert.Equal(18, vitals.GetProperty("respirationRate").GetDouble());
        Assert.InRange(vitals.GetProperty("spO2").GetDouble(), 93, 97);

        var news2 = tile.GetProperty("news2");
        var parameters = news2.GetProperty("parameters").EnumerateArray().ToDictionary(p => p.GetProperty("name").GetString()!);
        Assert.Equal(5, parameters.Count);
        Assert.Equal(news2.GetProperty("total").GetInt32(), parameters.Values.Sum(p => p.GetProperty("points").GetInt32()));
        Assert.Equal(0, parameters["systolicBp"].GetProperty("points").GetInt32());
        Assert.Contains("consciousness", news2.GetProperty("notAssessed").EnumerateArray().Select(n => n.GetString()));

        // One-minute means, oldest first, on the minute: 97, 96, 95, 94 % (the fifth minute is still open).
        var spO2 = tile.GetProperty("trend").GetProperty("spO2").EnumerateArray().ToList();
        for (var i = 0; i < 4; i++)
        {
            Assert.Equal(start.AddMinutes(i).ToUnixTimeMilliseconds(), spO2[i][0].GetInt64());
            Assert.Equal(97 - i, spO2[i][1].GetDouble());
        }

        var status = tile.GetProperty("device");
        Assert.Equal("wd-1", status.GetProperty("deviceId").GetString());
        Assert.Equal(12.5, status.GetProperty("batteryPercent").GetDouble());
        Assert.Equal("on", status.GetProperty("wearStatus").GetString());
        Assert.Equal(JsonValueKind.Null, tile.GetProperty("risk").ValueKind);
    }

    [Fact]
    public async Task OpenApiAndPages_SignedInOrNot_DocumentDescribesWardAndPagesCarrySecurityHeaders()
    {
        var ct = TestContext.Current.CancellationToken;
        await using var service = await EdgeServiceInstance.StartAsync(mosquitto.Broker.BrokerUri, timeSeriesStore: null, ct);
        var baseUri = service.Http.BaseAddress!;
        using var anonymous = new HttpClient(new HttpClientHandler { AllowAutoRedirect = false }) { BaseAddress = baseUri };
        Assert.Equal(HttpStatusCode.Unauthorized, (await anonymous.GetAsync("openapi/v1.json", ct)).StatusCode);
        Assert.Equal(HttpStatusCode.Unauthorized, (await anonymous.GetAsync("app.js", ct)).StatusCode);
        Assert.Equal(HttpStatusCode.OK, (await anonymous.GetAsync("login.js", ct)).StatusCode);

        var password = await DashboardAccounts.CreateNurseAsync(service, "nurse-openapi-test", ct);
        using var nurse = await DashboardAccounts.SignInAsync(baseUri, "nurse-openapi-test", password, ct);
        using var document = JsonDocument.Parse(await nurse.GetStringAsync("openapi/v1.json", ct));
        var paths = document.RootElement.GetProperty("paths");
        Assert.StartsWith("3.", document.RootElement.GetProperty("openapi").GetString(), StringComparison.Ordinal);
        var ward = paths.GetProperty("/api/ward").GetProperty("get");
        Assert.True(ward.GetProperty("responses").GetProperty("200").GetProperty("content").TryGetProperty("application/json", out _));
        Assert.True(paths.TryGetProperty("/api/alerts", out _));
        Assert.False(paths.TryGetProperty("/app.js", out _));

        foreach (var (path, type) in new[] { ("/", "text/html"), ("app.js", "text/javascript"), ("app.css", "text/css"), ("login", "text/html") })
        {
            using var response = await nurse.GetAsync(path, ct);
            Assert.Equal(HttpStatusCode.OK, response.StatusCode);
            Assert.Equal(type, response.Content.Headers.ContentType!.MediaType);
            Assert.Equal("nosniff", response.Headers.GetValues("X-Content-Type-Options").Single());
            Assert.Contains("frame-ancestors 'none'", response.Headers.GetValues("Content-Security-Policy").Single(), StringComparison.Ordinal);
            // Works offline on the ward network: nothing is loaded from another host.
            Assert.DoesNotMatch(@"(src|href|url)\s*[=(]\s*[""']?(https?:)?//", await response.Content.ReadAsStringAsync(ct));
        }
    }
}

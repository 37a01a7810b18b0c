using System.Globalization;
using System.Net;
using System.Text.Json;
using Microsoft.Playwright;
using WearableEdge.IntegrationTests.EndToEnd;
using WearableEdge.IntegrationTests.Faults;
using WearableEdge.IntegrationTests.Fixtures;
using Xunit;

namespace WearableEdge.IntegrationTests.Dashboard;

/// <summary>
/// The nurse dashboard in real headless Chromium (Debian's package, driven by Playwright): the
/// service runs in-process on Mosquitto, the device simulator publishes a desaturation as a child
/// process, and a nurse signs in, sees the alert arrive live, opens it, reads why it fired and
/// acknowledges it with a note; the audit trail is then checked through the HTTP API.
/// </summary>
public sealed class DashboardBrowserTests(MosquittoFixture mosquitto) : IClassFixture<MosquittoFixture>
{
    /// <summary>Set to a folder (e.g. <c>docs</c>) to keep the screenshots there; else they go to the test's temp folder.</summary>
    public const string ScreenshotFolderVariable = "WEARABLE_EDGE_SCREENSHOTS";

    private const string Nurse = "nurse-browser-test";
    private const string Patient = "patient-002";
    private static readonly TimeSpan Patience = TimeSpan.FromSeconds(90);

    /// <summary>The issue's bound: a new alert reaches the page within 1 s of its store commit.</summary>
    private static readonly TimeSpan LiveBound = TimeSpan.FromSeconds(1);

    [Fact]
    public async Task Dashboard_SimulatedDesaturation_NurseSeesAlertLiveReadsWhyAndAcknowledges()
    {
        var ct = TestContext.Current.CancellationToken;
        var broker = mosquitto.Broker.BrokerUri;
        await using var service = await EdgeServiceInstance.StartAsync(broker, timeSeriesStore: null, ct);
        var baseUri = service.Http.BaseAddress!;
        var password = await DashboardAccounts.CreateNurseAsync(service, Nurse, ct);
        await Eventually.ValueAsync(
            token => service.GetJsonAsync("health", token),
            json => json.GetProperty("broker").GetProperty("connected").GetBoolean(),
            Patience,
            "the service connecting to the broker",
            ct);

        // Pages and the API are closed to anonymous callers; the sign-in page carries the security headers.
        using (var anonymous = new HttpClient(new HttpClientHandler { AllowAutoRedirect = false }) { BaseAddress = baseUri })
        {
            Assert.Equal(HttpStatusCode.Unauthorized, (await anonymous.GetAsync("api/ward", ct)).StatusCode);
            Assert.Equal(HttpStatusCode.Unauthorized, (await anonymous.GetAsync("api/alerts", ct)).StatusCode);
            using var pageRequest = new HttpRequestMessage(HttpMethod.Get, "/");
            pageRequest.Headers.Accept.ParseAdd("text/html");
            var dashboard = await anonymous.SendAsync(pageRequest, ct);
            Assert.Equal(HttpStatusCode.Redirect, dashboard.StatusCode);
            var location = dashboard.Headers.Location!;
            Assert.StartsWith("/login", location.IsAbsoluteUri ? location.PathAndQuery : location.OriginalString, StringComparison.Ordinal);
            var login = await anonymous.GetAsync("login", ct);
            Assert.Equal(HttpStatusCode.OK, login.StatusCode);
            Assert.Contains("default-src 'self'", login.Headers.GetValues("Content-Security-Policy").Single(), StringComparison.Ordinal);
            Assert.Contains("frame-ancestors 'none'", login.Headers.GetValues("Content-Security-Policy").Single(), StringComparison.Ordinal);
            Assert.Equal("nosniff", login.Headers.GetValues("X-Content-Type-Options").Single());
            Assert.Equal("no-referrer", login.Headers.GetValues("Referrer-Policy").Single());
        }

        await using var chromium = await HeadlessChromium.LaunchAsync();
        await using var context = await chromium.Browser.NewContextAsync(new BrowserNewContextOptions
        {
            BaseURL = baseUri.ToString(),
            ViewportSize = new ViewportSize { Width = 1366, Height = 900 },
            Locale = "en-GB",
            TimezoneId = "UTC",
        });
        var page = await context.NewPageAsync();
        page.SetDefaultTimeout((float)Patience.TotalMilliseconds);
        var consoleErrors = new List<string>();
        page.Console += (_, message) =>
        {
            if (message.Type == "error")
            {
                consoleErrors.Add($"{message.Text} ({message.Location})");
            }
        };

        // Sign in through the page: the dashboard sends an anonymous browser to the sign-in form.
        await page.GotoAsync("/");
        Assert.Contains("/login", page.Url, StringComparison.Ordinal);
        await page.FillAsync("#username", Nurse);
        await page.FillAsync("#password", password);
        await page.ClickAsync("#login-form button[type=submit]");
        await page.WaitForURLAsync(url => new Uri(url).AbsolutePath == "/");
        await page.Locator("#connection[data-state=live]").WaitForAsync();
        await Assertions.Expect(page.Locator("#user")).ToContainTextAsync(Nurse);
        await Assertions.Expect(page.Locator("#alert-list li")).ToHaveCountAsync(0);

        // The simulator publishes 75 min of device time in about 15 s: an hour of trend for the
        // tiles and the deterioration model, then patient-002 desaturates until the end.
        var ward = new SimulatedWard(3, Seed: 7, Speed: 300, TimeSpan.FromMinutes(75), [$"desaturation:{Patient}:65m:30m"]);
        await using var simulator = SimulatorRun.Start(ward, broker, $"sim-dash-{Guid.NewGuid():N}");
        var navigations = 0;
        page.FrameNavigated += (_, frame) => navigations += frame == page.MainFrame ? 1 : 0;

        // The alert appears without a reload, pushed over server-sent events.
        var row = page.Locator($"#alert-list li[data-patient-id='{Patient}'][data-source-kind='rule']").First;
        await row.WaitForAsync(new LocatorWaitForOptions { Timeout = (float)Patience.TotalMilliseconds });
        Assert.Equal(0, navigations);
        var alertId = await row.GetAttributeAsync("data-alert-id");
        Assert.False(string.IsNullOrEmpty(alertId));
        var receivedAt = DateTimeOffset.FromUnixTimeMilliseconds(long.Parse((await row.GetAttributeAsync("data-received-at"))!, CultureInfo.InvariantCulture));
        var storedAt = DateTimeOffset.Parse((await row.GetAttributeAsync("data-first-stored-at"))!, CultureInfo.InvariantCulture);

        var latency = receivedAt - storedAt;
        TestContext.Current.SendDiagnosticMessage($"alert {alertId}: stored {storedAt:O}, on the page {receivedAt:O}, {latency.TotalMilliseconds:0} ms");
        Assert.True(latency < LiveBound, $"the alert reached the page {latency.TotalMilliseconds:0} ms after its store commit (bound {LiveBound.TotalMilliseconds:0} ms)");

        // From here on this alert's row, wherever updates move it in the list.
        row = page.Locator($"#alert-list li[data-alert-id='{alertId}']");

        // Tiles: the patient's vitals, NEWS2 with its parameters, trend sparklines and device status.
        var tile = page.Locator($"#tiles li[data-patient-id='{Patient}']");
        await Assertions.Expect(tile.Locator("[data-vital=spO2]")).Not.ToHaveTextAsync("–");
        await Assertions.Expect(tile.Locator(".news2")).ToContainTextAsync("SpO₂");
        await Assertions.Expect(tile.Locator("svg.spark path").First).ToBeAttachedAsync();
        await Assertions.Expect(tile.Locator(".device")).ToContainTextAsync("battery");

        // Once the simulator has stopped the alert stops changing: compare the page with the store.
        var simulated = await simulator.WaitForExitAsync(Patience, ct);
        Assert.True(simulated.ExitCode == 0, simulated.Output);
        var api = context.APIRequest;
        var alert = (await GetJsonAsync(api, $"api/alerts/{alertId}")).GetProperty("alert");
        Assert.Equal("rule", alert.GetProperty("scoreSourceKind").GetString());
        await Assertions.Expect(row).ToHaveAttributeAsync("data-priority", alert.GetProperty("priority").GetString()!);
        await Assertions.Expect(row).ToContainTextAsync(alert.GetProperty("priority").GetString()!, new() { IgnoreCase = true });

        // Priority is given by shape and word, not colour alone.
        var shape = alert.GetProperty("priority").GetString() switch { "high" => "▲", "medium" => "◆", _ => "●" };
        await Assertions.Expect(row.Locator(".prio")).ToContainTextAsync(shape);
        await page.ScreenshotAsync(new PageScreenshotOptions { Path = ScreenshotPath("dashboard.png"), FullPage = false });

        // Open it: the why-panel shows the rule, its thresholds and the values that scored.
        await row.Locator("button.alert-open").ClickAsync();
        var why = page.Locator("#why");
        await Assertions.Expect(page.Locator("#detail")).ToBeVisibleAsync();
        await Assertions.Expect(why.Locator("[data-field=rule]")).ToContainTextAsync(alert.GetProperty("ruleId").GetString()!);
        await Assertions.Expect(why.Locator("[data-field=source]")).ToContainTextAsync(alert.GetProperty("scoreSourceId").GetString()!);
        await Assertions.Expect(why.Locator("[data-field=reason]")).ToHaveTextAsync(alert.GetProperty("reason").GetString()!);
        await Assertions.Expect(why.Locator("[data-field=thresholds] li").First).ToBeVisibleAsync();
        var parameters = alert.GetProperty("parameters").EnumerateArray().ToList();
        Assert.Contains(parameters, p => p.GetProperty("name").GetString() == "spO2");
        foreach (var parameter in parameters)
        {
            var parameterRow = why.Locator($"table.parameters tbody tr[data-parameter='{parameter.GetProperty("name").GetString()}']");
            await Assertions.Expect(parameterRow.Locator("td").First).ToHaveTextAsync(parameter.GetProperty("value").GetDouble().ToString(CultureInfo.InvariantCulture));
            await Assertions.Expect(parameterRow.Locator("td").Last).ToHaveTextAsync(parameter.GetProperty("points").GetInt32().ToString(CultureInfo.InvariantCulture));
        }

        await Assertions.Expect(page.Locator("#timeline li").First).ToBeVisibleAsync();

        // Acknowledge with a note.
        const string note = "Probe re-seated, patient on 2 l/min oxygen";
        await page.FillAsync("#note", note);
        await page.ClickAsync("#ack");
        await Assertions.Expect(page.Locator("#detail-summary [data-field=status]")).ToHaveTextAsync("acknowledged");
        await Assertions.Expect(page.Locator("#timeline")).ToContainTextAsync(note);
        await page.ScreenshotAsync(new PageScreenshotOptions { Path = ScreenshotPath("dashboard-alert.png") });

        // The audit trail, through the API: who, from which client, with the note.
        var audited = await GetJsonAsync(api, $"api/alerts/{alertId}");
        Assert.Equal("acknowledged", audited.GetProperty("alert").GetProperty("status").GetString());
        var entry = Assert.Single(audited.GetProperty("audit").EnumerateArray(), e => e.TryGetProperty("note", out var n) && n.GetString() == note);
        Assert.Equal("acknowledged", entry.GetProperty("status").GetString());
        Assert.Equal(Nurse, entry.GetProperty("actor").GetString());
        Assert.Contains("127.0.0.1", entry.GetProperty("client").GetString(), StringComparison.Ordinal);
        Assert.Contains("Chrome", entry.GetProperty("client").GetString(), StringComparison.Ordinal);
        Assert.Contains(audited.GetProperty("audit").EnumerateArray(), e => e.GetProperty("action").GetString() == "raised");

        // The ward endpoint behind the tiles: trends and NEWS2 parameters of the patient.
        var wardJson = await GetJsonAsync(api, "api/ward");
        var patient = wardJson.EnumerateArray().Single(p => p.GetProperty("patientId").GetString() == Patient);
        Assert.InRange(patient.GetProperty("trend").GetProperty("spO2").GetArrayLength(), 50, 60);
        Assert.NotEmpty(patient.GetProperty("news2").GetProperty("parameters").EnumerateArray());
        Assert.Equal(JsonValueKind.Object, patient.GetProperty("device").ValueKind);
        Assert.True(patient.GetProperty("openAlerts").GetInt32() >= 1);

        // On a phone: one column, nothing wider than the screen.
        await page.Locator("#detail-close").ClickAsync();
        await page.SetViewportSizeAsync(390, 844);
        await Assertions.Expect(page.Locator("#detail")).ToBeHiddenAsync();
        Assert.True(await page.EvaluateAsync<bool>("() => document.documentElement.scrollWidth <= window.innerWidth"), "the page scrolls sideways on a 390 px phone screen");
        await page.ScreenshotAsync(new PageScreenshotOptions { Path = ScreenshotPath("dashboard-phone.png") });

        Assert.Empty(consoleErrors);
    }

    private static async Task<JsonElement> GetJsonAsync(IAPIRequestContext api, string path)
    {
        var response = await api.GetAsync(path);
        Assert.True(response.Ok, $"GET {path}: {response.Status}");
        using var document = JsonDocument.Parse(await response.TextAsync());
        return document.RootElement.Clone();
    }

    private static string ScreenshotPath(string name)
    {
        var folder = Environment.GetEnvironmentVariable(ScreenshotFolderVariable) is { Length: > 0 } configured
            ? configured
            : Directory.CreateTempSubdirectory("wearable-edge-dashboard-").FullName;
        Directory.CreateDirectory(folder);
        return Path.Combine(folder, name);
    }
}

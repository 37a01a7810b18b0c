using System.Globalization;
using System.Net.Http.Headers;
using System.Text.Json;
using System.Text.RegularExpressions;
using WearableEdge.IntegrationTests.Fixtures;
using Xunit;

namespace WearableEdge.IntegrationTests.Privacy;

/// <summary>
/// No patient identifier in the logs: runs the real demo (its own process, its simulated ward,
/// default logging) until it has raised alerts, stops it, and scans everything it printed.
/// The demo's credentials are printed once, to the console, and nowhere in the log.
/// </summary>
public sealed partial class DemoLogPrivacyTests
{
    private static readonly TimeSpan Patience = TimeSpan.FromSeconds(90);

    [Fact]
    public async Task Demo_RaisesAlerts_LogsNoPatientIdentifier()
    {
        var ct = TestContext.Current.CancellationToken;
        var port = FreePort.Next();
        var dataDirectory = Directory.CreateTempSubdirectory("wearable-edge-privacy-").FullName;
        var demo = ChildProcess.Start(
            "dotnet",
            [Path.Combine(AppContext.BaseDirectory, "WearableEdge.EdgeService.dll"), "--demo", "--Demo:Speed", "20", "--Ingest:MaxClockSkew", "1.00:00:00",
             $"--urls=http://127.0.0.1:{port.ToString(CultureInfo.InvariantCulture)}", $"--Storage:DataDirectory={dataDirectory}"],
            dataDirectory);
        using var http = new HttpClient { BaseAddress = new Uri($"http://127.0.0.1:{port.ToString(CultureInfo.InvariantCulture)}/") };

        try
        {
            await WaitForAlertsAndStopAsync(demo, http, ct);
        }
        finally
        {
            await demo.KillAsync(CancellationToken.None);
        }

        var output = demo.Output;

        // Credentials: printed exactly once each (the console line), never repeated by a logger.
        var password = NursePassword().Match(output);
        Assert.True(password.Success, output);
        Assert.Equal(1, CountOf(output, password.Groups[1].Value));
        Assert.Equal(1, CountOf(output, AdminToken().Match(output).Value));

        // The scan means something only if the service logged its alerts and ran the ward.
        Assert.Contains(" raised: priority ", output, StringComparison.Ordinal);
        Assert.Contains("Demo: simulating 8 patients", output, StringComparison.Ordinal);
        for (var patient = 1; patient <= 8; patient++)
        {
            Assert.DoesNotContain($"patient-{patient:000}", output, StringComparison.Ordinal);
        }

        Directory.Delete(dataDirectory, recursive: true);
    }

    [GeneratedRegex(@"Demo nurse sign-in: http://\S+/  user nurse  password (\S+)")]
    private static partial Regex NursePassword();

    [GeneratedRegex(@"wet_[A-Za-z0-9_-]{43}")]
    private static partial Regex AdminToken();

    private static int CountOf(string text, string value)
    {
        Assert.False(string.IsNullOrEmpty(value));
        return (text.Length - text.Replace(value, "", StringComparison.Ordinal).Length) / value.Length;
    }

    private static async Task WaitForAlertsAndStopAsync(ChildProcess demo, HttpClient http, CancellationToken ct)
    {
        var alerts = 0;
        using (var deadline = CancellationTokenSource.CreateLinkedTokenSource(ct))
        {
            deadline.CancelAfter(Patience);
            while (alerts < 2)
            {
                Assert.False(demo.HasExited, demo.Output);
                // The admin token the demo prints is the way in, as for any machine client.
                if (http.DefaultRequestHeaders.Authorization is null && AdminToken().Match(demo.Output) is { Success: true } token)
                {
                    http.DefaultRequestHeaders.Authorization = new AuthenticationHeaderValue("Bearer", token.Value);
                }

                try
                {
                    using var json = JsonDocument.Parse(await http.GetStringAsync("api/alerts", deadline.Token));
                    alerts = json.RootElement.GetArrayLength();
                }
                catch (HttpRequestException)
                {
                    // Not listening yet.
                }

                await Task.Delay(TimeSpan.FromMilliseconds(500), deadline.Token);
            }
        }

        // The printed nurse credentials sign in (cookie session) as the demo nurse.
        var password = NursePassword().Match(demo.Output).Groups[1].Value;
        using var browser = new HttpClient { BaseAddress = http.BaseAddress };
        using var signIn = await browser.PostAsync(
            "auth/login", new StringContent($"{{\"username\":\"nurse\",\"password\":\"{password}\"}}", System.Text.Encoding.UTF8, "application/json"), ct);
        Assert.Equal(System.Net.HttpStatusCode.NoContent, signIn.StatusCode);
        using var me = JsonDocument.Parse(await browser.GetStringAsync("api/me", ct));
        Assert.Equal("nurse", me.RootElement.GetProperty("role").GetString());

        await demo.StopAsync(TimeSpan.FromSeconds(10), ct);
    }
}

using System.Globalization;
using System.Text.Json;
using WearableEdge.IntegrationTests.Fixtures;
using Xunit;

namespace WearableEdge.IntegrationTests.Privacy;

/// <summary>
/// No patient identifier in the logs: runs the real demo (its own process, its simulated ward,
/// default logging) until it has raised alerts, stops it, and scans everything it printed.
/// </summary>
public sealed class DemoLogPrivacyTests
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
            [Path.Combine(AppContext.BaseDirectory, "WearableEdge.EdgeService.dll"), "--demo", "--Demo:Speed", "20",
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

        // The scan means something only if the service logged its alerts and ran the ward.
        Assert.Contains(" raised: priority ", output, StringComparison.Ordinal);
        Assert.Contains("Demo: simulating 8 patients", output, StringComparison.Ordinal);
        for (var patient = 1; patient <= 8; patient++)
        {
            Assert.DoesNotContain($"patient-{patient:000}", output, StringComparison.Ordinal);
        }

        Directory.Delete(dataDirectory, recursive: true);
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

        await demo.StopAsync(TimeSpan.FromSeconds(10), ct);
    }
}

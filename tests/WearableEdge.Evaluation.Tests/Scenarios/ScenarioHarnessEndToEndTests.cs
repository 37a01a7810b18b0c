using WearableEdge.Evaluation.Scenarios;

namespace WearableEdge.Evaluation.Tests.Scenarios;

/// <summary>
/// The whole harness, briefly: a real Mosquitto, the real service and the simulator as child processes (built
/// beside this test through the tool's project references), two minutes of the demo at 20× device time.
/// </summary>
public sealed class ScenarioHarnessEndToEndTests : IDisposable
{
    private readonly string _report = Directory.CreateTempSubdirectory("wearableedge-eval-report-").FullName;

    public void Dispose() => Directory.Delete(_report, recursive: true);

    [Fact]
    public async Task Scenarios_DemoForTwoMinutes_DetectsTheFallAndDesaturationAndWritesReportAndPlots()
    {
        if (!File.Exists(MosquittoBroker.DebianPath))
        {
            Assert.Skip($"Mosquitto is not installed at {MosquittoBroker.DebianPath} ('apt-get install mosquitto'); the harness needs a real broker.");
        }

        var ct = TestContext.Current.CancellationToken;

        var exit = await ScenarioCommand.RunAsync(["--set", "demo", "--duration", "2m", "--speed", "20", "--report", _report], ct);

        Assert.Equal(0, exit);
        var markdown = await File.ReadAllTextAsync(Path.Combine(_report, "scenarios.md"), ct);
        // The demo's fall (40 s in) and desaturation (15 s in) lie inside the two minutes; the slow
        // deterioration begins but has no time to alert, so it is not asserted.
        Assert.Contains("| fall | 1 | 1 | 1/1 = 100 %", markdown, StringComparison.Ordinal);
        Assert.Contains("| desaturation | 1 | 1 | 1/1 = 100 %", markdown, StringComparison.Ordinal);
        Assert.Contains("messagesAccepted.vitals", markdown, StringComparison.Ordinal);
        foreach (var png in new[] { ScenarioReport.LatencyPng, ScenarioReport.AlertsPerDayPng })
        {
            var bytes = await File.ReadAllBytesAsync(Path.Combine(_report, png), ct);
            Assert.True(bytes.Length > 1000 && bytes[1] == (byte)'P' && bytes[2] == (byte)'N' && bytes[3] == (byte)'G', $"{png} is not a PNG");
        }
    }
}

using System.Globalization;
using System.Security.Cryptography;
using System.Text.Json;
using WearableEdge.Contracts;
using WearableEdge.IntegrationTests.EndToEnd;
using WearableEdge.IntegrationTests.Faults;
using WearableEdge.IntegrationTests.Fixtures;
using Xunit;

namespace WearableEdge.IntegrationTests.Models;

/// <summary>
/// The shipped ONNX models on the real path: the simulator CLI publishes to Mosquitto, the
/// service computes the Clinical features, scores them with ONNX Runtime and raises model alerts
/// that carry provenance (id, version, SHA-256 of the file), a probability with its interval,
/// the inputs and the features that pushed the score most.
/// </summary>
public sealed class ModelAlertEndToEndTests(MosquittoFixture mosquitto) : IClassFixture<MosquittoFixture>
{
    private static readonly TimeSpan Patience = TimeSpan.FromSeconds(90);

    [Fact]
    public async Task SlowDeterioration_OverHours_RaisesADeteriorationModelAlertWithProvenanceAndInterval()
    {
        var ct = TestContext.Current.CancellationToken;
        var broker = mosquitto.Broker.BrokerUri;
        var manifest = ShippedManifest("deterioration-sepsis-6h", out var sha256);
        await using var service = await EdgeServiceInstance.StartAsync(broker, timeSeriesStore: null, ct);

        // Ten hours of device time, replayed at 3600× from ten hours ago: patient-001 worsens
        // from hour 2 over a three-hour ramp (HR +45 /min, RR +12 /min, SpO2 −7 %, temperature
        // +2 °C, systolic −25 mmHg), patient-002 stays at baseline.
        var start = DateTimeOffset.UtcNow.AddHours(-10);
        start = new DateTimeOffset(start.Year, start.Month, start.Day, start.Hour, 0, 0, TimeSpan.Zero);
        var ward = new SimulatedWard(2, Seed: 11, Speed: 3600, TimeSpan.FromHours(10), ["deterioration:patient-001:2h:8h:3h"]) { DeviceStart = start };
        await using (var simulator = SimulatorRun.Start(ward, broker, $"sim-{Guid.NewGuid():N}"))
        {
            var result = await simulator.WaitForExitAsync(Patience, ct);
            Assert.True(result.ExitCode == 0, result.Output);
        }

        var alert = await Eventually.ValueAsync(
            token => service.GetAlertsAsync(token),
            alerts => alerts.Any(a => a.PatientId == "patient-001" && a.ScoreSourceKind == "model"),
            Patience,
            "a deterioration model alert for patient-001",
            ct).ContinueWith(t => t.Result.First(a => a.PatientId == "patient-001" && a.ScoreSourceKind == "model"), ct);

        Assert.Equal(manifest.AlertType, alert.Type);
        Assert.Equal(manifest.Id, alert.ScoreSourceId);
        Assert.Equal(manifest.Version, alert.ScoreSourceVersion);
        Assert.Equal(sha256, alert.ScoreSourceSha256);
        AssertInterval(alert);
        Assert.True(alert.Probability >= manifest.Thresholds[^1].Probability, $"probability {alert.Probability} below every threshold");
        Assert.Contains(manifest.Id, alert.Reason, StringComparison.Ordinal);

        // The inputs it saw, in the manifest's order, over a window that ends after the onset.
        Assert.Equal(manifest.Inputs.Features.Select(f => f.Name), alert.Features!.Select(f => f.Name));
        Assert.True(alert.WindowEnd > start.AddHours(2), $"window ends {alert.WindowEnd:O}, before the onset");
        Assert.InRange(alert.TopFeatures!.Count, 1, 3);
        Assert.All(alert.TopFeatures, f => Assert.False(string.IsNullOrWhiteSpace(f.Description)));

        // A stable patient scored over the same hours raises no model alert.
        var all = await service.GetAlertsAsync(ct);
        Assert.DoesNotContain(all, a => a.PatientId == "patient-002" && a.ScoreSourceKind == "model");

        var models = await service.GetJsonAsync("api/models", ct);
        Assert.Contains(models.GetProperty("models").EnumerateArray(), m => m.GetProperty("sha256").GetString() == sha256);
    }

    [Fact]
    public async Task ScriptedFall_InTheMotionStream_RaisesOneFallModelAlertWithinSeconds()
    {
        var ct = TestContext.Current.CancellationToken;
        var broker = mosquitto.Broker.BrokerUri;
        var manifest = ShippedManifest("fall-detection", out var sha256);
        await using var service = await EdgeServiceInstance.StartAsync(broker, timeSeriesStore: null, ct);

        var start = DateTimeOffset.UtcNow;
        start = new DateTimeOffset(start.Year, start.Month, start.Day, start.Hour, start.Minute, start.Second, TimeSpan.Zero);
        var ward = new SimulatedWard(2, Seed: 5, Speed: 4, TimeSpan.FromMinutes(1), ["fall:patient-001:20s:30s"]) { DeviceStart = start, Motion = true };
        await using (var simulator = SimulatorRun.Start(ward, broker, $"sim-{Guid.NewGuid():N}"))
        {
            var result = await simulator.WaitForExitAsync(Patience, ct);
            Assert.True(result.ExitCode == 0, result.Output);
        }

        var alerts = await Eventually.ValueAsync(
            token => service.GetAlertsAsync(token),
            list => list.Any(a => a.Type == manifest.AlertType),
            Patience,
            "a fall alert",
            ct);

        var fall = Assert.Single(alerts, a => a.Type == manifest.AlertType);
        Assert.Equal("patient-001", fall.PatientId);
        Assert.Equal("model", fall.ScoreSourceKind);
        Assert.Equal(sha256, fall.ScoreSourceSha256);
        Assert.Equal("high", fall.Priority);
        AssertInterval(fall);

        // Detected from the window that holds the impact, within seconds of it in device time.
        var impact = start.AddSeconds(20);
        Assert.InRange(fall.WindowEnd, impact, impact.AddSeconds(5));
    }

    private static void AssertInterval(AlertMessage alert)
    {
        Assert.NotNull(alert.Probability);
        Assert.NotNull(alert.ProbabilityLower);
        Assert.NotNull(alert.ProbabilityUpper);
        Assert.InRange(alert.Probability.Value, alert.ProbabilityLower.Value, alert.ProbabilityUpper.Value);
        Assert.True(alert.ProbabilityLower >= 0 && alert.ProbabilityUpper <= 1, $"interval {alert.ProbabilityLower}–{alert.ProbabilityUpper}");
    }

    private static ModelManifest ShippedManifest(string id, out string sha256)
    {
        var folder = Path.Combine(ReliabilityReport.RepositoryRoot, "models", id, "1.0.0");
        sha256 = Convert.ToHexStringLower(SHA256.HashData(File.ReadAllBytes(Path.Combine(folder, "model.onnx"))));
        return JsonSerializer.Deserialize(File.ReadAllText(Path.Combine(folder, "model.json")), ModelManifestJsonContext.Default.ModelManifest)!;
    }
}

using System.Diagnostics;
using System.Globalization;
using System.Text;
using System.Text.Json;
using WearableEdge.Contracts;
using WearableEdge.EdgeService.Sync;
using WearableEdge.IntegrationTests.Fixtures;
using Xunit;

namespace WearableEdge.IntegrationTests.EndToEnd;

/// <summary>
/// The whole path on real processes: the device simulator (a child process) publishes to
/// Mosquitto, the service ingests, windows, scores and alerts, and the alert is found in SQLite,
/// on the MQTT alert topic, over HTTP and in VictoriaMetrics.
/// </summary>
public sealed class EndToEndTests(MosquittoFixture mosquitto, VictoriaMetricsFixture victoriaMetrics)
    : IClassFixture<MosquittoFixture>, IClassFixture<VictoriaMetricsFixture>
{
    private static readonly TimeSpan Patience = TimeSpan.FromSeconds(60);

    [Fact]
    public async Task Deterioration_SimulatedOnMosquitto_AlertReachesStoreMqttHttpAndVictoriaMetrics()
    {
        var ct = TestContext.Current.CancellationToken;
        var broker = mosquitto.Broker.BrokerUri;
        await using var service = await EdgeServiceInstance.StartAsync(broker, victoriaMetrics.Store.BaseUri, ct);
        await using var alerts = await MqttProbe.ConnectAsync(broker, "wearable-edge/alerts/#", ct);
        await WaitForBrokerConnectionAsync(service, ct);

        var groundTruth = Path.Combine(service.DataDirectory, "ground-truth.jsonl");
        var simulator = await RunSimulatorAsync(
            ["--broker", broker.ToString(), "--patients", "3", "--seed", "7", "--speed", "60", "--duration", "10m",
             "--event", "deterioration:patient-002:1m:20m", "--ground-truth", groundTruth, "--client-id", $"sim-{Guid.NewGuid():N}"],
            ct);
        Assert.True(simulator.ExitCode == 0, simulator.Output);

        // MQTT: the alert arrives on the patient's alert topic.
        await alerts.WaitUntilAsync(
            messages => messages.Any(m => m.Topic == "wearable-edge/alerts/patient-002"
                && JsonSerializer.Deserialize(m.Payload, ContractJsonContext.Default.AlertMessage)!.Type == "news2"),
            Patience,
            ct);
        var published = alerts.Received
            .Select(m => JsonSerializer.Deserialize(m.Payload, ContractJsonContext.Default.AlertMessage)!)
            .ToList();
        // The deterioration's SpO2 fall may also raise a desaturation alert; this test follows the NEWS2 one.
        var alert = published.First(a => a.PatientId == "patient-002" && a.Type == "news2");
        Assert.Equal("news2", alert.Type);
        Assert.Contains(alert.Priority, new[] { "medium", "high" });
        Assert.Equal("news2-band", alert.RuleId);
        Assert.Equal("news2-wearable", alert.ScoreSourceId);
        Assert.True(alert.Score >= 3, $"score {alert.Score}");
        Assert.Contains(alert.Parameters, p => p.Points > 0);
        Assert.Contains("consciousness", alert.NotAssessed);
        Assert.False(alert.Late);

        // The alert is not earlier than the event's onset in the ground truth.
        var truth = JsonDocument.Parse(File.ReadLines(groundTruth).Single(l => !l.Contains("\"event\":\"monitored\"", StringComparison.Ordinal))).RootElement;
        Assert.Equal("patient-002", truth.GetProperty("patientId").GetString());
        var onset = DateTimeOffset.Parse(truth.GetProperty("onset").GetString()!, CultureInfo.InvariantCulture);
        Assert.True(alert.RaisedAt > onset, $"raised {alert.RaisedAt:O} before onset {onset:O}");

        // Baseline patients raise nothing (no false alarm in this seeded ward).
        Assert.DoesNotContain(published, a => a.PatientId != "patient-002");

        // HTTP and SQLite: the same alert, stored.
        var overHttp = await service.GetAlertsAsync(ct);
        Assert.Contains(overHttp, a => a.Id == alert.Id);
        var stored = await service.QueryStoreAsync($"SELECT patient_id, priority, status FROM alerts WHERE id = '{alert.Id}'", ct);
        Assert.Equal("patient-002", Assert.Single(stored)[0]);

        // VictoriaMetrics: every transition queued for the store is synced, and there is exactly one
        // point per transition, under the patient's pseudonym, never the patient id.
        var unsynced = await Eventually.ValueAsync(
            token => service.QueryStoreAsync("SELECT COUNT(*) FROM outbox WHERE target = 'tsdb' AND state <> 'synced'", token),
            rows => Convert.ToInt64(rows[0][0], CultureInfo.InvariantCulture) == 0,
            Patience,
            "outbox drained to the time-series store",
            ct);
        Assert.NotNull(unsynced);
        var queued = Convert.ToInt32(
            (await service.QueryStoreAsync("SELECT COUNT(*) FROM outbox WHERE target = 'tsdb' AND kind = 'alert'", ct))[0][0], CultureInfo.InvariantCulture);
        Assert.True(queued >= 1);

        var pseudonym = new PatientPseudonymizer(Encoding.UTF8.GetBytes(EdgeServiceInstance.SiteKey)).Pseudonymize("patient-002");
        var export = await victoriaMetrics.Store.WaitForExportAsync(
            $"alert_score{{patient=\"{pseudonym}\"}}", text => PointCount(text) >= queued, Patience, ct);
        Assert.Equal(queued, PointCount(export));
        Assert.DoesNotContain("patient-002", export, StringComparison.Ordinal);
        Assert.Contains("\"source\":\"news2-band\"", export, StringComparison.Ordinal);
        Assert.Contains(alert.RaisedAt.ToUnixTimeMilliseconds().ToString(CultureInfo.InvariantCulture), export, StringComparison.Ordinal);

        // Trends upstream: one vitals_1m point per patient-minute, under the pseudonym; the raw
        // samples stay in the gateway's store.
        var minutes = await victoriaMetrics.Store.WaitForExportAsync(
            $"vitals_1m_heart_rate_mean{{patient=\"{pseudonym}\"}}", text => PointCount(text) >= 8, Patience, ct);
        Assert.InRange(PointCount(minutes), 8, 10);
        var raw = await service.QueryStoreAsync("SELECT COUNT(*) FROM samples WHERE patient_id = 'patient-002'", ct);
        Assert.True(Convert.ToInt64(raw[0][0], CultureInfo.InvariantCulture) >= 9 * 60, $"raw samples stored: {raw[0][0]}");

        var health = await service.GetJsonAsync("health", ct);
        var tsdb = health.GetProperty("sync").GetProperty("targets").EnumerateArray().Single(t => t.GetProperty("target").GetString() == "tsdb");
        Assert.Equal(0, tsdb.GetProperty("pending").GetInt32());
        Assert.True(tsdb.TryGetProperty("lastSuccessAt", out _));
    }

    [Fact]
    public async Task MalformedPayloads_OnMosquitto_AreDeadLetteredWithReasonAndIngestGoesOn()
    {
        var ct = TestContext.Current.CancellationToken;
        var broker = mosquitto.Broker.BrokerUri;
        await using var service = await EdgeServiceInstance.StartAsync(broker, timeSeriesStore: null, ct);
        await using var probe = await MqttProbe.ConnectAsync(broker, Topics.DeadLetter, ct);
        await WaitForBrokerConnectionAsync(service, ct);

        var patient = $"dl-{Guid.NewGuid():N}"[..12];
        var bad = new (string Payload, string Reason)[]
        {
            ("this is not json", "malformed-json"),
            ("""{"schemaVersion":2,"deviceId":"d1","samples":[{"ts":"2026-01-01T00:00:00Z","heartRate":70}]}""", "unsupported-schema-version"),
            ("""{"schemaVersion":1,"deviceId":"d1","samples":[{"heartRate":70}]}""", "missing-timestamp"),
        };
        foreach (var (payload, _) in bad)
        {
            await probe.PublishAsync(Topics.Vitals(patient), payload, ct);
        }

        // Ingest goes on: valid samples after the garbage are windowed for the patient.
        var start = new DateTimeOffset(2026, 1, 1, 8, 0, 0, TimeSpan.Zero);
        for (var batch = 0; batch < 18; batch++)
        {
            var samples = string.Join(",", Enumerable.Range(batch * 5, 5).Select(s =>
                $$"""{"ts":"{{start.AddSeconds(s):O}}","heartRate":72,"spO2":97,"respirationRate":14,"temperatureC":36.8}"""));
            await probe.PublishAsync(Topics.Vitals(patient), $$"""{"schemaVersion":1,"deviceId":"d1","samples":[{{samples}}]}""", ct);
        }

        await probe.WaitUntilAsync(messages => messages.Count >= bad.Length, Patience, ct);
        var letters = probe.Received.Select(m => JsonSerializer.Deserialize(m.Payload, ContractJsonContext.Default.DeadLetterMessage)!).ToList();
        foreach (var (payload, reason) in bad)
        {
            var letter = Assert.Single(letters, l => l.Reason == reason);
            Assert.Equal(Topics.Vitals(patient), letter.Topic);
            Assert.Equal(payload, Encoding.UTF8.GetString(Convert.FromBase64String(letter.PayloadBase64)));
            Assert.False(string.IsNullOrWhiteSpace(letter.Detail));
        }

        var patients = await Eventually.ValueAsync(
            token => service.GetJsonAsync("api/patients", token),
            json => json.EnumerateArray().Any(p => p.GetProperty("patientId").GetString() == patient && p.TryGetProperty("news2", out var news2) && news2.ValueKind == JsonValueKind.Object),
            Patience,
            "a window for the patient after the malformed payloads",
            ct);
        var scored = patients.EnumerateArray().Single(p => p.GetProperty("patientId").GetString() == patient);
        Assert.Equal(0, scored.GetProperty("news2").GetProperty("total").GetInt32());

        var rejected = (await service.GetJsonAsync("health", ct)).GetProperty("ingest").GetProperty("messagesRejected");
        foreach (var (_, reason) in bad)
        {
            Assert.Equal(1, rejected.GetProperty(reason).GetInt64());
        }
    }

    [Fact]
    public async Task BrokerCrash_MosquittoKilledAndRestarted_ServiceReconnectsAndResubscribes()
    {
        var ct = TestContext.Current.CancellationToken;
        await using var ownBroker = await MosquittoProcess.StartAsync(ct);
        await using var service = await EdgeServiceInstance.StartAsync(ownBroker.BrokerUri, timeSeriesStore: null, ct);
        await WaitForBrokerConnectionAsync(service, ct);

        // A crash loses the broker's unsaved sessions, subscriptions included: only a resubscribe
        // by the service lets data flow again.
        await ownBroker.KillAsync(ct);
        await ownBroker.RestartAsync(ct);
        await Eventually.ValueAsync(
            token => service.GetJsonAsync("health", token),
            json => json.GetProperty("broker").GetProperty("connects").GetInt32() >= 2 && json.GetProperty("broker").GetProperty("connected").GetBoolean(),
            Patience,
            "a reconnect after the broker restart",
            ct);

        await using var device = await MqttProbe.ConnectAsync(ownBroker.BrokerUri, subscribeFilter: null, ct);
        var start = new DateTimeOffset(2026, 1, 1, 9, 0, 0, TimeSpan.Zero);
        var samples = string.Join(",", Enumerable.Range(0, 90).Select(s =>
            $$"""{"ts":"{{start.AddSeconds(s):O}}","heartRate":75,"spO2":98}"""));
        await device.PublishAsync(Topics.Vitals("after-restart"), $$"""{"schemaVersion":1,"deviceId":"d2","samples":[{{samples}}]}""", ct);

        await Eventually.ValueAsync(
            token => service.GetJsonAsync("api/patients", token),
            json => json.EnumerateArray().Any(p => p.GetProperty("patientId").GetString() == "after-restart"),
            Patience,
            "samples published after the restart reaching the service",
            ct);
    }

    private static Task WaitForBrokerConnectionAsync(EdgeServiceInstance service, CancellationToken ct) =>
        Eventually.ValueAsync(
            token => service.GetJsonAsync("health", token),
            json => json.GetProperty("broker").GetProperty("connected").GetBoolean(),
            Patience,
            "the service connecting to the broker",
            ct);

    private static int PointCount(string export) =>
        export.Split('\n', StringSplitOptions.RemoveEmptyEntries)
            .Sum(line => JsonDocument.Parse(line).RootElement.GetProperty("timestamps").GetArrayLength());

    /// <summary>Runs the simulator CLI as a child process, as a user would, and waits for it to finish.</summary>
    /// <summary>Runs the simulator CLI as a child process, as a user would, and waits for it to finish (at most a minute).</summary>
    internal static async Task<(int ExitCode, string Output)> RunSimulatorAsync(IReadOnlyList<string> arguments, CancellationToken ct)
    {
        var simulatorDll = Path.Combine(AppContext.BaseDirectory, "WearableEdge.DeviceSim.dll");
        var start = new ProcessStartInfo("dotnet") { RedirectStandardOutput = true, RedirectStandardError = true };
        start.ArgumentList.Add(simulatorDll);
        foreach (var argument in arguments)
        {
            start.ArgumentList.Add(argument);
        }

        using var process = Process.Start(start)!;
        var stdout = process.StandardOutput.ReadToEndAsync(ct);
        var stderr = process.StandardError.ReadToEndAsync(ct);
        using var deadline = CancellationTokenSource.CreateLinkedTokenSource(ct);
        deadline.CancelAfter(Patience);
        try
        {
            await process.WaitForExitAsync(deadline.Token);
        }
        catch (OperationCanceledException)
        {
            process.Kill(entireProcessTree: true);
            throw;
        }

        return (process.ExitCode, await stdout + await stderr);
    }
}

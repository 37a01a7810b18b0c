using System.Diagnostics;
using System.Text.Json;
using WearableEdge.Contracts;
using WearableEdge.IntegrationTests.EndToEnd;
using WearableEdge.IntegrationTests.Fixtures;
using Xunit;

namespace WearableEdge.IntegrationTests.Faults;

/// <summary>Issue 6, fault 2: the service process is killed (SIGKILL) while it syncs a backlog, and restarted.</summary>
[Collection(FaultCollection.Name)]
public sealed class ServiceCrashTests
{
    private const int Seed = 20_261;
    private const string ClientId = "fault-service-crash";
    private const int BatchSize = 5;
    private static readonly TimeSpan Patience = TimeSpan.FromSeconds(45);

    [Fact(Timeout = 120_000)]
    public async Task Sync_ServiceKilledWhileDrainingBacklogThenRestarted_EveryStoredAlertInStoreExactlyOnce()
    {
        var ct = TestContext.Current.CancellationToken;
        var random = new Random(Seed);
        await using var report = ReliabilityReport.ForCurrentTest();
        await using var broker = await MosquittoProcess.StartAsync(ct);
        await using var store = await VictoriaMetricsProcess.StartAsync(ct);

        // Small batches, so draining the backlog takes several writes and a kill can fall between them.
        await using var service = await EdgeServiceProcess.StartAsync(
            broker.BrokerUri, store.BaseUri, ClientId, [$"--Sync:BatchSize={BatchSize}"], ct);
        report.KeepLog("service", () => service.Output);
        await using var health = HealthWatch.Start(service, TimeSpan.FromMilliseconds(25));
        await using var alertTopic = await MqttProbe.ConnectAsync(broker.BrokerUri, "wearable-edge/alerts/#", ct);
        await health.WaitUntilAsync(h => h.BrokerConnected, Patience, "the service connecting to Mosquitto", ct);

        // A backlog: the store is down while the ward raises its alerts.
        await store.StopAsync(ct);
        var ward = SimulatedWard.Alerting(seed: 62, speed: 120);
        await using (var simulator = SimulatorRun.Start(ward, broker.BrokerUri, ClientId + "-sim"))
        {
            var simulated = await simulator.WaitForExitAsync(Patience, ct);
            Assert.True(simulated.ExitCode == 0, simulated.Output);
        }

        await health.WaitUntilAsync(h => h.SamplesSeen >= ward.VitalsSamples, Patience, "the service taking in every simulated sample", ct);
        var backlog = await health.WaitUntilAsync(
            h => h.Tsdb!.Backlog > 0 && h.Mqtt!.Backlog == 0, Patience, "a tsdb backlog, with every alert published on MQTT", ct);

        // Kill as soon as the drain is under way (delivered > 0, pending > 0), or after a random
        // delay if the drain is never caught half-way.
        await store.RestartAsync(ct);
        var restarted = Stopwatch.GetTimestamp();
        var fallback = TimeSpan.FromMilliseconds(random.Next(200, 1500));
        ServiceHealth? atKill;
        try
        {
            atKill = await health.WaitUntilAsync(h => h.Tsdb!.Delivered > 0 && h.Tsdb.Pending > 0, fallback, "a drain caught half-way", ct);
        }
        catch (TimeoutException)
        {
            atKill = health.Latest;
        }

        await service.KillAsync(ct);
        var killedAfter = Stopwatch.GetElapsedTime(restarted);
        var publishedBeforeKill = alertTopic.Received
            .Select(m => JsonSerializer.Deserialize(m.Payload, ContractJsonContext.Default.AlertMessage)!)
            .ToList();
        var killState = atKill is { Tsdb: { } tsdb }
            ? $"{(tsdb.Delivered == 0 ? "before the first write" : tsdb.Backlog > 0 ? "mid-drain" : "drained")}: {tsdb}"
            : "unknown (no /health yet)";
        var rowsAtKill = await service.CountAsync(
            $"SELECT COUNT(*) FROM outbox o WHERE {AlertPointAudit.AlertRowsWhere} AND o.state <> 'synced'", ct);

        // Restart on the same data folder, port and MQTT client id (the broker's persistent session).
        health.Forget();
        await service.StartAgainAsync(ct);
        var serviceRestarted = Stopwatch.GetTimestamp();
        var drained = await health.WaitUntilAsync(
            h => h.BrokerConnected && h.Tsdb!.Backlog == 0, Patience, "the backlog draining after the restart", ct);
        var drainTime = Stopwatch.GetElapsedTime(serviceRestarted);
        var audit = await AlertPointAudit.WaitForDrainAsync(service, store, Patience, ct);

        var storedIds = (await service.QueryStoreAsync("SELECT id FROM alerts", ct)).Select(r => (string)r[0]!).ToHashSet(StringComparer.Ordinal);
        var lostFromStore = publishedBeforeKill.Select(a => a.Id).Distinct().Where(id => !storedIds.Contains(id)).ToList();
        report.Add("seed (kill delay)", Seed);
        report.Add("alerts raised", storedIds.Count);
        report.Add("alert transitions stored", await service.CountAsync("SELECT COUNT(*) FROM alert_events", ct));
        report.Add("alert messages on MQTT before the kill", publishedBeforeKill.Count);
        report.Add("  of them not in the store after restart", lostFromStore.Count);
        report.Add("tsdb backlog before the store came back", backlog.Tsdb!.Backlog);
        report.Add("killed after store restart", killedAfter);
        report.Add("state at kill", killState);
        report.Add("unsynced alert rows at kill", rowsAtKill);
        report.Add("tsdb alert rows (raised + escalated)", audit.StoreRows);
        report.Add("alert rows synced", audit.StoreRows - audit.Unsynced);
        report.Add("points in VictoriaMetrics", audit.Points);
        report.Add("distinct points", audit.DistinctPoints);
        report.Add("duplicates (re-sent after the kill)", audit.Duplicates);
        report.Add("missing", audit.Missing);
        report.Add("unexpected", audit.Unexpected);
        report.Add("drain time after the service restart", drainTime);
        report.Add("pending after restart and drain", drained.Tsdb!.Pending);

        Assert.True(publishedBeforeKill.Count > 0, "no alert reached MQTT before the kill");
        Assert.Empty(lostFromStore);
        Assert.True(audit.StoreRows >= 20, $"the ward raised too few alerts to test anything: {audit}");

        // Exactly once per transition: every row synced, one distinct point per row, nothing else.
        // A kill between the store's acknowledgement and the outbox update re-sends that batch after
        // the restart (at-least-once, documented): the point is the same series and timestamp, which
        // InfluxDB overwrites but VictoriaMetrics keeps as a second raw sample. Only the batch in
        // flight at the kill can be re-sent.
        Assert.True(audit.Unsynced == 0 && audit.Missing == 0 && audit.Unexpected == 0, audit.ToString());
        Assert.True(audit.Duplicates <= BatchSize, $"more re-sent points than one batch: {audit}");
    }
}

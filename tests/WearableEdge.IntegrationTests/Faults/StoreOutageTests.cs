using System.Diagnostics;
using WearableEdge.IntegrationTests.Fixtures;
using Xunit;

namespace WearableEdge.IntegrationTests.Faults;

/// <summary>Issue 6, fault 1: the time-series store goes away while the ward raises alerts, and comes back.</summary>
[Collection(FaultCollection.Name)]
public sealed class StoreOutageTests
{
    private static readonly TimeSpan Patience = TimeSpan.FromSeconds(45);

    [Fact(Timeout = 120_000)]
    public async Task Sync_StoreStoppedWhileAlertsAreRaisedThenRestarted_EveryAlertArrivesOnceAndBacklogDrains()
    {
        var ct = TestContext.Current.CancellationToken;
        await using var report = ReliabilityReport.ForCurrentTest();
        await using var broker = await MosquittoProcess.StartAsync(ct);
        await using var store = await VictoriaMetricsProcess.StartAsync(ct);
        await using var service = await EdgeServiceProcess.StartAsync(broker.BrokerUri, store.BaseUri, "fault-store-outage", [], ct);
        report.KeepLog("service", () => service.Output);
        await using var health = HealthWatch.Start(service, TimeSpan.FromMilliseconds(100));
        await health.WaitUntilAsync(h => h.BrokerConnected, Patience, "the service connecting to Mosquitto", ct);

        var ward = SimulatedWard.Alerting(seed: 61, speed: 120);
        await using var simulator = SimulatorRun.Start(ward, broker.BrokerUri, "fault-store-outage-sim");

        // The store is up for the first alerts, then goes away while the ward keeps raising them.
        var beforeOutage = await health.WaitUntilAsync(
            h => h.Tsdb?.Delivered > 0, Patience, "a first alert delivered to the store", ct);
        await store.StopAsync(ct);
        var outageStarted = Stopwatch.GetTimestamp();
        health.ResetMaxBacklog();
        report.Add("delivered before the outage", beforeOutage.Tsdb!.Delivered);

        var simulated = await simulator.WaitForExitAsync(Patience, ct);
        Assert.True(simulated.ExitCode == 0, simulated.Output);
        var ingested = await health.WaitUntilAsync(
            h => h.SamplesSeen >= ward.VitalsSamples, Patience, "the service taking in every simulated sample", ct);
        var duringOutage = await health.WaitUntilAsync(
            h => h.Tsdb!.ErrorsByKind.Values.Sum() > 0 && h.Tsdb.Backlog > 0, Patience, "failed deliveries while the store is down", ct);

        var unsyncedAlertRows = await service.CountAsync(
            $"SELECT COUNT(*) FROM outbox o WHERE {AlertPointAudit.AlertRowsWhere} AND o.state <> 'synced'", ct);
        await store.RestartAsync(ct);
        var outage = Stopwatch.GetElapsedTime(outageStarted);
        var restarted = Stopwatch.GetTimestamp();
        var maxBacklog = health.MaxTsdbBacklog;
        var drained = await health.WaitUntilAsync(h => h.Tsdb!.Backlog == 0, Patience, "the backlog draining after the restart", ct);
        var drainTime = Stopwatch.GetElapsedTime(restarted);
        var audit = await AlertPointAudit.WaitForDrainAsync(service, store, Patience, ct);

        var alerts = await service.CountAsync("SELECT COUNT(*) FROM alerts", ct);
        var transitions = await service.CountAsync("SELECT COUNT(*) FROM alert_events", ct);
        report.Add("samples seen by the service", ingested.SamplesSeen);
        report.Add("alerts raised", alerts);
        report.Add("alert transitions stored", transitions);
        report.Add("tsdb alert rows (raised + escalated)", audit.StoreRows);
        report.Add("alert rows synced", audit.StoreRows - audit.Unsynced);
        report.Add("points in VictoriaMetrics", audit.Points);
        report.Add("duplicates", audit.Duplicates);
        report.Add("missing", audit.Missing);
        report.Add("unexpected", audit.Unexpected);
        report.Add("store down for", outage);
        report.Add("delivery errors while down", string.Join(", ", duringOutage.Tsdb!.ErrorsByKind.Select(e => $"{e.Key}={e.Value}")));
        report.Add("max tsdb backlog while down (/health, alerts + summaries)", maxBacklog);
        report.Add("unsynced alert rows when the store came back", unsyncedAlertRows);
        report.Add("drain time after restart", drainTime);
        report.Add("pending after drain", drained.Tsdb!.Pending);

        Assert.True(audit.StoreRows >= 20, $"the ward raised too few alerts to test anything: {audit}");
        Assert.True(maxBacklog > 0, "no backlog was seen while the store was down");
        Assert.True(audit.ExactlyOnce, audit.ToString());
    }
}

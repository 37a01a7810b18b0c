using System.Globalization;
using Microsoft.Extensions.Logging.Abstractions;
using Microsoft.Extensions.Options;
using Microsoft.Extensions.Time.Testing;
using WearableEdge.EdgeService.Devices;
using WearableEdge.EdgeService.Storage;
using WearableEdge.EdgeService.Sync;
using WearableEdge.EdgeService.Tests.Sync;

namespace WearableEdge.EdgeService.Tests.Devices;

/// <summary>
/// Consent withdrawn while a patient's alerts and minute summaries wait in the outbox: with a real
/// SQLite store and a recording target standing in for the time-series store, nothing of that
/// patient leaves, other patients still sync, and the withheld entries are counted.
/// </summary>
public sealed class ConsentWithdrawalSyncTests : IAsyncDisposable
{
    private static readonly OutboxDispatchSettings Settings = new(
        BatchSize: 2, PollInterval: TimeSpan.FromSeconds(1), InitialBackoff: TimeSpan.FromSeconds(1), MaxBackoff: TimeSpan.FromSeconds(8));

    private readonly TestDataDirectory _folder = new();
    private readonly FakeTimeProvider _time = new(TestAlerts.T0.AddHours(1));
    private readonly OutboxSignal _signal = new();
    private readonly EdgeMetrics _metrics = TestMeterFactory.NewMetrics();
    private readonly List<OutboxDispatcher> _started = [];

    public async ValueTask DisposeAsync()
    {
        foreach (var dispatcher in _started)
        {
            await dispatcher.StopAsync(CancellationToken.None);
            dispatcher.Dispose();
        }

        _metrics.Dispose();
        _folder.Dispose();
    }

    private sealed record Ward(EdgeDatabase Database, DeviceRegistry Registry, OutboxStore Outbox, AlertStore Alerts, RecordingOutboxTarget Tsdb, RecordingOutboxTarget Mqtt);

    private async Task<Ward> WardAsync(DeviceRegistryMode mode, params string[] consenting)
    {
        var ct = TestContext.Current.CancellationToken;
        var database = await _folder.MigratedDatabaseAsync();
        var registry = new DeviceRegistry(database, _time);
        await registry.LoadAsync(ct);
        foreach (var patient in consenting)
        {
            await registry.RecordConsentAsync(patient, "monitoring", "admin", ct);
        }

        var withholding = new ConsentWithholding(registry, Options.Create(new DeviceOptions { Registry = mode }), _metrics);
        var outbox = new OutboxStore(database, withholding);
        var tsdb = new RecordingOutboxTarget(TimeSeriesTarget.TargetName);
        var mqtt = new RecordingOutboxTarget("mqtt");
        return new Ward(database, registry, outbox, new AlertStore(database, [tsdb, mqtt], _signal, _time), tsdb, mqtt);
    }

    /// <summary>Queues, per patient, one alert (for both targets) and one minute summary (for the store), all about device time before now.</summary>
    private static async Task QueueAsync(Ward ward, DateTimeOffset eventAt, params string[] patients)
    {
        var ct = TestContext.Current.CancellationToken;
        foreach (var patient in patients)
        {
            await ward.Alerts.RecordAsync(TestAlerts.Raised(TestAlerts.Alert(id: $"al-{patient}-{eventAt.ToUnixTimeSeconds()}", patientId: patient, raisedAt: eventAt)), ct);
            await ward.Outbox.AdmitSummariesAsync(TimeSeriesTarget.TargetName, [Summary(patient, eventAt)], 10_000, eventAt, ct);
        }
    }

    private static OutboxSummary Summary(string patient, DateTimeOffset minute) => new(
        minute,
        "{\"patientId\":\"" + patient + "\",\"minuteStart\":\"" + minute.ToString("O", CultureInfo.InvariantCulture) + "\",\"coverage\":1,\"vitals\":{}}");

    private async Task DrainAsync(Ward ward, RecordingOutboxTarget target, int expected)
    {
        var dispatcher = new OutboxDispatcher(target, Settings, ward.Outbox, _signal, _metrics, _time, NullLogger<OutboxDispatcher>.Instance);
        _started.Add(dispatcher);
        await dispatcher.StartAsync(TestContext.Current.CancellationToken);
        await Polling.WaitUntilAsync(
            async () => target.Delivered.Count >= expected && (await ward.Outbox.BacklogAsync(target.Name)).Pending == 0,
            $"{expected} entries delivered to {target.Name} and nothing pending",
            () => _time.Advance(Settings.PollInterval));
        await dispatcher.StopAsync(TestContext.Current.CancellationToken);
    }

    private static string PatientOf(OutboxEntry entry) =>
        System.Text.Json.JsonDocument.Parse(entry.Payload).RootElement.GetProperty("patientId").GetString()!;

    [Fact]
    public async Task Withdrawal_QueuedAlertsAndSummaries_NothingOfThatPatientReachesTheStoreOthersDo()
    {
        var ct = TestContext.Current.CancellationToken;
        var ward = await WardAsync(DeviceRegistryMode.Enforce, "P-1", "P-2", "P-3");
        // Interleaved, so the withdrawn patient's rows sit inside every batch of two.
        await QueueAsync(ward, TestAlerts.T0, "P-1", "P-2", "P-1", "P-3");

        await ward.Registry.WithdrawConsentAsync("P-1", "privacy-officer", ct);
        await DrainAsync(ward, ward.Tsdb, expected: 4);

        Assert.DoesNotContain(ward.Tsdb.Delivered, e => PatientOf(e) == "P-1");
        Assert.Equal(["P-2", "P-2", "P-3", "P-3"], ward.Tsdb.Delivered.Select(PatientOf).Order());
        // Two alerts and two summaries of P-1 (the second alert upserts the first: same id) are withheld, not sent, not synced.
        var withheld = await SqlQueries.CountAsync(ward.Database, "SELECT COUNT(*) FROM outbox WHERE target = 'tsdb' AND state = 'withheld';");
        Assert.Equal(await SqlQueries.CountAsync(ward.Database, "SELECT COUNT(*) FROM outbox o JOIN alerts a ON a.id = o.alert_id WHERE o.target = 'tsdb' AND a.patient_id = 'P-1';") + 2, withheld);
        Assert.Equal(0, await SqlQueries.CountAsync(ward.Database, "SELECT COUNT(*) FROM outbox WHERE target = 'tsdb' AND state IN ('pending', 'in_flight');"));
        Assert.Equal(withheld, _metrics.Family("outbox_deliveries")[$"tsdb:{ConsentWithholding.Outcome}"]);
        Assert.Equal(2, _metrics.Family("minute_summaries")[ConsentWithholding.Outcome]);
        // Withheld entries do not count against the outbox bound.
        var mqttPending = await SqlQueries.CountAsync(ward.Database, "SELECT COUNT(*) FROM outbox WHERE target = 'mqtt';");
        Assert.Equal(mqttPending, await ward.Outbox.UnsyncedCountAsync(ct));

        // The alert itself stays in the local store, and the ward's MQTT alert channel still carries it.
        Assert.Equal(1, await SqlQueries.CountAsync(ward.Database, "SELECT COUNT(*) FROM alerts WHERE patient_id = 'P-1';"));
        await DrainAsync(ward, ward.Mqtt, expected: (int)mqttPending);
        Assert.Contains(ward.Mqtt.Delivered, e => PatientOf(e) == "P-1");
    }

    [Fact]
    public async Task Withdrawal_ThenConsentAgain_WithheldDataStaysWithheldNewDataSyncs()
    {
        var ct = TestContext.Current.CancellationToken;
        var ward = await WardAsync(DeviceRegistryMode.Enforce, "P-1");
        await QueueAsync(ward, TestAlerts.T0, "P-1");
        await ward.Registry.WithdrawConsentAsync("P-1", "privacy-officer", ct);
        _time.Advance(TimeSpan.FromMinutes(5));
        await ward.Registry.RecordConsentAsync("P-1", "monitoring", "admin", ct);

        // Data from before the withdrawal, still queued when consent was recorded again, and data from after it.
        var after = _time.GetUtcNow();
        await ward.Outbox.AdmitSummariesAsync(TimeSeriesTarget.TargetName, [Summary("P-1", TestAlerts.T0.AddMinutes(1)), Summary("P-1", after)], 10_000, after, ct);
        await DrainAsync(ward, ward.Tsdb, expected: 1);

        Assert.Equal([after], ward.Tsdb.Delivered.Select(e => e.EventAt));
        Assert.Equal(3, await SqlQueries.CountAsync(ward.Database, "SELECT COUNT(*) FROM outbox WHERE target = 'tsdb' AND state = 'withheld';"));
    }

    [Fact]
    public async Task RegistryOff_PatientsWithoutConsent_StillSync()
    {
        var ward = await WardAsync(DeviceRegistryMode.Off);
        await QueueAsync(ward, TestAlerts.T0, "P-1", "P-2");

        await DrainAsync(ward, ward.Tsdb, expected: 4);

        Assert.Equal(["P-1", "P-1", "P-2", "P-2"], ward.Tsdb.Delivered.Select(PatientOf).Order());
        Assert.Equal(0, await SqlQueries.CountAsync(ward.Database, "SELECT COUNT(*) FROM outbox WHERE state = 'withheld';"));
        Assert.False(_metrics.Family("outbox_deliveries").ContainsKey($"tsdb:{ConsentWithholding.Outcome}"));
    }

    [Fact]
    public async Task WithheldEntries_PurgedWithSyncedOnesAfterRetention()
    {
        var ct = TestContext.Current.CancellationToken;
        var ward = await WardAsync(DeviceRegistryMode.Enforce, "P-1", "P-2");
        await QueueAsync(ward, TestAlerts.T0, "P-1", "P-2");
        await ward.Registry.WithdrawConsentAsync("P-1", "privacy-officer", ct);
        await DrainAsync(ward, ward.Tsdb, expected: 2);
        var settledAt = _time.GetUtcNow();

        Assert.Equal(0, await ward.Outbox.PurgeSyncedAsync(settledAt.AddDays(-1), 100, ct));
        var purged = await ward.Outbox.PurgeSyncedAsync(settledAt.AddSeconds(1), 100, ct);

        Assert.Equal(4, purged);
        Assert.Equal(0, await SqlQueries.CountAsync(ward.Database, "SELECT COUNT(*) FROM outbox WHERE target = 'tsdb';"));
    }
}

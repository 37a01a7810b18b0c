using Microsoft.Extensions.Logging.Abstractions;
using Microsoft.Extensions.Options;
using Microsoft.Extensions.Time.Testing;
using WearableEdge.Clinical.Samples;
using WearableEdge.EdgeService.Storage;
using WearableEdge.EdgeService.Sync;
using WearableEdge.EdgeService.Tests.Sync;

namespace WearableEdge.EdgeService.Tests.Storage;

public sealed class RetentionServiceTests : IAsyncDisposable
{
    private static readonly DateTimeOffset GatewayNow = new(2025, 3, 2, 12, 0, 0, TimeSpan.Zero);

    private static readonly StorageOptions Settings = new()
    {
        RawRetention = TimeSpan.FromHours(24),
        SyncedOutboxRetention = TimeSpan.FromHours(2),
        PurgeInterval = TimeSpan.FromMinutes(1),
        PurgeBatchSize = 10,
    };

    private readonly TestDataDirectory _folder = new();
    private readonly FakeTimeProvider _time = new(GatewayNow);
    private readonly EdgeMetrics _metrics = TestMeterFactory.NewMetrics();
    private RetentionService? _service;

    public async ValueTask DisposeAsync()
    {
        if (_service is not null)
        {
            await _service.StopAsync(CancellationToken.None);
            _service.Dispose();
        }

        _metrics.Dispose();
        _folder.Dispose();
    }

    private static List<WearableSample> Samples(int fromSecond, int count) =>
        [.. Enumerable.Range(fromSecond, count).Select(s => new WearableSample("p-001", "dev-1", TestAlerts.T0.AddSeconds(s), new VitalSigns(HeartRate: 70)))];

    private void AdvancePause() => _time.Advance(TimeSpan.FromMilliseconds(20));

    private void AdvanceMinute() => _time.Advance(TimeSpan.FromMinutes(1));

    private async Task StartAsync(EdgeDatabase database)
    {
        _service = new RetentionService(
            new SampleStore(database), new OutboxStore(database), Options.Create(Settings), _metrics, _time, NullLogger<RetentionService>.Instance);
        await _service.StartAsync(TestContext.Current.CancellationToken);
    }

    [Fact]
    public async Task Retention_OldRawSamples_ArePurgedInBatchesAndNewOnesKept()
    {
        var ct = TestContext.Current.CancellationToken;
        var database = await _folder.MigratedDatabaseAsync();
        var samples = new SampleStore(database);
        await samples.AppendAsync(Samples(0, 35), GatewayNow.AddHours(-25), ct);
        await samples.AppendAsync(Samples(100, 5), GatewayNow.AddHours(-1), ct);
        // Inside retention now, outside it one purge interval later.
        await samples.AppendAsync(Samples(200, 3), GatewayNow.AddHours(-24).AddSeconds(30), ct);

        await StartAsync(database);

        // Fake time stands still: one batch of ten goes, then the service pauses before the next.
        await Polling.WaitUntilAsync(async () => await samples.CountAsync(ct) == 33, "the first batch of ten was purged");
        await Polling.WaitUntilAsync(async () => await samples.CountAsync(ct) == 8, "every sample older than RawRetention was purged", AdvancePause);
        Assert.Equal(8, await SqlQueries.CountAsync(database, "SELECT COUNT(*) FROM samples WHERE received_at >= $cutoff;", ("$cutoff", GatewayNow.AddHours(-24).ToUnixTimeMilliseconds())));
        await Polling.WaitUntilAsync(() => _metrics.Family("samples").GetValueOrDefault("raw-purged") == 35, "the purged samples were counted", AdvancePause);

        // The next pass, a purge interval later, takes the samples that have aged out since.
        await Polling.WaitUntilAsync(async () => await samples.CountAsync(ct) == 5, "the samples that aged out were purged on the next pass", AdvanceMinute);
        Assert.Equal(5, await SqlQueries.CountAsync(database, "SELECT COUNT(*) FROM samples WHERE received_at = $r;", ("$r", GatewayNow.AddHours(-1).ToUnixTimeMilliseconds())));
    }

    [Fact]
    public async Task Retention_SyncedOutboxEntries_OldOnesPurgedInBatchesPendingAndRecentKept()
    {
        var ct = TestContext.Current.CancellationToken;
        var database = await _folder.MigratedDatabaseAsync();
        var outbox = new OutboxStore(database);
        var alerts = new AlertStore(database, [new RecordingOutboxTarget("tsdb")], new OutboxSignal(), new FakeTimeProvider(GatewayNow.AddDays(-2)));
        for (var i = 0; i < 40; i++)
        {
            await alerts.RecordAsync(TestAlerts.Raised(TestAlerts.Alert(id: $"al-{i}", raisedAt: TestAlerts.T0.AddMinutes(i))), ct);
        }

        var claimed = await outbox.ClaimDueAsync("tsdb", GatewayNow, 100, ct);
        Assert.Equal(40, claimed.Count);
        await outbox.MarkSyncedAsync(claimed.Take(35).Select(e => e.Id), GatewayNow.AddHours(-3), ct);
        await outbox.MarkSyncedAsync(claimed.Skip(35).Select(e => e.Id), GatewayNow.AddHours(-1), ct);
        for (var i = 40; i < 43; i++)
        {
            // Pending for two days: never purged, however old.
            await alerts.RecordAsync(TestAlerts.Raised(TestAlerts.Alert(id: $"al-{i}", raisedAt: TestAlerts.T0.AddMinutes(i))), ct);
        }

        await StartAsync(database);

        await Polling.WaitUntilAsync(
            async () => await SqlQueries.CountAsync(database, "SELECT COUNT(*) FROM outbox;") == 33, "the first batch of ten was purged");
        await Polling.WaitUntilAsync(
            async () => await SqlQueries.CountAsync(database, "SELECT COUNT(*) FROM outbox;") == 8, "every entry synced before SyncedOutboxRetention was purged", AdvancePause);
        Assert.Equal(5, await SqlQueries.CountAsync(database, "SELECT COUNT(*) FROM outbox WHERE state = 'synced';"));
        Assert.Equal(3, await SqlQueries.CountAsync(database, "SELECT COUNT(*) FROM outbox WHERE state = 'pending';"));
        Assert.Equal(43, await SqlQueries.CountAsync(database, "SELECT COUNT(*) FROM alerts;"));
        Assert.Equal(43, await SqlQueries.CountAsync(database, "SELECT COUNT(*) FROM alert_events;"));
    }
}

using System.Threading.Channels;
using Microsoft.Extensions.Logging.Abstractions;
using Microsoft.Extensions.Options;
using Microsoft.Extensions.Time.Testing;
using WearableEdge.EdgeService.Features;
using WearableEdge.EdgeService.Storage;
using WearableEdge.EdgeService.Sync;

namespace WearableEdge.EdgeService.Tests.Sync;

public sealed class MinuteSummaryOutboxTests : IAsyncDisposable
{
    private static readonly DateTimeOffset GatewayNow = new(2025, 3, 1, 9, 0, 0, TimeSpan.Zero);

    private readonly TestDataDirectory _folder = new();
    private readonly FakeTimeProvider _time = new(GatewayNow);
    private readonly EdgeMetrics _metrics = TestMeterFactory.NewMetrics();
    private readonly Channel<MinuteSummary> _summaries = Channel.CreateUnbounded<MinuteSummary>();
    private MinuteSummaryOutbox? _service;

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

    private static MinuteSummary Summary(int minute) =>
        new("p-001", TestAlerts.T0.AddMinutes(minute), 1, new Dictionary<string, MinuteVital> { ["heartRate"] = new(70, 68, 72, 1) });

    private async Task<OutboxStore> StartAsync(EdgeDatabase database, int maxOutboxEntries)
    {
        var outbox = new OutboxStore(database);
        _service = new MinuteSummaryOutbox(
            _summaries.Reader, outbox, new OutboxSignal(), Options.Create(new SyncOptions { MaxOutboxEntries = maxOutboxEntries }),
            _metrics, _time, NullLogger<MinuteSummaryOutbox>.Instance);
        await _service.StartAsync(TestContext.Current.CancellationToken);
        return outbox;
    }

    private long Counted(string outcome) => _metrics.Family("minute_summaries").GetValueOrDefault(outcome);

    [Fact]
    public async Task Summaries_BelowBound_AreQueuedForTimeSeriesTargetAsJson()
    {
        var database = await _folder.MigratedDatabaseAsync();
        var outbox = await StartAsync(database, maxOutboxEntries: 100);

        _summaries.Writer.TryWrite(Summary(0));
        _summaries.Writer.TryWrite(Summary(1));

        await Polling.WaitUntilAsync(() => Counted("queued") == 2, "two summaries were counted as queued");
        var claimed = await outbox.ClaimDueAsync(TimeSeriesTarget.TargetName, GatewayNow, 10, TestContext.Current.CancellationToken);
        Assert.Equal([TestAlerts.T0, TestAlerts.T0.AddMinutes(1)], claimed.Select(e => e.EventAt));
        Assert.All(claimed, e => Assert.Equal(OutboxKind.VitalsSummary, e.Kind));
        Assert.Contains("\"heartRate\":", claimed[0].Payload, StringComparison.Ordinal);
        Assert.Equal(0, Counted("shed"));
    }

    [Fact]
    public async Task Summaries_OldOnesShedToMakeRoom_NewOnesCountedAsQueued()
    {
        var ct = TestContext.Current.CancellationToken;
        var database = await _folder.MigratedDatabaseAsync();
        var store = new OutboxStore(database);
        await store.AddSummariesAsync(
            TimeSeriesTarget.TargetName, [.. Enumerable.Range(0, 3).Select(i => new OutboxSummary(TestAlerts.T0.AddMinutes(i), "{}"))], 3, GatewayNow, ct);
        // Both are in the channel before the service starts, so they go in one batch.
        _summaries.Writer.TryWrite(Summary(10));
        _summaries.Writer.TryWrite(Summary(11));

        await StartAsync(database, maxOutboxEntries: 3);
        await Polling.WaitUntilAsync(() => Counted("shed") > 0, "the shed summaries were counted");

        // Two old summaries made room for the two new ones: both new ones are in the outbox.
        Assert.Equal(2, await SqlQueries.CountAsync(database, "SELECT COUNT(*) FROM outbox WHERE event_at >= $t;", ("$t", TestAlerts.T0.AddMinutes(10).ToUnixTimeMilliseconds())));
        Assert.Equal(2, Counted("shed"));
        Assert.Equal(2, Counted("queued"));
    }
}

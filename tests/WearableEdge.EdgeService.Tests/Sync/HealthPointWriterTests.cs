using Microsoft.Extensions.Logging.Abstractions;
using Microsoft.Extensions.Options;
using Microsoft.Extensions.Time.Testing;
using WearableEdge.EdgeService.Storage;
using WearableEdge.EdgeService.Sync;

namespace WearableEdge.EdgeService.Tests.Sync;

public sealed class HealthPointWriterTests : IDisposable
{
    private static readonly DateTimeOffset GatewayNow = new(2025, 3, 1, 9, 0, 30, TimeSpan.Zero);

    private readonly TestDataDirectory _folder = new();
    private readonly FakeTimeProvider _time = new(GatewayNow);
    private readonly EdgeMetrics _metrics = TestMeterFactory.NewMetrics();
    private readonly RecordingLineWriter _writer = new();

    public void Dispose()
    {
        _metrics.Dispose();
        _folder.Dispose();
    }

    private async Task<(HealthPointWriter Writer, OutboxStore Outbox)> CreateAsync(int maxOutboxEntries = 1000)
    {
        var outbox = new OutboxStore(await _folder.MigratedDatabaseAsync());
        var writer = new HealthPointWriter(
            _writer, outbox, Options.Create(new SyncOptions { MaxOutboxEntries = maxOutboxEntries }), _metrics, _time,
            NullLogger<HealthPointWriter>.Instance, "gw-1");
        return (writer, outbox);
    }

    private static OutboxSummary Summary(int minute) =>
        new(new DateTimeOffset(2025, 3, 1, 8, minute, 0, TimeSpan.Zero), "{}");

    [Fact]
    public async Task Snapshot_WithTimeSeriesBacklog_ReportsUnsyncedCountAndAgeOfOldestEntry()
    {
        var (writer, outbox) = await CreateAsync(maxOutboxEntries: 500);
        var ct = TestContext.Current.CancellationToken;
        await outbox.AdmitSummariesAsync(TimeSeriesTarget.TargetName, [Summary(0), Summary(1), Summary(2)], 500, GatewayNow.AddSeconds(-90), ct);
        await outbox.AdmitSummariesAsync(TimeSeriesTarget.TargetName, [Summary(3)], 500, GatewayNow.AddSeconds(-10), ct);
        _metrics.MessageRejected("malformed");
        _metrics.MessageRejected("unknown-stream");
        _metrics.DeadLetterDropped();

        var snapshot = await writer.SnapshotAsync(ct);

        Assert.Equal(new DateTimeOffset(2025, 3, 1, 9, 0, 0, TimeSpan.Zero), snapshot.At);
        Assert.Equal(4, snapshot.OutboxEntries);
        Assert.Equal(500, snapshot.MaxOutboxEntries);
        Assert.Equal(new TargetLag(4, 90), snapshot.TimeSeries);
        Assert.Equal(new TargetLag(0, 0), snapshot.AlertTopic);
        Assert.Equal(2, snapshot.DeadLetters);
        Assert.Equal(1, snapshot.DeadLettersUnpublished);
    }

    [Fact]
    public async Task Snapshot_SummariesShedAtBound_AreCounted()
    {
        var (writer, _) = await CreateAsync();
        _metrics.Summary("shed", 7);
        _metrics.Summary("queued", 3);

        var snapshot = await writer.SnapshotAsync(TestContext.Current.CancellationToken);

        Assert.Equal(7, snapshot.SummariesShed);
    }

    [Fact]
    public void ToLine_Snapshot_WritesEveryDeclaredFieldWithMinuteTimestampAndEscapedGatewayTag()
    {
        var snapshot = new EdgeHealthSnapshot(
            new DateTimeOffset(2025, 3, 1, 9, 0, 0, TimeSpan.Zero), 12, 100_000, new TargetLag(10, 61.5), new TargetLag(2, 3), 4, 1, 5);

        var line = EdgeHealthLineProtocol.ToLine(snapshot, "ward 3,a=b");

        Assert.Equal(
            @"edge_health,gateway=ward\ 3\,a\=b outbox_entries=12i,outbox_max=100000i,tsdb_pending=10i,tsdb_lag_seconds=61.5,mqtt_pending=2i,mqtt_lag_seconds=3," +
            "dead_letters=4i,dead_letters_unpublished=1i,summaries_shed=5i 1740819600000",
            line);
        var fields = line.Split(' ')[^2].Split(',').Select(f => f.Split('=')[0]);
        Assert.Equal(EdgeHealthLineProtocol.Fields, fields);
    }

    [Fact]
    public async Task WriteOnce_StoreUnreachable_KeepsPointAndSendsItWithTheNextOne()
    {
        var (writer, _) = await CreateAsync();
        var ct = TestContext.Current.CancellationToken;
        _writer.FailNext = true;

        Assert.False(await writer.WriteOnceAsync(ct));
        Assert.Equal(1, writer.Unsent);
        _time.Advance(TimeSpan.FromMinutes(1));
        Assert.True(await writer.WriteOnceAsync(ct));

        Assert.Equal(0, writer.Unsent);
        var written = Assert.Single(_writer.Batches);
        Assert.Equal(["1740819600000", "1740819660000"], written.Select(l => l.Split(' ')[^1]));
        Assert.Equal(2, _metrics.Family("outbox_deliveries").GetValueOrDefault("health:delivered"));
        Assert.Equal(1, _metrics.Family("outbox_deliveries").GetValueOrDefault("health:failed"));
    }

    [Fact]
    public async Task WriteOnce_OutageLongerThanBuffer_KeepsNewestPointsAndCountsDropped()
    {
        var (writer, _) = await CreateAsync();
        var ct = TestContext.Current.CancellationToken;
        _writer.FailAlways = true;
        for (var i = 0; i < HealthPointWriter.MaxBuffered + 5; i++)
        {
            await writer.WriteOnceAsync(ct);
            _time.Advance(TimeSpan.FromMinutes(1));
        }

        Assert.Equal(HealthPointWriter.MaxBuffered, writer.Unsent);
        Assert.Equal(5, _metrics.Family("outbox_deliveries").GetValueOrDefault("health:dropped"));
        _writer.FailAlways = false;
        Assert.True(await writer.WriteOnceAsync(ct));
        var written = Assert.Single(_writer.Batches);
        Assert.Equal(HealthPointWriter.MaxBuffered, written.Count);
        var firstKept = GatewayNow.AddMinutes(6);
        Assert.Equal(
            new DateTimeOffset(firstKept.Year, firstKept.Month, firstKept.Day, firstKept.Hour, firstKept.Minute, 0, TimeSpan.Zero).ToUnixTimeMilliseconds().ToString(System.Globalization.CultureInfo.InvariantCulture),
            written[0].Split(' ')[^1]);
    }

    [Fact]
    public async Task Execute_MinutesPass_WritesOnePointPerTickWithRisingMinuteTimestamps()
    {
        var (writer, _) = await CreateAsync();
        await writer.StartAsync(TestContext.Current.CancellationToken);
        try
        {
            Assert.Empty(_writer.Batches);

            // ExecuteAsync starts on a pool thread: keep advancing until its timer has ticked twice.
            await Polling.WaitUntilAsync(() => _writer.Batches.Count >= 2, "two edge_health writes", () => _time.Advance(HealthPointWriter.Interval));

            var lines = _writer.Batches.Take(2).Select(batch => Assert.Single(batch)).ToList();
            Assert.All(lines, line => Assert.StartsWith("edge_health,gateway=gw-1 outbox_entries=0i,", line, StringComparison.Ordinal));
            var stamps = lines.Select(line => long.Parse(line.Split(' ')[^1], System.Globalization.CultureInfo.InvariantCulture)).ToList();
            Assert.True(stamps[1] > stamps[0], "the second point stands for a later minute");
            Assert.All(stamps, stamp => Assert.Equal(0, stamp % 60_000));
        }
        finally
        {
            await writer.StopAsync(CancellationToken.None);
            writer.Dispose();
        }
    }

    private sealed class RecordingLineWriter : ITimeSeriesLineWriter
    {
        public bool FailNext { get; set; }

        public bool FailAlways { get; set; }

        public System.Collections.Concurrent.ConcurrentQueue<IReadOnlyList<string>> Batches { get; } = new();

        public Task WriteLinesAsync(IReadOnlyList<string> lines, CancellationToken cancellationToken)
        {
            if (FailNext || FailAlways)
            {
                FailNext = false;
                throw new HttpRequestException("store unreachable");
            }

            Batches.Enqueue([.. lines]);
            return Task.CompletedTask;
        }
    }
}

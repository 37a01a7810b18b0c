using System.Threading.Channels;
using Microsoft.Extensions.Logging.Abstractions;
using Microsoft.Extensions.Options;
using Microsoft.Extensions.Time.Testing;
using WearableEdge.Clinical.Alerts;
using WearableEdge.Clinical.Features;
using WearableEdge.Clinical.Samples;
using WearableEdge.Clinical.Scoring;
using WearableEdge.Contracts;
using WearableEdge.EdgeService.Alerts;
using WearableEdge.EdgeService.Api;
using WearableEdge.EdgeService.Scoring;
using WearableEdge.EdgeService.Storage;
using WearableEdge.EdgeService.Sync;
using WearableEdge.EdgeService.Tests.Sync;

namespace WearableEdge.EdgeService.Tests.Ingest;

/// <summary>
/// Backfill (issue 4): a wearable that was out of reach for 20 min uploads its buffer when it
/// reconnects. Its samples are windowed on device time (none is too late: they arrive in device
/// order), and an alert about that past period is stored, marked late, with its original event time.
/// </summary>
public sealed class EventTimeBackfillTests : IDisposable
{
    private static readonly DateTimeOffset GapStart = new(2026, 1, 1, 8, 0, 0, TimeSpan.Zero);
    private static readonly DateTimeOffset Reconnect = GapStart.AddMinutes(20);

    private readonly TestDataDirectory _folder = new();
    private readonly FakeTimeProvider _time = new(Reconnect);
    private readonly EdgeMetrics _metrics = TestMeterFactory.NewMetrics();
    private readonly Channel<ScoredWindow> _windows = Channel.CreateUnbounded<ScoredWindow>();

    public void Dispose()
    {
        _metrics.Dispose();
        _folder.Dispose();
    }

    /// <summary>20 min of 1 Hz samples from the gap; SpO2 87 % from minute 10 on (a desaturation during the gap).</summary>
    private static List<WearableSample> BufferedSamples() =>
        Enumerable.Range(0, 20 * 60)
            .Select(s => new WearableSample("p-1", "watch-1", GapStart.AddSeconds(s),
                new VitalSigns(HeartRate: 75, SpO2: s >= 600 ? 87 : 97, RespirationRate: 16, Temperature: 36.8)))
            .ToList();

    [Fact]
    public void Backfill_After20MinuteGap_IsWindowedWithNothingTooLateOrDropped()
    {
        var windower = new EventTimeWindower("p-1", WindowSpec.Default);

        var results = BufferedSamples().Select(windower.Add).ToList();

        Assert.All(results, r => Assert.Equal(SampleDisposition.Accepted, r.Disposition));
        var windows = results.SelectMany(r => r.ClosedWindows).ToList();
        // 20 min, a 60 s window every 5 s: the windows end on the hop grid up to the watermark (last − 5 s).
        Assert.True(windows.Count >= 230, $"{windows.Count} windows closed");
        Assert.Equal(GapStart.AddSeconds(5), windows[0].WindowEnd);
    }

    [Fact]
    public async Task Backfill_AlertAboutThePast_IsStoredLateWithItsOriginalEventTime()
    {
        var ct = TestContext.Current.CancellationToken;
        var database = await _folder.MigratedDatabaseAsync();
        var store = new AlertStore(database, [new RecordingOutboxTarget("mqtt", AlertTransition.Raised)], new OutboxSignal(), _time, new AlertFeed());
        using var service = new AlertService(
            _windows.Reader, store, new AlertLedger(), new PatientBoard(), Options.Create(new AlertOptions()), _metrics, _time, NullLogger<AlertService>.Instance);
        await service.StartAsync(ct);

        var windower = new EventTimeWindower("p-1", WindowSpec.Default);
        foreach (var window in BufferedSamples().SelectMany(s => windower.Add(s).ClosedWindows))
        {
            var (news2, risk) = News2Scorer.Score(window, 0.5);
            await _windows.Writer.WriteAsync(new ScoredWindow(window, news2, risk), ct);
        }

        AlertMessage? alert = null;
        await Polling.WaitUntilAsync(
            async () => (alert = (await store.QueryAsync(new AlertQuery(PatientId: "p-1"), ct)).FirstOrDefault(a => a.Type == SpO2AlertRule.AlertType)) is not null,
            "the SpO2 alert from the backfilled period is stored");
        await service.StopAsync(ct);

        Assert.True(alert!.Late, "an alert about the gap is marked late");
        // Original event time: inside the gap (SpO2 fell at minute 10), not the reconnect time.
        Assert.InRange(alert.RaisedAt, GapStart.AddMinutes(10), GapStart.AddMinutes(12));
        Assert.True(alert.RaisedAt < Reconnect - new AlertOptions().LateAfter);
        Assert.False(alert.Technical);
    }
}

using Microsoft.Extensions.Logging.Abstractions;
using Microsoft.Extensions.Options;
using Microsoft.Extensions.Time.Testing;
using WearableEdge.Clinical.Samples;
using WearableEdge.EdgeService.Storage;

namespace WearableEdge.EdgeService.Tests.Storage;

public sealed class RawSampleWriterTests : IAsyncDisposable
{
    private static readonly DateTimeOffset GatewayNow = new(2025, 3, 1, 9, 0, 0, TimeSpan.Zero);

    private readonly TestDataDirectory _folder = new();
    private readonly FakeTimeProvider _time = new(GatewayNow);
    private readonly EdgeMetrics _metrics = TestMeterFactory.NewMetrics();
    private RawSampleWriter? _writer;

    public async ValueTask DisposeAsync()
    {
        if (_writer is not null)
        {
            await _writer.StopAsync(CancellationToken.None);
            _writer.Dispose();
        }

        _metrics.Dispose();
        _folder.Dispose();
    }

    private static WearableSample Sample(int seconds) =>
        new("p-001", "dev-1", TestAlerts.T0.AddSeconds(seconds), new VitalSigns(HeartRate: 70 + seconds));

    private long Count(string outcome) => _metrics.Family("samples").GetValueOrDefault(outcome);

    [Fact]
    public void Enqueue_QueueFull_DropsNewSamplesAndCountsRawShed()
    {
        var queue = new RawSampleQueue(Options.Create(new StorageOptions { RawQueueCapacity = 2 }), _metrics);

        for (var i = 0; i < 5; i++)
        {
            queue.Enqueue(Sample(i));
        }

        Assert.Equal(3, Count("raw-shed"));
        Assert.True(queue.Reader!.TryRead(out var first));
        Assert.True(queue.Reader.TryRead(out var second));
        Assert.False(queue.Reader.TryRead(out _));
        Assert.Equal([TestAlerts.T0, TestAlerts.T0.AddSeconds(1)], [first.DeviceTime, second.DeviceTime]);
    }

    [Fact]
    public void Enqueue_RawSamplesOff_KeepsNothingAndShedsNothing()
    {
        var queue = new RawSampleQueue(Options.Create(new StorageOptions { StoreRawSamples = false, RawQueueCapacity = 1 }), _metrics);

        queue.Enqueue(Sample(0));
        queue.Enqueue(Sample(1));

        Assert.Null(queue.Reader);
        Assert.Equal(0, Count("raw-shed"));
    }

    /// <summary>Starts a writer (disposed with the test) on a fresh store; returns the store and the queue it drains.</summary>
    private async Task<(EdgeDatabase Database, SampleStore Store, RawSampleQueue Queue)> StartWriterAsync(StorageOptions settings)
    {
        var options = Options.Create(settings);
        var database = await _folder.MigratedDatabaseAsync();
        var store = new SampleStore(database);
        var queue = new RawSampleQueue(options, _metrics);
        _writer = new RawSampleWriter(queue, store, options, _metrics, _time, NullLogger<RawSampleWriter>.Instance);
        await _writer.StartAsync(TestContext.Current.CancellationToken);
        return (database, store, queue);
    }

    [Fact]
    public async Task Writer_QueuedSamples_AreStoredWithGatewayArrivalTimeAndCounted()
    {
        var (database, store, queue) = await StartWriterAsync(new StorageOptions { DataDirectory = _folder.Path, RawBatchSize = 2, RawFlushInterval = TimeSpan.Zero });

        for (var i = 0; i < 5; i++)
        {
            queue.Enqueue(Sample(i));
        }

        await Polling.WaitUntilAsync(async () => await store.CountAsync(TestContext.Current.CancellationToken) == 5, "the five queued samples were stored");
        await Polling.WaitUntilAsync(() => Count("raw-stored") == 5, "the stored samples were counted");
        Assert.Equal(5, await SqlQueries.CountAsync(database, "SELECT COUNT(*) FROM samples WHERE received_at = $now;", ("$now", GatewayNow.ToUnixTimeMilliseconds())));
        Assert.Equal(74, await SqlQueries.CountAsync(database, "SELECT MAX(heart_rate) FROM samples;"));
        Assert.Equal(0, Count("raw-shed"));
    }

    [Fact]
    public async Task Writer_FlushInterval_GathersSamplesIntoOneWriteAfterTheInterval()
    {
        var (_, store, queue) = await StartWriterAsync(new StorageOptions { DataDirectory = _folder.Path, RawFlushInterval = TimeSpan.FromSeconds(1) });

        for (var i = 0; i < 5; i++)
        {
            queue.Enqueue(Sample(i));
        }

        // The gateway clock has not moved: the writer is still gathering, nothing is written yet.
        await Task.Delay(300, TestContext.Current.CancellationToken);
        Assert.Equal(0, await store.CountAsync(TestContext.Current.CancellationToken));

        _time.Advance(TimeSpan.FromSeconds(1));
        await Polling.WaitUntilAsync(() => Count("raw-stored") == 5, "the five samples were written after the interval");
        Assert.Equal(5, await store.CountAsync(TestContext.Current.CancellationToken));
    }

    [Fact]
    public async Task Writer_StoppedWhileGathering_WritesWhatItGathered()
    {
        var (_, store, queue) = await StartWriterAsync(new StorageOptions { DataDirectory = _folder.Path, RawFlushInterval = TimeSpan.FromSeconds(30) });
        var writer = _writer!;
        _writer = null;
        for (var i = 0; i < 3; i++)
        {
            queue.Enqueue(Sample(i));
        }

        await Task.Delay(200, TestContext.Current.CancellationToken);
        Assert.Equal(0, await store.CountAsync(TestContext.Current.CancellationToken));

        await writer.StopAsync(CancellationToken.None);
        writer.Dispose();
        Assert.Equal(3, await store.CountAsync(TestContext.Current.CancellationToken));
        Assert.Equal(3, Count("raw-stored"));
    }
}

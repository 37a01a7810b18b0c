using System.Threading.Channels;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;
using WearableEdge.Clinical.Samples;

namespace WearableEdge.EdgeService.Storage;

/// <summary>
/// Raw samples on their way to the local store. Ingest hands samples over without waiting: when
/// the store falls behind by <see cref="StorageOptions.RawQueueCapacity"/> samples, new ones are
/// shed from the raw record (counted as <c>raw-shed</c>) while alerting goes on unaffected.
/// </summary>
public sealed class RawSampleQueue
{
    private readonly Channel<WearableSample>? _queue;

    public RawSampleQueue(IOptions<StorageOptions> options, EdgeMetrics metrics)
    {
        ArgumentNullException.ThrowIfNull(options);
        ArgumentNullException.ThrowIfNull(metrics);
        if (options.Value.StoreRawSamples)
        {
            _queue = Channel.CreateBounded<WearableSample>(
                new BoundedChannelOptions(options.Value.RawQueueCapacity) { FullMode = BoundedChannelFullMode.DropWrite, SingleReader = true },
                _ => metrics.Sample("raw-shed"));
        }
    }

    public void Enqueue(WearableSample sample) => _queue?.Writer.TryWrite(sample);

    internal ChannelReader<WearableSample>? Reader => _queue?.Reader;
}

/// <summary>Writes queued raw samples to the local store in batches.</summary>
internal sealed class RawSampleWriter(
    RawSampleQueue queue,
    SampleStore store,
    IOptions<StorageOptions> options,
    EdgeMetrics metrics,
    TimeProvider timeProvider,
    ILogger<RawSampleWriter> logger) : BackgroundService
{
    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        if (queue.Reader is not { } reader)
        {
            return;
        }

        var batchSize = options.Value.RawBatchSize;
        var flushInterval = options.Value.RawFlushInterval;
        var batch = new List<WearableSample>(batchSize);
        // Gather for the flush interval unless a full batch is already waiting: one transaction a
        // second costs a fraction of one per arriving sample (docs/performance.md). The interval is
        // on the gateway clock, as the arrival time written with the samples is.
        while (await reader.WaitToReadBatchAsync(flushInterval, batchSize, stoppingToken, timeProvider).ConfigureAwait(false))
        {
            while (batch.Count < batchSize && reader.TryRead(out var sample))
            {
                batch.Add(sample);
            }

            try
            {
                await store.AppendAsync(batch, timeProvider.GetUtcNow(), CancellationToken.None).ConfigureAwait(false);
                metrics.Sample("raw-stored", batch.Count);
            }
            catch (Exception e) when (e is Microsoft.Data.Sqlite.SqliteException or IOException)
            {
                metrics.Sample("raw-store-failed", batch.Count);
                Log.RawStoreFailed(logger, e, batch.Count);
            }

            batch.Clear();
        }
    }
}

/// <summary>
/// Retention: deletes raw samples older than <see cref="StorageOptions.RawRetention"/> and
/// delivered outbox entries older than <see cref="StorageOptions.SyncedOutboxRetention"/>, in
/// small batches with a pause between them so ingest's writes are never held up. Alerts are kept.
/// </summary>
internal sealed class RetentionService(
    SampleStore samples,
    OutboxStore outbox,
    IOptions<StorageOptions> options,
    EdgeMetrics metrics,
    TimeProvider timeProvider,
    ILogger<RetentionService> logger) : BackgroundService
{
    private static readonly TimeSpan PauseBetweenBatches = TimeSpan.FromMilliseconds(20);

    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        var settings = options.Value;
        while (!stoppingToken.IsCancellationRequested)
        {
            try
            {
                var now = timeProvider.GetUtcNow();
                var purgedSamples = await PurgeAsync(
                    batch => samples.PurgeAsync(now - settings.RawRetention, batch, stoppingToken), stoppingToken).ConfigureAwait(false);
                var purgedOutbox = await PurgeAsync(
                    batch => outbox.PurgeSyncedAsync(now - settings.SyncedOutboxRetention, batch, stoppingToken), stoppingToken).ConfigureAwait(false);
                metrics.Sample("raw-purged", purgedSamples);
                if (purgedSamples + purgedOutbox > 0)
                {
                    Log.RetentionPurged(logger, purgedSamples, purgedOutbox);
                }
            }
            catch (Exception e) when (e is Microsoft.Data.Sqlite.SqliteException or IOException)
            {
                Log.RetentionFailed(logger, e);
            }

            await Task.Delay(settings.PurgeInterval, timeProvider, stoppingToken).ConfigureAwait(false);
        }
    }

    private async Task<long> PurgeAsync(Func<int, Task<int>> purgeBatch, CancellationToken stoppingToken)
    {
        long total = 0;
        int deleted;
        do
        {
            deleted = await purgeBatch(options.Value.PurgeBatchSize).ConfigureAwait(false);
            total += deleted;
            if (deleted > 0)
            {
                await Task.Delay(PauseBetweenBatches, timeProvider, stoppingToken).ConfigureAwait(false);
            }
        }
        while (deleted == options.Value.PurgeBatchSize);

        return total;
    }
}

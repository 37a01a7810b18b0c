using System.Text.Json;
using System.Threading.Channels;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;
using WearableEdge.EdgeService.Features;
using WearableEdge.EdgeService.Storage;

namespace WearableEdge.EdgeService.Sync;

/// <summary>
/// Queues minute summaries in the outbox for the time-series store, in small batches, within
/// <see cref="SyncOptions.MaxOutboxEntries"/>: at the bound the oldest summaries are shed and
/// counted (<c>summaries-shed</c>); alerts are never shed.
/// </summary>
internal sealed class MinuteSummaryOutbox(
    ChannelReader<MinuteSummary> summaries,
    OutboxStore outbox,
    OutboxSignal signal,
    IOptions<SyncOptions> options,
    EdgeMetrics metrics,
    TimeProvider timeProvider,
    ILogger<MinuteSummaryOutbox> logger) : BackgroundService
{
    private const int BatchSize = 200;

    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        var batch = new List<OutboxSummary>(BatchSize);
        while (await summaries.WaitToReadAsync(stoppingToken).ConfigureAwait(false))
        {
            while (batch.Count < BatchSize && summaries.TryRead(out var summary))
            {
                batch.Add(new OutboxSummary(summary.MinuteStart, JsonSerializer.Serialize(summary, MinuteSummaryJsonContext.Default.MinuteSummary)));
            }

            var admission = await outbox.AdmitSummariesAsync(
                TimeSeriesTarget.TargetName, batch, options.Value.MaxOutboxEntries, timeProvider.GetUtcNow(), stoppingToken).ConfigureAwait(false);
            metrics.Summary("queued", admission.Queued);
            if (admission.Shed > 0)
            {
                metrics.Summary("shed", admission.Shed);
                Log.SummariesShed(logger, options.Value.MaxOutboxEntries, admission.Shed);
            }

            batch.Clear();
            signal.Notify();
        }
    }
}

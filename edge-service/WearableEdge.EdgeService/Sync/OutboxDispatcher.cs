using System.Collections.Concurrent;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;
using WearableEdge.EdgeService.Storage;

namespace WearableEdge.EdgeService.Sync;

/// <summary>How one dispatcher batches and retries.</summary>
/// <param name="BatchSize">Most entries per delivery.</param>
/// <param name="PollInterval">How often the outbox is checked when nothing wakes the dispatcher.</param>
/// <param name="InitialBackoff">Delay after the first failure; doubles per attempt, ±20 % jitter.</param>
/// <param name="MaxBackoff">Longest delay.</param>
public sealed record OutboxDispatchSettings(int BatchSize, TimeSpan PollInterval, TimeSpan InitialBackoff, TimeSpan MaxBackoff)
{
    /// <summary>Exponential back-off with ±20 % jitter, so many gateways do not retry in step.</summary>
    public TimeSpan Backoff(int attempts, double jitter01)
    {
        var exponent = Math.Min(attempts, 30);
        var raw = InitialBackoff.TotalMilliseconds * Math.Pow(2, exponent) * (0.8 + (0.4 * jitter01));
        return TimeSpan.FromMilliseconds(Math.Min(MaxBackoff.TotalMilliseconds, raw));
    }
}

/// <summary>What /health reports of one target.</summary>
public sealed class OutboxTargetStatus
{
    private readonly ConcurrentDictionary<string, long> _errors = new(StringComparer.Ordinal);

    public required string Target { get; init; }
    public DateTimeOffset? LastSuccessAt { get; private set; }
    public DateTimeOffset? LastFailureAt { get; private set; }
    public long Delivered { get; private set; }
    public IReadOnlyDictionary<string, long> ErrorsByKind => _errors;

    internal void Succeeded(DateTimeOffset at, int count)
    {
        LastSuccessAt = at;
        Delivered += count;
    }

    internal void Failed(DateTimeOffset at, string kind)
    {
        LastFailureAt = at;
        _errors.AddOrUpdate(kind, 1, (_, n) => n + 1);
    }
}

/// <summary>
/// Drains one target's outbox: claims due entries, delivers them, marks them synced only after
/// the target acknowledged them, and otherwise schedules a retry with back-off. One per target.
/// </summary>
public sealed class OutboxDispatcher(
    IOutboxTarget target,
    OutboxDispatchSettings settings,
    OutboxStore outbox,
    OutboxSignal signal,
    EdgeMetrics metrics,
    TimeProvider timeProvider,
    ILogger<OutboxDispatcher> logger) : BackgroundService
{
    public OutboxTargetStatus Status { get; } = new() { Target = target.Name };

    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        var recovered = await outbox.ResetInFlightAsync(stoppingToken).ConfigureAwait(false);
        if (recovered > 0)
        {
            Log.OutboxRecovered(logger, recovered);
        }

        while (!stoppingToken.IsCancellationRequested)
        {
            var wake = signal.Next;
            var delivered = false;
            try
            {
                if (target.IsReady)
                {
                    delivered = await DispatchBatchAsync(stoppingToken).ConfigureAwait(false);
                }
            }
            catch (Exception e) when (e is Microsoft.Data.Sqlite.SqliteException or IOException && !stoppingToken.IsCancellationRequested)
            {
                // The local store is busy or failing: the entries keep their state; try again at the next poll.
                Status.Failed(timeProvider.GetUtcNow(), "local-store");
                Log.OutboxStoreFailed(logger, e, target.Name);
            }

            if (!delivered)
            {
                await OutboxSignal.WaitAsync(wake, settings.PollInterval, timeProvider, stoppingToken).ConfigureAwait(false);
            }
        }
    }

    /// <summary>Delivers one batch; true when a full batch went out and more may be waiting.</summary>
    private async Task<bool> DispatchBatchAsync(CancellationToken stoppingToken)
    {
        var batch = await outbox.ClaimDueAsync(target.Name, timeProvider.GetUtcNow(), settings.BatchSize, stoppingToken).ConfigureAwait(false);
        if (batch.Count == 0)
        {
            return false;
        }

        try
        {
            await target.DeliverAsync(batch, stoppingToken).ConfigureAwait(false);
        }
        catch (Exception) when (stoppingToken.IsCancellationRequested)
        {
            // Stopping mid-delivery: the entries stay in flight and go back to pending at the next start.
            return false;
        }
        catch (Exception e)
        {
            var failure = target.Classify(e);
            var kind = failure.Kind;
            var delay = settings.Backoff(batch.Min(entry => entry.Attempts), Random.Shared.NextDouble());
            if (failure.RetryAfter is { } retryAfter && retryAfter > delay)
            {
                // The store said when it can take more (HTTP 429/503 Retry-After): ask no sooner.
                delay = retryAfter;
            }

            var now = timeProvider.GetUtcNow();
            await outbox.MarkFailedAsync(batch.Select(entry => entry.Id), now + delay, kind, CancellationToken.None).ConfigureAwait(false);
            Status.Failed(now, kind);
            metrics.Delivery(target.Name, "failed", batch.Count);
            Log.OutboxDeliveryFailed(logger, target.Name, batch.Count, kind, delay);
            return false;
        }

        // Delivered: record it even if we are stopping, or the entries would be sent again.
        await outbox.MarkSyncedAsync(batch.Select(entry => entry.Id), timeProvider.GetUtcNow(), CancellationToken.None).ConfigureAwait(false);
        Status.Succeeded(timeProvider.GetUtcNow(), batch.Count);
        metrics.Delivery(target.Name, "delivered", batch.Count);
        Log.OutboxDelivered(logger, target.Name, batch.Count);
        return batch.Count == settings.BatchSize;
    }
}

using WearableEdge.EdgeService.Storage;

namespace WearableEdge.EdgeService.Sync;

/// <summary>
/// Somewhere an alert transition must be delivered: the MQTT alert topic, the time-series store.
/// Each target has its own outbox entries, dispatcher and back-off.
/// </summary>
public interface IOutboxTarget
{
    /// <summary>Stable name stored with each outbox entry, for example <c>mqtt</c> or <c>tsdb</c>.</summary>
    string Name { get; }

    /// <summary>
    /// Whether this target takes entries of this kind (<see cref="OutboxKind"/>) and action
    /// (<c>raised</c>, <c>escalated</c>, <c>resolved</c> for alerts; <c>summary</c> for summaries).
    /// </summary>
    bool Takes(string kind, string action);

    /// <summary>False while the target is known to be unreachable; the dispatcher then waits instead of failing entries.</summary>
    bool IsReady { get; }

    /// <summary>Delivers the entries; returns only when the target acknowledged all of them, throws otherwise.</summary>
    Task DeliverAsync(IReadOnlyList<OutboxEntry> entries, CancellationToken cancellationToken);

    /// <summary>Names a delivery error for counters (for example <c>http-503</c>, <c>unreachable</c>) and says how long the target asked us to wait, if it did.</summary>
    DeliveryFailure Classify(Exception exception);
}

/// <summary>Why a delivery failed, and the target's own <c>Retry-After</c>, if it sent one.</summary>
/// <param name="Kind">A short, stable name for counters.</param>
/// <param name="RetryAfter">How long the target asked the client to wait; the next attempt waits at least this long.</param>
public readonly record struct DeliveryFailure(string Kind, TimeSpan? RetryAfter = null);

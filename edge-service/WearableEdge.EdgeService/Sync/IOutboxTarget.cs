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

    /// <summary>Whether this target takes transitions of this action (<c>raised</c>, <c>escalated</c>, <c>resolved</c>).</summary>
    bool Takes(string action);

    /// <summary>False while the target is known to be unreachable; the dispatcher then waits instead of failing entries.</summary>
    bool IsReady { get; }

    /// <summary>Delivers the entries; returns only when the target acknowledged all of them, throws otherwise.</summary>
    Task DeliverAsync(IReadOnlyList<OutboxEntry> entries, CancellationToken cancellationToken);

    /// <summary>A short, stable name for the kind of a delivery error, for counters (for example <c>http-503</c>, <c>unreachable</c>).</summary>
    string ErrorKind(Exception exception);
}

using System.Collections.Concurrent;
using WearableEdge.EdgeService.Storage;
using WearableEdge.EdgeService.Sync;

namespace WearableEdge.EdgeService.Tests.Sync;

/// <summary>
/// A hand-written <see cref="IOutboxTarget"/>: takes the actions it is told to, fails the first
/// <see cref="FailuresBeforeSuccess"/> deliveries, and records every entry it acknowledged.
/// </summary>
internal sealed class RecordingOutboxTarget(string name, params string[] takes) : IOutboxTarget
{
    public const string FailureKind = "test-failure";

    private readonly HashSet<string> _takes = [.. takes.Length == 0 ? [AlertTransition.Raised, AlertTransition.Escalated, AlertTransition.Resolved] : takes];
    private int _failuresLeft;
    private int _readyChecks;
    private int _attempts;
    private volatile bool _ready = true;

    public string Name { get; } = name;

    /// <summary>What <see cref="IsReady"/> answers; true unless a test says otherwise.</summary>
    public bool Ready
    {
        get => _ready;
        set => _ready = value;
    }

    public int FailuresBeforeSuccess
    {
        get => _failuresLeft;
        init => _failuresLeft = value;
    }

    /// <summary>Entries acknowledged, in delivery order.</summary>
    public ConcurrentQueue<OutboxEntry> Delivered { get; } = new();

    /// <summary>Calls of <see cref="DeliverAsync"/>, failed or not.</summary>
    public int Attempts => Volatile.Read(ref _attempts);

    /// <summary>How often the dispatcher asked <see cref="IsReady"/>: proof its loop ran.</summary>
    public int ReadyChecks => Volatile.Read(ref _readyChecks);

    public bool IsReady
    {
        get
        {
            Interlocked.Increment(ref _readyChecks);
            return Ready;
        }
    }

    public bool Takes(string kind, string action) => kind == OutboxKind.Alert && _takes.Contains(action);

    public Task DeliverAsync(IReadOnlyList<OutboxEntry> entries, CancellationToken cancellationToken)
    {
        Interlocked.Increment(ref _attempts);
        if (Interlocked.Decrement(ref _failuresLeft) >= 0)
        {
            throw new InvalidOperationException("the target is down");
        }

        foreach (var entry in entries)
        {
            Delivered.Enqueue(entry);
        }

        return Task.CompletedTask;
    }

    /// <summary>Retry-After the failures carry, as an HTTP store's 429 would; none by default.</summary>
    public TimeSpan? RetryAfter { get; init; }

    public DeliveryFailure Classify(Exception exception) => new(FailureKind, RetryAfter);
}

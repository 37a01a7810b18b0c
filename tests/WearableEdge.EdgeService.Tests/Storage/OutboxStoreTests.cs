using Microsoft.Extensions.Time.Testing;
using WearableEdge.EdgeService.Storage;
using WearableEdge.EdgeService.Sync;
using WearableEdge.EdgeService.Tests.Sync;

namespace WearableEdge.EdgeService.Tests.Storage;

public sealed class OutboxStoreTests : IDisposable
{
    private const string Target = "mqtt";
    private static readonly DateTimeOffset Created = new(2025, 3, 1, 8, 0, 30, TimeSpan.Zero);

    private readonly TestDataDirectory _folder = new();
    private readonly FakeTimeProvider _time = new(Created);

    public void Dispose() => _folder.Dispose();

    /// <summary>A store with <paramref name="alerts"/> raised alerts queued for <see cref="Target"/> and for "other", one second apart.</summary>
    private async Task<(EdgeDatabase Database, OutboxStore Outbox)> WithPendingAsync(int alerts)
    {
        var database = await _folder.MigratedDatabaseAsync();
        var store = new AlertStore(database, [new RecordingOutboxTarget(Target), new RecordingOutboxTarget("other")], new OutboxSignal(), _time);
        for (var i = 0; i < alerts; i++)
        {
            await store.RecordAsync(TestAlerts.Raised(TestAlerts.Alert(id: $"al-{i}", raisedAt: TestAlerts.T0.AddMinutes(i))), TestContext.Current.CancellationToken);
            _time.Advance(TimeSpan.FromSeconds(1));
        }

        return (database, new OutboxStore(database));
    }

    private static Task<object?> StateAsync(EdgeDatabase database, long id) =>
        SqlQueries.ScalarAsync(database, "SELECT state FROM outbox WHERE id = $id;", ("$id", id));

    [Fact]
    public async Task ClaimDueAsync_Pending_MovesToInFlightAndReturnsOldestFirst()
    {
        var (database, outbox) = await WithPendingAsync(3);
        var ct = TestContext.Current.CancellationToken;

        var claimed = await outbox.ClaimDueAsync(Target, _time.GetUtcNow(), max: 2, ct);

        Assert.Equal(["al-0", "al-1"], claimed.Select(e => e.AlertId));
        Assert.All(claimed, e => Assert.Equal(Target, e.Target));
        Assert.All(claimed, e => Assert.Equal(0, e.Attempts));
        foreach (var entry in claimed)
        {
            Assert.Equal("in_flight", await StateAsync(database, entry.Id));
        }

        Assert.Equal(new OutboxBacklog(Pending: 1, InFlight: 2, OldestUnsyncedCreatedAt: Created), await outbox.BacklogAsync(Target, ct));
    }

    [Fact]
    public async Task ClaimDueAsync_AlreadyClaimed_AreNotReturnedAgain()
    {
        var (_, outbox) = await WithPendingAsync(2);
        var ct = TestContext.Current.CancellationToken;
        var first = await outbox.ClaimDueAsync(Target, _time.GetUtcNow(), 10, ct);

        var second = await outbox.ClaimDueAsync(Target, _time.GetUtcNow().AddHours(1), 10, ct);

        Assert.Equal(2, first.Count);
        Assert.Empty(second);
    }

    [Fact]
    public async Task ClaimDueAsync_OtherTarget_IsUntouched()
    {
        var (_, outbox) = await WithPendingAsync(2);
        var ct = TestContext.Current.CancellationToken;

        await outbox.ClaimDueAsync(Target, _time.GetUtcNow(), 10, ct);

        Assert.Equal(new OutboxBacklog(2, 0, Created), await outbox.BacklogAsync("other", ct));
    }

    [Fact]
    public async Task MarkFailedAsync_Claimed_CountsAttemptAndDefersUntilNextAttempt()
    {
        var (database, outbox) = await WithPendingAsync(1);
        var ct = TestContext.Current.CancellationToken;
        var now = _time.GetUtcNow();
        var entry = Assert.Single(await outbox.ClaimDueAsync(Target, now, 10, ct));
        var nextAttempt = now.AddSeconds(30);

        await outbox.MarkFailedAsync([entry.Id], nextAttempt, "http-503", ct);

        Assert.Equal("pending", await StateAsync(database, entry.Id));
        Assert.Equal("http-503", await SqlQueries.ScalarAsync(database, "SELECT last_error FROM outbox WHERE id = $id;", ("$id", entry.Id)));
        Assert.Empty(await outbox.ClaimDueAsync(Target, now, 10, ct));
        Assert.Empty(await outbox.ClaimDueAsync(Target, nextAttempt.AddMilliseconds(-1), 10, ct));
        var retried = Assert.Single(await outbox.ClaimDueAsync(Target, nextAttempt, 10, ct));
        Assert.Equal(entry.Id, retried.Id);
        Assert.Equal(1, retried.Attempts);
    }

    [Fact]
    public async Task MarkFailedAsync_Twice_CountsTwoAttempts()
    {
        var (_, outbox) = await WithPendingAsync(1);
        var ct = TestContext.Current.CancellationToken;
        var now = _time.GetUtcNow();
        var entry = Assert.Single(await outbox.ClaimDueAsync(Target, now, 10, ct));
        await outbox.MarkFailedAsync([entry.Id], now.AddSeconds(1), "timeout", ct);
        Assert.Single(await outbox.ClaimDueAsync(Target, now.AddSeconds(1), 10, ct));

        await outbox.MarkFailedAsync([entry.Id], now.AddSeconds(3), "timeout", ct);

        Assert.Equal(2, Assert.Single(await outbox.ClaimDueAsync(Target, now.AddSeconds(3), 10, ct)).Attempts);
    }

    [Fact]
    public async Task MarkSyncedAsync_Claimed_IsSyncedAndLeavesBacklog()
    {
        var (database, outbox) = await WithPendingAsync(2);
        var ct = TestContext.Current.CancellationToken;
        var claimed = await outbox.ClaimDueAsync(Target, _time.GetUtcNow(), 1, ct);
        var syncedAt = _time.GetUtcNow().AddSeconds(2);

        await outbox.MarkSyncedAsync(claimed.Select(e => e.Id), syncedAt, ct);

        var id = Assert.Single(claimed).Id;
        Assert.Equal("synced", await StateAsync(database, id));
        Assert.Equal(syncedAt.ToUnixTimeMilliseconds(), await SqlQueries.CountAsync(database, "SELECT synced_at FROM outbox WHERE id = $id;", ("$id", id)));
        Assert.Equal(new OutboxBacklog(1, 0, Created.AddSeconds(1)), await outbox.BacklogAsync(Target, ct));
        Assert.Equal("al-1", Assert.Single(await outbox.ClaimDueAsync(Target, syncedAt.AddDays(1), 10, ct)).AlertId);
    }

    [Fact]
    public async Task ResetInFlightAsync_AfterSimulatedCrash_ReturnsEntriesToPending()
    {
        var (_, outbox) = await WithPendingAsync(3);
        var ct = TestContext.Current.CancellationToken;
        var claimed = await outbox.ClaimDueAsync(Target, _time.GetUtcNow(), 2, ct);

        // A new process on the same file: the claim's owner is gone.
        var restarted = new OutboxStore(_folder.Database());
        var reset = await restarted.ResetInFlightAsync(ct);

        Assert.Equal(2, reset);
        Assert.Equal(new OutboxBacklog(3, 0, Created), await restarted.BacklogAsync(Target, ct));
        var reclaimed = await restarted.ClaimDueAsync(Target, _time.GetUtcNow(), 10, ct);
        Assert.Equal(3, reclaimed.Count);
        Assert.All(claimed, c => Assert.Contains(c.Id, reclaimed.Select(e => e.Id)));
        Assert.All(reclaimed, e => Assert.Equal(0, e.Attempts));
    }

    [Fact]
    public async Task ResetInFlightAsync_NothingInFlight_ReturnsZeroAndLeavesSyncedAlone()
    {
        var (_, outbox) = await WithPendingAsync(1);
        var ct = TestContext.Current.CancellationToken;
        var claimed = await outbox.ClaimDueAsync(Target, _time.GetUtcNow(), 10, ct);
        await outbox.MarkSyncedAsync(claimed.Select(e => e.Id), _time.GetUtcNow(), ct);

        Assert.Equal(0, await outbox.ResetInFlightAsync(ct));
        Assert.Equal(new OutboxBacklog(0, 0, null), await outbox.BacklogAsync(Target, ct));
    }

    [Fact]
    public async Task BacklogAsync_Pending_CountsAndGivesOldestAge()
    {
        var (_, outbox) = await WithPendingAsync(4);
        var ct = TestContext.Current.CancellationToken;
        await outbox.ClaimDueAsync(Target, _time.GetUtcNow(), 1, ct);

        var backlog = await outbox.BacklogAsync(Target, ct);

        Assert.Equal(3, backlog.Pending);
        Assert.Equal(1, backlog.InFlight);
        // The oldest unsynced entry, in flight or not, sets the age: created at the first record.
        Assert.Equal(Created, backlog.OldestUnsyncedCreatedAt);
        Assert.Equal(TimeSpan.FromSeconds(4), _time.GetUtcNow() - backlog.OldestUnsyncedCreatedAt);
    }

    [Fact]
    public async Task BacklogAsync_UnknownTarget_IsEmpty()
    {
        var (_, outbox) = await WithPendingAsync(1);

        Assert.Equal(new OutboxBacklog(0, 0, null), await outbox.BacklogAsync("nobody", TestContext.Current.CancellationToken));
    }
}

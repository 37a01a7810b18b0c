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

    private static List<OutboxSummary> Summaries(int from, int count) =>
        [.. Enumerable.Range(from, count).Select(i => new OutboxSummary(TestAlerts.T0.AddMinutes(i), $"{{\"n\":{i}}}"))];

    /// <summary>Minute starts (as minutes after T0) of the summaries still in the outbox, oldest id first.</summary>
    private static async Task<List<long>> SummaryMinutesAsync(EdgeDatabase database)
    {
        var minutes = new List<long>();
        var ct = TestContext.Current.CancellationToken;
        await using var connection = await database.OpenAsync(ct);
        await using var command = connection.CreateCommand();
        command.CommandText = "SELECT event_at FROM outbox WHERE kind = 'vitals_1m' ORDER BY id;";
        await using var reader = await command.ExecuteReaderAsync(ct);
        while (await reader.ReadAsync(ct))
        {
            minutes.Add((reader.GetInt64(0) - TestAlerts.T0.ToUnixTimeMilliseconds()) / 60_000);
        }

        return minutes;
    }

    [Fact]
    public async Task AddSummariesAsync_BelowBound_InsertsAllAsPendingSummariesAndShedsNone()
    {
        var database = await _folder.MigratedDatabaseAsync();
        var outbox = new OutboxStore(database);
        var ct = TestContext.Current.CancellationToken;

        var shed = await outbox.AddSummariesAsync("tsdb", Summaries(0, 3), maxUnsynced: 10, Created, ct);

        Assert.Equal(0, shed);
        Assert.Equal(3, await outbox.UnsyncedCountAsync(ct));
        Assert.Equal([0, 1, 2], await SummaryMinutesAsync(database));
        Assert.Equal(3, await SqlQueries.CountAsync(
            database,
            "SELECT COUNT(*) FROM outbox WHERE target = 'tsdb' AND kind = 'vitals_1m' AND action = 'summary' AND alert_id IS NULL AND state = 'pending' AND attempts = 0 AND created_at = $now AND next_attempt_at = $now;",
            ("$now", Created.ToUnixTimeMilliseconds())));
        Assert.Equal("{\"n\":1}", await SqlQueries.ScalarAsync(database, "SELECT payload FROM outbox WHERE event_at = $at;", ("$at", TestAlerts.T0.AddMinutes(1).ToUnixTimeMilliseconds())));
    }

    [Fact]
    public async Task AddSummariesAsync_EmptyList_ReturnsZeroAndAddsNothing()
    {
        var database = await _folder.MigratedDatabaseAsync();
        var outbox = new OutboxStore(database);

        Assert.Equal(0, await outbox.AddSummariesAsync("tsdb", [], 10, Created, TestContext.Current.CancellationToken));
        Assert.Equal(0, await outbox.UnsyncedCountAsync(TestContext.Current.CancellationToken));
    }

    [Fact]
    public async Task AddSummariesAsync_AtBound_ShedsOldestPendingSummariesToMakeRoom()
    {
        var database = await _folder.MigratedDatabaseAsync();
        var outbox = new OutboxStore(database);
        var ct = TestContext.Current.CancellationToken;
        Assert.Equal(0, await outbox.AddSummariesAsync("tsdb", Summaries(0, 5), maxUnsynced: 5, Created, ct));

        var shed = await outbox.AddSummariesAsync("tsdb", Summaries(5, 2), maxUnsynced: 5, Created, ct);

        Assert.Equal(2, shed);
        Assert.Equal(5, await outbox.UnsyncedCountAsync(ct));
        Assert.Equal([2, 3, 4, 5, 6], await SummaryMinutesAsync(database));
    }

    [Fact]
    public async Task AddSummariesAsync_MoreNewThanBound_KeepsNewestNewOnes()
    {
        var database = await _folder.MigratedDatabaseAsync();
        var outbox = new OutboxStore(database);
        var ct = TestContext.Current.CancellationToken;
        await outbox.AddSummariesAsync("tsdb", Summaries(0, 2), maxUnsynced: 3, Created, ct);

        var shed = await outbox.AddSummariesAsync("tsdb", Summaries(2, 5), maxUnsynced: 3, Created, ct);

        // Two old ones and two of the new ones: seven offered, three kept.
        Assert.Equal(4, shed);
        Assert.Equal([4, 5, 6], await SummaryMinutesAsync(database));
    }

    [Fact]
    public async Task AddSummariesAsync_InFlightSummaries_AreNotShed()
    {
        var database = await _folder.MigratedDatabaseAsync();
        var outbox = new OutboxStore(database);
        var ct = TestContext.Current.CancellationToken;
        await outbox.AddSummariesAsync("tsdb", Summaries(0, 3), maxUnsynced: 3, Created, ct);
        var inFlight = await outbox.ClaimDueAsync("tsdb", Created, max: 2, ct);
        Assert.Equal(2, inFlight.Count);

        var shed = await outbox.AddSummariesAsync("tsdb", Summaries(3, 2), maxUnsynced: 3, Created, ct);

        // Only summary 2 was pending, so it goes; of the new ones, room is left for the newest.
        Assert.Equal(2, shed);
        Assert.Equal([0, 1, 4], await SummaryMinutesAsync(database));
        foreach (var entry in inFlight)
        {
            Assert.Equal("in_flight", await StateAsync(database, entry.Id));
        }

        Assert.Equal(3, await outbox.UnsyncedCountAsync(ct));
    }

    [Fact]
    public async Task AddSummariesAsync_OutboxFullOfAlerts_ShedsSummariesAndNeverAlerts()
    {
        var database = await _folder.MigratedDatabaseAsync();
        var outbox = new OutboxStore(database);
        var alerts = new AlertStore(database, [new RecordingOutboxTarget("tsdb")], new OutboxSignal(), _time);
        var ct = TestContext.Current.CancellationToken;
        for (var i = 0; i < 10; i++)
        {
            await alerts.RecordAsync(TestAlerts.Raised(TestAlerts.Alert(id: $"al-{i}", raisedAt: TestAlerts.T0.AddMinutes(i))), ct);
        }

        var shed = await outbox.AddSummariesAsync("tsdb", Summaries(0, 3), maxUnsynced: 10, Created, ct);

        Assert.Equal(3, shed);
        Assert.Empty(await SummaryMinutesAsync(database));
        Assert.Equal(10, await SqlQueries.CountAsync(database, "SELECT COUNT(*) FROM outbox WHERE kind = 'alert' AND state = 'pending';"));

        // The bound is for summaries only: alerts are still recorded beyond it.
        await alerts.RecordAsync(TestAlerts.Raised(TestAlerts.Alert(id: "al-10", raisedAt: TestAlerts.T0.AddMinutes(10))), ct);
        await alerts.RecordAsync(TestAlerts.Raised(TestAlerts.Alert(id: "al-11", raisedAt: TestAlerts.T0.AddMinutes(11))), ct);

        Assert.Equal(12, await outbox.UnsyncedCountAsync(ct));
        Assert.Equal(2, await outbox.AddSummariesAsync("tsdb", Summaries(3, 2), maxUnsynced: 10, Created, ct));
        Assert.Equal(12, await SqlQueries.CountAsync(database, "SELECT COUNT(*) FROM outbox WHERE kind = 'alert';"));
        Assert.Equal(12, await SqlQueries.CountAsync(database, "SELECT COUNT(*) FROM alerts;"));
    }

    [Fact]
    public async Task AddSummariesAsync_AlertsAndSummariesAtBound_ShedsOldestSummaryNotAlerts()
    {
        var database = await _folder.MigratedDatabaseAsync();
        var outbox = new OutboxStore(database);
        var alerts = new AlertStore(database, [new RecordingOutboxTarget("tsdb")], new OutboxSignal(), _time);
        var ct = TestContext.Current.CancellationToken;
        await outbox.AddSummariesAsync("tsdb", Summaries(0, 2), maxUnsynced: 5, Created, ct);
        for (var i = 0; i < 3; i++)
        {
            await alerts.RecordAsync(TestAlerts.Raised(TestAlerts.Alert(id: $"al-{i}", raisedAt: TestAlerts.T0.AddMinutes(i))), ct);
        }

        var shed = await outbox.AddSummariesAsync("tsdb", Summaries(2, 1), maxUnsynced: 5, Created, ct);

        Assert.Equal(1, shed);
        Assert.Equal([1, 2], await SummaryMinutesAsync(database));
        Assert.Equal(3, await SqlQueries.CountAsync(database, "SELECT COUNT(*) FROM outbox WHERE kind = 'alert';"));
        Assert.Equal(5, await outbox.UnsyncedCountAsync(ct));
    }

    [Fact]
    public async Task AddSummariesAsync_SyncedEntries_DoNotCountTowardsBound()
    {
        var database = await _folder.MigratedDatabaseAsync();
        var outbox = new OutboxStore(database);
        var ct = TestContext.Current.CancellationToken;
        await outbox.AddSummariesAsync("tsdb", Summaries(0, 3), maxUnsynced: 3, Created, ct);
        var delivered = await outbox.ClaimDueAsync("tsdb", Created, 10, ct);
        await outbox.MarkSyncedAsync(delivered.Select(e => e.Id), Created, ct);

        var shed = await outbox.AddSummariesAsync("tsdb", Summaries(3, 3), maxUnsynced: 3, Created, ct);

        Assert.Equal(0, shed);
        Assert.Equal([0, 1, 2, 3, 4, 5], await SummaryMinutesAsync(database));
    }

    [Fact]
    public async Task UnsyncedCountAsync_PendingInFlightAndSynced_CountsAllTargetsButNotSynced()
    {
        var (_, outbox) = await WithPendingAsync(3);
        var ct = TestContext.Current.CancellationToken;
        var claimed = await outbox.ClaimDueAsync(Target, _time.GetUtcNow(), 2, ct);
        await outbox.MarkSyncedAsync([claimed[0].Id], _time.GetUtcNow(), ct);

        // Six entries (three alerts, two targets): one synced, one in flight, four pending.
        Assert.Equal(5, await outbox.UnsyncedCountAsync(ct));
    }

    [Fact]
    public async Task PurgeSyncedAsync_DeletesOnlySyncedBeforeCutoffAtMostBatch()
    {
        var (database, outbox) = await WithPendingAsync(5);
        var ct = TestContext.Current.CancellationToken;
        var now = _time.GetUtcNow();
        var claimed = await outbox.ClaimDueAsync(Target, now, 10, ct);
        Assert.Equal(5, claimed.Count);
        await outbox.MarkSyncedAsync(claimed.Take(3).Select(e => e.Id), now.AddHours(-3), ct);
        await outbox.MarkSyncedAsync(claimed.Skip(3).Select(e => e.Id), now, ct);
        var cutoff = now.AddHours(-1);

        Assert.Equal(2, await outbox.PurgeSyncedAsync(cutoff, batchSize: 2, ct));
        Assert.Equal(1, await outbox.PurgeSyncedAsync(cutoff, batchSize: 2, ct));
        Assert.Equal(0, await outbox.PurgeSyncedAsync(cutoff, batchSize: 2, ct));

        Assert.Equal(2, await SqlQueries.CountAsync(database, "SELECT COUNT(*) FROM outbox WHERE state = 'synced';"));
        Assert.Equal(5, await SqlQueries.CountAsync(database, "SELECT COUNT(*) FROM outbox WHERE state = 'pending' AND target = 'other';"));
        Assert.Equal(5, await SqlQueries.CountAsync(database, "SELECT COUNT(*) FROM alerts;"));
        Assert.Equal(0, await SqlQueries.CountAsync(database, "SELECT COUNT(*) FROM outbox WHERE synced_at < $cutoff;", ("$cutoff", cutoff.ToUnixTimeMilliseconds())));
    }

    [Fact]
    public async Task PurgeSyncedAsync_CutoffInFuture_NeverDeletesPendingOrInFlight()
    {
        var (database, outbox) = await WithPendingAsync(3);
        var ct = TestContext.Current.CancellationToken;
        await outbox.ClaimDueAsync(Target, _time.GetUtcNow(), 1, ct);

        var purged = await outbox.PurgeSyncedAsync(_time.GetUtcNow().AddDays(30), batchSize: 100, ct);

        Assert.Equal(0, purged);
        Assert.Equal(6, await SqlQueries.CountAsync(database, "SELECT COUNT(*) FROM outbox;"));
    }

    [Fact]
    public async Task ClaimDueAsync_SummaryAndAlert_CarryKindAndSummaryHasEmptyAlertId()
    {
        var database = await _folder.MigratedDatabaseAsync();
        var outbox = new OutboxStore(database);
        var alerts = new AlertStore(database, [new RecordingOutboxTarget("tsdb")], new OutboxSignal(), _time);
        var ct = TestContext.Current.CancellationToken;
        await alerts.RecordAsync(TestAlerts.Raised(TestAlerts.Alert(id: "al-1")), ct);
        await outbox.AddSummariesAsync("tsdb", Summaries(0, 1), 100, Created, ct);

        var claimed = await outbox.ClaimDueAsync("tsdb", Created, 10, ct);

        Assert.Equal(2, claimed.Count);
        Assert.Equal(OutboxKind.Alert, claimed[0].Kind);
        Assert.Equal("al-1", claimed[0].AlertId);
        Assert.Equal(OutboxKind.VitalsSummary, claimed[1].Kind);
        Assert.Equal("", claimed[1].AlertId);
        Assert.Equal("summary", claimed[1].Action);
        Assert.Equal(TestAlerts.T0, claimed[1].EventAt);
        Assert.Equal("{\"n\":0}", claimed[1].Payload);
    }
}

using Microsoft.Extensions.Time.Testing;
using WearableEdge.EdgeService.Storage;
using WearableEdge.EdgeService.Sync;
using WearableEdge.EdgeService.Tests.Sync;

namespace WearableEdge.EdgeService.Tests.Storage;

public sealed class AlertStoreTests : IDisposable
{
    private static readonly DateTimeOffset GatewayNow = new(2025, 3, 1, 8, 0, 30, TimeSpan.Zero);

    private readonly TestDataDirectory _folder = new();
    private readonly FakeTimeProvider _time = new(GatewayNow);
    private readonly OutboxSignal _signal = new();
    private readonly RecordingOutboxTarget _takesAll = new("mqtt");
    private readonly RecordingOutboxTarget _noResolve = new("tsdb", AlertTransition.Raised, AlertTransition.Escalated);

    public void Dispose() => _folder.Dispose();

    private async Task<(EdgeDatabase Database, AlertStore Store)> NewStoreAsync()
    {
        var database = await _folder.MigratedDatabaseAsync();
        return (database, new AlertStore(database, [_takesAll, _noResolve], _signal, _time));
    }

    private static Task<long> OutboxRowsAsync(EdgeDatabase database, string target, string action) =>
        SqlQueries.CountAsync(database, "SELECT COUNT(*) FROM outbox WHERE target = $t AND action = $a;", ("$t", target), ("$a", action));

    [Fact]
    public async Task RecordAsync_Raised_WritesAlertEventAndOneOutboxRowPerTarget()
    {
        var (database, store) = await NewStoreAsync();
        var alert = TestAlerts.Alert(id: "al-1");

        await store.RecordAsync(TestAlerts.Raised(alert), TestContext.Current.CancellationToken);

        Assert.Equal(1, await SqlQueries.CountAsync(database, "SELECT COUNT(*) FROM alerts WHERE id = 'al-1' AND status = 'active';"));
        Assert.Equal(1, await SqlQueries.CountAsync(database, "SELECT COUNT(*) FROM alert_events WHERE alert_id = 'al-1' AND action = 'raised';"));
        Assert.Equal(1, await OutboxRowsAsync(database, "mqtt", AlertTransition.Raised));
        Assert.Equal(1, await OutboxRowsAsync(database, "tsdb", AlertTransition.Raised));
        Assert.Equal(2, await SqlQueries.CountAsync(database, "SELECT COUNT(*) FROM outbox WHERE state = 'pending' AND attempts = 0;"));
        Assert.Equal(GatewayNow.ToUnixTimeMilliseconds(), await SqlQueries.CountAsync(database, "SELECT MIN(created_at) FROM outbox;"));
    }

    [Fact]
    public async Task RecordAsync_Resolved_QueuesOnlyForTargetsThatTakeResolve()
    {
        var (database, store) = await NewStoreAsync();
        var ct = TestContext.Current.CancellationToken;
        var alert = TestAlerts.Alert(id: "al-1");
        await store.RecordAsync(TestAlerts.Raised(alert), ct);

        await store.RecordAsync(TestAlerts.Resolved(alert, alert.RaisedAt.AddMinutes(2)), ct);

        Assert.Equal(1, await OutboxRowsAsync(database, "mqtt", AlertTransition.Resolved));
        Assert.Equal(0, await OutboxRowsAsync(database, "tsdb", AlertTransition.Resolved));
        Assert.Equal(2, await SqlQueries.CountAsync(database, "SELECT COUNT(*) FROM alert_events WHERE alert_id = 'al-1';"));
        Assert.Equal("resolved", await SqlQueries.ScalarAsync(database, "SELECT status FROM alerts WHERE id = 'al-1';"));
        Assert.Equal(
            alert.RaisedAt.AddMinutes(2).ToUnixTimeMilliseconds(),
            await SqlQueries.CountAsync(database, "SELECT resolved_at FROM alerts WHERE id = 'al-1';"));
    }

    [Fact]
    public async Task RecordAsync_OutboxPayload_IsTheAlertDocument()
    {
        var (database, store) = await NewStoreAsync();
        var ct = TestContext.Current.CancellationToken;
        await store.RecordAsync(TestAlerts.Raised(TestAlerts.Alert(id: "al-1", priority: "high", score: 8)), ct);

        var outbox = new OutboxStore(database);
        var entry = Assert.Single(await outbox.ClaimDueAsync("mqtt", GatewayNow, 10, ct));

        Assert.Equal("al-1", entry.AlertId);
        Assert.Equal(AlertTransition.Raised, entry.Action);
        Assert.Equal(TestAlerts.T0, entry.EventAt);
        Assert.Contains("\"priority\":\"high\"", entry.Payload, StringComparison.Ordinal);
        Assert.Contains("\"score\":8", entry.Payload, StringComparison.Ordinal);
    }

    [Fact]
    public async Task RecordAsync_Committed_WakesWaitingDispatchers()
    {
        var (_, store) = await NewStoreAsync();
        var ct = TestContext.Current.CancellationToken;
        var waiting = OutboxSignal.WaitAsync(_signal.Next, TimeSpan.FromHours(1), _time, ct);
        Assert.False(waiting.IsCompleted);

        await store.RecordAsync(TestAlerts.Raised(TestAlerts.Alert()), ct);

        await waiting.WaitAsync(TimeSpan.FromSeconds(10), ct);
    }

    [Fact]
    public async Task GetRecentAsync_SeveralAlerts_NewestRaisedAtFirstWithinLimit()
    {
        var (_, store) = await NewStoreAsync();
        var ct = TestContext.Current.CancellationToken;
        foreach (var minutes in new[] { 5, 1, 9, 3 })
        {
            await store.RecordAsync(TestAlerts.Raised(TestAlerts.Alert(id: $"al-{minutes}", raisedAt: TestAlerts.T0.AddMinutes(minutes))), ct);
        }

        var recent = await store.GetRecentAsync(3, ct);

        Assert.Equal(["al-9", "al-5", "al-3"], recent.Select(a => a.Id));
    }

    [Fact]
    public async Task GetRecentAsync_ReadsBackFullDocument()
    {
        var (_, store) = await NewStoreAsync();
        var ct = TestContext.Current.CancellationToken;
        var alert = TestAlerts.Alert(id: "al-1");
        await store.RecordAsync(TestAlerts.Raised(alert), ct);

        var stored = Assert.Single(await store.GetRecentAsync(10, ct));

        Assert.Equal(alert.Reason, stored.Reason);
        Assert.Equal(alert.NotAssessed, stored.NotAssessed);
        Assert.Equal(alert.Parameters, stored.Parameters);
        Assert.Equal(alert.WindowStart, stored.WindowStart);
    }

    [Fact]
    public async Task GetActiveAsync_ResolvedAlert_IsExcluded()
    {
        var (_, store) = await NewStoreAsync();
        var ct = TestContext.Current.CancellationToken;
        var resolved = TestAlerts.Alert(id: "al-resolved", patientId: "p-001");
        var active = TestAlerts.Alert(id: "al-active", patientId: "p-002");
        await store.RecordAsync(TestAlerts.Raised(resolved), ct);
        await store.RecordAsync(TestAlerts.Raised(active), ct);
        await store.RecordAsync(TestAlerts.Resolved(resolved, resolved.RaisedAt.AddMinutes(1)), ct);

        var actives = await store.GetActiveAsync(ct);

        Assert.Equal("al-active", Assert.Single(actives).Id);
    }

    [Fact]
    public async Task RecordAsync_EscalationOfSameId_UpdatesRatherThanDuplicates()
    {
        var (database, store) = await NewStoreAsync();
        var ct = TestContext.Current.CancellationToken;
        var alert = TestAlerts.Alert(id: "al-1", priority: "medium", score: 5);
        await store.RecordAsync(TestAlerts.Raised(alert), ct);
        _time.Advance(TimeSpan.FromSeconds(20));

        await store.RecordAsync(TestAlerts.Escalated(alert, "high", alert.RaisedAt.AddSeconds(20), score: 7), ct);

        var stored = Assert.Single(await store.GetRecentAsync(10, ct));
        Assert.Equal("high", stored.Priority);
        Assert.Equal(7, stored.Score);
        Assert.Equal(alert.RaisedAt, stored.RaisedAt);
        Assert.Equal(1, await SqlQueries.CountAsync(database, "SELECT COUNT(*) FROM alerts;"));
        Assert.Equal("high", await SqlQueries.ScalarAsync(database, "SELECT priority FROM alerts WHERE id = 'al-1';"));
        Assert.Equal(GatewayNow.ToUnixTimeMilliseconds(), await SqlQueries.CountAsync(database, "SELECT stored_at FROM alerts WHERE id = 'al-1';"));
        Assert.Equal(GatewayNow.AddSeconds(20).ToUnixTimeMilliseconds(), await SqlQueries.CountAsync(database, "SELECT updated_at FROM alerts WHERE id = 'al-1';"));
        Assert.Equal(2, await SqlQueries.CountAsync(database, "SELECT COUNT(*) FROM alert_events WHERE alert_id = 'al-1';"));
        Assert.Equal(1, await OutboxRowsAsync(database, "tsdb", AlertTransition.Escalated));
    }

    [Fact]
    public async Task RecordAsync_NoTargets_StillStoresAlert()
    {
        var database = await _folder.MigratedDatabaseAsync();
        var store = new AlertStore(database, [], _signal, _time);

        await store.RecordAsync(TestAlerts.Raised(TestAlerts.Alert()), TestContext.Current.CancellationToken);

        Assert.Equal(1, await SqlQueries.CountAsync(database, "SELECT COUNT(*) FROM alerts;"));
        Assert.Equal(0, await SqlQueries.CountAsync(database, "SELECT COUNT(*) FROM outbox;"));
    }
}

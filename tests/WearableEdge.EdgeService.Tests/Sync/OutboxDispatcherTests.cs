using Microsoft.Extensions.Logging.Abstractions;
using Microsoft.Extensions.Time.Testing;
using WearableEdge.EdgeService.Storage;
using WearableEdge.EdgeService.Sync;

namespace WearableEdge.EdgeService.Tests.Sync;

public sealed class OutboxDispatcherTests : IAsyncDisposable
{
    private static readonly OutboxDispatchSettings Settings = new(
        BatchSize: 10, PollInterval: TimeSpan.FromSeconds(1), InitialBackoff: TimeSpan.FromSeconds(1), MaxBackoff: TimeSpan.FromSeconds(8));

    private readonly TestDataDirectory _folder = new();
    private readonly TimerCountingTimeProvider _time = new(new DateTimeOffset(2025, 3, 1, 8, 5, 0, TimeSpan.Zero));
    private readonly OutboxSignal _signal = new();
    private readonly EdgeMetrics _metrics = TestMeterFactory.NewMetrics();
    private readonly List<OutboxDispatcher> _started = [];

    public async ValueTask DisposeAsync()
    {
        foreach (var dispatcher in _started)
        {
            await dispatcher.StopAsync(CancellationToken.None);
            dispatcher.Dispose();
        }

        _metrics.Dispose();
        _folder.Dispose();
    }

    private async Task<(EdgeDatabase Database, OutboxStore Outbox, AlertStore Alerts)> StoreAsync(RecordingOutboxTarget target)
    {
        var database = await _folder.MigratedDatabaseAsync();
        return (database, new OutboxStore(database), new AlertStore(database, [target], _signal, _time));
    }

    private static async Task RecordAlertsAsync(AlertStore alerts, int count)
    {
        for (var i = 0; i < count; i++)
        {
            await alerts.RecordAsync(TestAlerts.Raised(TestAlerts.Alert(id: $"al-{i}", raisedAt: TestAlerts.T0.AddMinutes(i))), TestContext.Current.CancellationToken);
        }
    }

    private async Task<OutboxDispatcher> StartAsync(RecordingOutboxTarget target, OutboxStore outbox, OutboxDispatchSettings? settings = null)
    {
        var dispatcher = new OutboxDispatcher(target, settings ?? Settings, outbox, _signal, _metrics, _time, NullLogger<OutboxDispatcher>.Instance);
        _started.Add(dispatcher);
        await dispatcher.StartAsync(TestContext.Current.CancellationToken);
        return dispatcher;
    }

    private void AdvanceOnePoll() => _time.Advance(Settings.PollInterval);

    [Fact]
    public async Task Dispatcher_TargetFailsThreeTimes_DeliversEachEntryExactlyOnceAfterBackoff()
    {
        var ct = TestContext.Current.CancellationToken;
        var target = new RecordingOutboxTarget("mqtt") { FailuresBeforeSuccess = 3 };
        var (database, outbox, alerts) = await StoreAsync(target);
        await RecordAlertsAsync(alerts, 4);

        var dispatcher = await StartAsync(target, outbox);
        await Polling.WaitUntilAsync(() => !target.Delivered.IsEmpty, "the target acknowledged a delivery", AdvanceOnePoll);

        // Keep the loop turning: a synced entry must not be delivered again.
        var checks = target.ReadyChecks;
        await Polling.WaitUntilAsync(() => target.ReadyChecks >= checks + 5, "the dispatcher polled five more times", AdvanceOnePoll);

        Assert.Equal(["al-0", "al-1", "al-2", "al-3"], target.Delivered.Select(e => e.AlertId).Order());
        Assert.Equal(4, target.Attempts);
        Assert.Equal(new OutboxBacklog(0, 0, null), await outbox.BacklogAsync("mqtt", ct));
        Assert.Equal(4, await SqlQueries.CountAsync(database, "SELECT COUNT(*) FROM outbox WHERE state = 'synced' AND attempts = 3 AND last_error IS NULL;"));
        Assert.Equal(4, dispatcher.Status.Delivered);
        Assert.Equal(3, dispatcher.Status.ErrorsByKind[RecordingOutboxTarget.FailureKind]);
        Assert.NotNull(dispatcher.Status.LastSuccessAt);
        Assert.True(dispatcher.Status.LastFailureAt < dispatcher.Status.LastSuccessAt);
    }

    [Fact]
    public async Task Dispatcher_AfterFailure_WaitsForBackoffBeforeRetrying()
    {
        var target = new RecordingOutboxTarget("mqtt") { FailuresBeforeSuccess = 1 };
        var (database, outbox, alerts) = await StoreAsync(target);
        await RecordAlertsAsync(alerts, 1);
        var startedAt = _time.GetUtcNow();

        await StartAsync(target, outbox);
        await Polling.WaitUntilAsync(() => target.Attempts == 1, "the first delivery was attempted");
        await Polling.WaitUntilAsync(
            async () => await SqlQueries.CountAsync(database, "SELECT attempts FROM outbox;") == 1,
            "the failure was recorded");

        // First back-off: InitialBackoff ±20 % → the retry is due 0.8–1.2 s after the failure.
        var nextAttempt = DateTimeOffset.FromUnixTimeMilliseconds(await SqlQueries.CountAsync(database, "SELECT next_attempt_at FROM outbox;"));
        Assert.InRange(nextAttempt - startedAt, TimeSpan.FromSeconds(0.8), TimeSpan.FromSeconds(1.2));
        Assert.Equal(1, target.Attempts);

        await Polling.WaitUntilAsync(() => target.Delivered.Count == 1, "the retry delivered the entry", AdvanceOnePoll);
        Assert.Equal(2, target.Attempts);
    }

    [Fact]
    public async Task Dispatcher_TargetNotReady_ClaimsNothingUntilReady()
    {
        var ct = TestContext.Current.CancellationToken;
        var target = new RecordingOutboxTarget("tsdb") { Ready = false };
        var (_, outbox, alerts) = await StoreAsync(target);
        await RecordAlertsAsync(alerts, 3);

        await StartAsync(target, outbox);
        await Polling.WaitUntilAsync(() => target.ReadyChecks >= 5, "the dispatcher asked IsReady five times", AdvanceOnePoll);

        Assert.Equal(0, target.Attempts);
        Assert.Equal(3, (await outbox.BacklogAsync("tsdb", ct)).Pending);
        Assert.Equal(0, (await outbox.BacklogAsync("tsdb", ct)).InFlight);

        target.Ready = true;
        await Polling.WaitUntilAsync(
            async () => await outbox.BacklogAsync("tsdb", ct) == new OutboxBacklog(0, 0, null),
            "the ready target drained the backlog",
            AdvanceOnePoll);
        Assert.Equal(3, target.Delivered.Count);
    }

    [Fact]
    public async Task Dispatcher_MoreEntriesThanBatch_DeliversFullBatchesBackToBack()
    {
        var target = new RecordingOutboxTarget("mqtt");
        var (_, outbox, alerts) = await StoreAsync(target);
        await RecordAlertsAsync(alerts, 5);

        // No time is advanced: only the first pass and the full-batch rule can deliver all five.
        await StartAsync(target, outbox, Settings with { BatchSize = 2 });
        await Polling.WaitUntilAsync(() => target.Delivered.Count == 5, "all five entries were delivered");

        Assert.Equal(3, target.Attempts);
        Assert.Equal(5, target.Delivered.Select(e => e.Id).Distinct().Count());
    }

    [Fact]
    public async Task Dispatcher_EntriesInFlightAtStart_AreRecoveredAndDelivered()
    {
        var ct = TestContext.Current.CancellationToken;
        var target = new RecordingOutboxTarget("mqtt");
        var (_, outbox, alerts) = await StoreAsync(target);
        await RecordAlertsAsync(alerts, 2);
        var crashed = await outbox.ClaimDueAsync("mqtt", _time.GetUtcNow(), 10, ct);
        Assert.Equal(2, crashed.Count);

        await StartAsync(target, outbox);
        await Polling.WaitUntilAsync(() => target.Delivered.Count == 2, "the recovered entries were delivered");

        Assert.Equal(crashed.Select(e => e.Id), target.Delivered.Select(e => e.Id).Order());
    }

    [Fact]
    public async Task Dispatcher_IdleThenAlertRecorded_IsWokenWithoutWaitingForPoll()
    {
        var target = new RecordingOutboxTarget("mqtt");
        var (_, outbox, alerts) = await StoreAsync(target);
        await StartAsync(target, outbox);
        await Polling.WaitUntilAsync(() => _time.TimersCreated >= 1, "the dispatcher is waiting for work");

        await RecordAlertsAsync(alerts, 1);

        await Polling.WaitUntilAsync(() => target.Delivered.Count == 1, "the signal woke the dispatcher with fake time standing still");
    }

    [Fact]
    public async Task Dispatcher_FailureWithRetryAfterLongerThanBackoff_WaitsForRetryAfter()
    {
        var target = new RecordingOutboxTarget("tsdb") { FailuresBeforeSuccess = 1, RetryAfter = TimeSpan.FromSeconds(30) };
        var (database, outbox, alerts) = await StoreAsync(target);
        await RecordAlertsAsync(alerts, 1);
        var failedAt = _time.GetUtcNow();
        var timers = _time.TimersCreated;

        var dispatcher = await StartAsync(target, outbox, Settings with { InitialBackoff = TimeSpan.FromMilliseconds(100) });
        await Polling.WaitUntilAsync(() => _time.TimersCreated > timers, "the dispatcher failed once and is waiting for the next poll");
        Assert.Equal(1, await SqlQueries.CountAsync(database, "SELECT attempts FROM outbox;"));

        // Back-off alone would retry after 80–120 ms; the target asked for 30 s.
        var nextAttempt = DateTimeOffset.FromUnixTimeMilliseconds(await SqlQueries.CountAsync(database, "SELECT next_attempt_at FROM outbox;"));
        Assert.True(nextAttempt >= failedAt.AddSeconds(30), $"next attempt at {nextAttempt:O}, failure at {failedAt:O}");

        // Each poll creates one timer: a new one means the dispatcher looked again at the advanced time.
        for (var second = 0; second < 10; second++)
        {
            var waiting = _time.TimersCreated;
            AdvanceOnePoll();
            await Polling.WaitUntilAsync(() => _time.TimersCreated > waiting, "the dispatcher polled after one more second");
        }

        Assert.Equal(1, target.Attempts);
        Assert.Empty(target.Delivered);
        Assert.Equal(1, (await outbox.BacklogAsync("tsdb", TestContext.Current.CancellationToken)).Pending);

        await Polling.WaitUntilAsync(() => target.Delivered.Count == 1, "the entry was delivered once Retry-After had passed", AdvanceOnePoll);
        Assert.Equal(2, target.Attempts);
        Assert.True(_time.GetUtcNow() >= failedAt.AddSeconds(30));
        Assert.Equal(1, dispatcher.Status.ErrorsByKind[RecordingOutboxTarget.FailureKind]);
    }

    [Fact]
    public async Task Dispatcher_FailureWithRetryAfterShorterThanBackoff_WaitsForBackoff()
    {
        var target = new RecordingOutboxTarget("tsdb") { FailuresBeforeSuccess = 1, RetryAfter = TimeSpan.FromMilliseconds(10) };
        var (database, outbox, alerts) = await StoreAsync(target);
        await RecordAlertsAsync(alerts, 1);
        var failedAt = _time.GetUtcNow();

        await StartAsync(target, outbox, Settings with { InitialBackoff = TimeSpan.FromSeconds(5), MaxBackoff = TimeSpan.FromSeconds(60) });
        await Polling.WaitUntilAsync(
            async () => await SqlQueries.CountAsync(database, "SELECT attempts FROM outbox;") == 1,
            "the failure was recorded");

        var nextAttempt = DateTimeOffset.FromUnixTimeMilliseconds(await SqlQueries.CountAsync(database, "SELECT next_attempt_at FROM outbox;"));
        Assert.InRange(nextAttempt - failedAt, TimeSpan.FromSeconds(4), TimeSpan.FromSeconds(6));
    }

    /// <summary>Counts timers created, so a test knows the dispatcher is waiting rather than mid-pass.</summary>
    private sealed class TimerCountingTimeProvider(DateTimeOffset start) : FakeTimeProvider(start)
    {
        private int _timersCreated;

        public int TimersCreated => Volatile.Read(ref _timersCreated);

        public override ITimer CreateTimer(TimerCallback callback, object? state, TimeSpan dueTime, TimeSpan period)
        {
            var timer = base.CreateTimer(callback, state, dueTime, period);
            Interlocked.Increment(ref _timersCreated);
            return timer;
        }
    }
}

using System.Threading.Channels;
using Microsoft.Extensions.Logging.Abstractions;
using Microsoft.Extensions.Options;
using Microsoft.Extensions.Time.Testing;
using WearableEdge.Clinical.Alerts;
using WearableEdge.Contracts;
using WearableEdge.EdgeService.Alerts;
using WearableEdge.EdgeService.Api;
using WearableEdge.EdgeService.Scoring;
using WearableEdge.EdgeService.Storage;
using WearableEdge.EdgeService.Sync;
using WearableEdge.EdgeService.Tests.Sync;

namespace WearableEdge.EdgeService.Tests.Alerts;

/// <summary>
/// The technical alerts (no-data, device-off, battery-low) as the service raises them on its
/// gateway-clock tick: against a real SQLite store, the <see cref="PatientBoard"/> the ingest writes
/// and a <see cref="FakeTimeProvider"/>. Each raises at its documented priority, flagged technical,
/// and resolves itself when the condition ends.
/// </summary>
public sealed class TechnicalAlertServiceTests : IDisposable
{
    private const string Patient = "p-1";
    private static readonly DateTimeOffset T0 = new(2026, 1, 1, 8, 0, 0, TimeSpan.Zero);

    private readonly TestDataDirectory _folder = new();
    private readonly FakeTimeProvider _time = new(T0);
    private readonly EdgeMetrics _metrics = TestMeterFactory.NewMetrics();
    private readonly Channel<ScoredWindow> _windows = Channel.CreateUnbounded<ScoredWindow>();
    private readonly RecordingOutboxTarget _mqtt = new("mqtt", AlertTransition.Raised, AlertTransition.ReAlerted, AlertTransition.Resolved);
    private AlertLedger _ledger = new();
    private readonly AlertFeed _feed = new();
    private readonly PatientBoard _board;

    public TechnicalAlertServiceTests() => _board = new PatientBoard(_time);

    public void Dispose()
    {
        _metrics.Dispose();
        _folder.Dispose();
    }

    private EdgeDatabase? _database;

    private async Task<AlertStore> StoreAsync()
    {
        _database = await _folder.MigratedDatabaseAsync();
        return new(_database, [_mqtt], new OutboxSignal(), _time, _feed);
    }

    private AlertService NewService(AlertStore store, AlertOptions? options = null) =>
        new(_windows.Reader, store, _ledger, _board, Options.Create(options ?? new AlertOptions()), _metrics, _time, NullLogger<AlertService>.Instance);

    private static DeviceStatus Status(double battery, WearStatus wear, DateTimeOffset? deviceTime = null) =>
        new() { SchemaVersion = 1, DeviceId = "w-1", BatteryPercent = battery, WearStatus = wear, SignalQuality = 1, Ts = deviceTime };

    /// <summary>Ticks every 5 s of gateway time from <paramref name="fromSecond"/> to <paramref name="toSecond"/>, running <paramref name="each"/> (the wearable's messages) before each tick.</summary>
    private async Task TickAsync(AlertService service, int fromSecond, int toSecond, Action<int>? each = null)
    {
        var ct = TestContext.Current.CancellationToken;
        for (var s = fromSecond; s <= toSecond; s += 5)
        {
            _time.SetUtcNow(T0.AddSeconds(s));
            each?.Invoke(s);
            using (await _ledger.LockAsync(ct))
            {
                await service.TickAsync(ct);
            }
        }
    }

    private async Task<IReadOnlyList<AlertMessage>> AlertsAsync(AlertStore store, string type) =>
        [.. (await store.QueryAsync(new AlertQuery(null), TestContext.Current.CancellationToken)).Where(a => a.Type == type)];

    [Fact]
    public async Task Tick_WearableGoesSilent_RaisesOneLowTechnicalNoDataAlertAfterTwoMinutesThenResolvesWhenDataResumes()
    {
        var ct = TestContext.Current.CancellationToken;
        var store = await StoreAsync();
        using var service = NewService(store);

        // Vitals every 5 s until second 30, then nothing.
        await TickAsync(service, 0, 145, s =>
        {
            if (s <= 30)
            {
                _board.RecordMessageAccepted(Patient);
            }
        });

        // Last data seen at 30 s: silent for 2 min at 150 s, not before.
        Assert.Empty(await AlertsAsync(store, NoDataAlertRule.AlertType));
        await TickAsync(service, 150, 300);

        var alert = Assert.Single(await AlertsAsync(store, NoDataAlertRule.AlertType));
        Assert.Equal(("low", true, "active", false, T0.AddSeconds(150)), (alert.Priority, alert.Technical, alert.Status, alert.Late, alert.RaisedAt));
        Assert.Equal(NoDataAlertRule.RuleId, alert.RuleId);
        Assert.Contains("sent nothing for 120 s", alert.Reason, StringComparison.Ordinal);
        Assert.DoesNotContain(Patient, alert.Reason, StringComparison.Ordinal);

        // The wearable is back: the next tick resolves the alert, without anyone acting on it.
        await TickAsync(service, 305, 305, _ => _board.RecordMessageAccepted(Patient));

        var resolved = Assert.Single(await AlertsAsync(store, NoDataAlertRule.AlertType));
        Assert.Equal(("resolved", T0.AddSeconds(305)), (resolved.Status, resolved.ResolvedAt));
        var audit = (await store.GetAuditAsync(alert.Id, ct)).Select(a => a.Action).ToList();
        Assert.Equal("raised", audit[0]);
        Assert.Equal("resolved", audit[^1]);
        // Through the same durable path as every alert: an outbox entry for the raise and the resolve.
        Assert.Equal(1, await SqlQueries.CountAsync(_database!, $"SELECT COUNT(*) FROM outbox WHERE action = 'raised' AND alert_id = '{alert.Id}';"));
        Assert.Equal(1, await SqlQueries.CountAsync(_database!, $"SELECT COUNT(*) FROM outbox WHERE action = 'resolved' AND alert_id = '{alert.Id}';"));
    }

    [Fact]
    public async Task Tick_WearableWithClockHoursAheadGoesSilent_NoDataAlertIsDatedByItsLastDeviceTime()
    {
        var store = await StoreAsync();
        using var service = NewService(store);
        var deviceStart = T0.AddHours(20);

        // Motion every 5 s until second 30, stamped by a device clock 20 h ahead of the gateway's
        // (a simulator at speed, or a wrong clock): the silence is judged on the gateway clock, the
        // alert's window on the device clock, where the nurse and a backfill would place it.
        await TickAsync(service, 0, 200, s =>
        {
            if (s <= 30)
            {
                _board.RecordMessageAccepted(Patient);
                _board.RecordMotion(Patient, deviceStart.AddSeconds(s), 0.1);
            }
        });

        var alert = Assert.Single(await AlertsAsync(store, NoDataAlertRule.AlertType));
        Assert.Equal(T0.AddSeconds(150), alert.RaisedAt);
        Assert.Equal((deviceStart.AddSeconds(30), deviceStart.AddSeconds(30)), (alert.WindowStart, alert.WindowEnd));
    }

    [Fact]
    public async Task Tick_StatusesKeepArriving_NeverRaisesNoData()
    {
        var store = await StoreAsync();
        using var service = NewService(store);

        // Only device statuses, every 10 s, for 10 min: a status is data too.
        await TickAsync(service, 0, 600, s =>
        {
            if (s % 10 == 0)
            {
                _board.RecordMessageAccepted(Patient);
                _board.RecordDevice(Patient, Status(80, WearStatus.On));
            }
        });

        Assert.Empty(await AlertsAsync(store, NoDataAlertRule.AlertType));
    }

    [Fact]
    public async Task Tick_DeviceClockRunsTenTimesFaster_JudgesArrivalByGatewayClockAndRaisesNothing()
    {
        var store = await StoreAsync();
        using var service = NewService(store);

        // The demo at Demo:Speed=10: a message every 15 s of gateway time, its device time advancing
        // 10x as fast (150 s between messages, more than the 2 min silence) and hours off our clock.
        // Judged by device time this would be a silence; by arrival on the gateway clock it is not.
        await TickAsync(service, 0, 900, s =>
        {
            if (s % 15 == 0)
            {
                _board.RecordMessageAccepted(Patient);
                _board.RecordMotion(Patient, T0.AddHours(-3).AddSeconds(s * 10), 0.1);
            }
        });

        Assert.Empty(await AlertsAsync(store, NoDataAlertRule.AlertType));
    }

    [Fact]
    public async Task Tick_StaffResolveWhileStillSilent_DoesNotRaiseAgainUntilDataArrivesAndStopsAgain()
    {
        var ct = TestContext.Current.CancellationToken;
        var store = await StoreAsync();
        using var service = NewService(store);
        var commands = new AlertCommandService(store, _ledger, _metrics, _time, NullLogger<AlertCommandService>.Instance);
        await TickAsync(service, 0, 120, s =>
        {
            if (s == 0)
            {
                _board.RecordMessageAccepted(Patient);
            }
        });
        var first = Assert.Single(await AlertsAsync(store, NoDataAlertRule.AlertType));

        // The patient went home with the wearable: staff resolve, and silence goes on for an hour.
        Assert.Equal(AlertCommandOutcome.Done, (await commands.ExecuteAsync(first.Id, AlertCommand.Resolve, new AlertActor("nurse", null), "discharged", cancellationToken: ct)).Outcome);
        await TickAsync(service, 125, 3600);
        Assert.Single(await AlertsAsync(store, NoDataAlertRule.AlertType));

        // Data again, then silence again: a new episode, a new alert.
        await TickAsync(service, 3605, 3725, s =>
        {
            if (s == 3605)
            {
                _board.RecordMessageAccepted(Patient);
            }
        });
        Assert.Equal(2, (await AlertsAsync(store, NoDataAlertRule.AlertType)).Count);
    }

    [Fact]
    public async Task Tick_ConfiguredSilenceOrRuleOff_IsApplied()
    {
        var store = await StoreAsync();
        var options = new AlertOptions
        {
            Rules = new(StringComparer.OrdinalIgnoreCase) { [NoDataAlertRule.AlertType] = new AlertRuleOptions { Silence = TimeSpan.FromSeconds(30) } },
            Patients = new(StringComparer.Ordinal)
            {
                ["p-off"] = new(StringComparer.OrdinalIgnoreCase) { [NoDataAlertRule.AlertType] = new AlertRuleOptions { Enabled = false } },
            },
        };
        using var service = NewService(store, options);

        await TickAsync(service, 0, 60, s =>
        {
            if (s == 0)
            {
                _board.RecordMessageAccepted(Patient);
                _board.RecordMessageAccepted("p-off");
            }
        });

        var alert = Assert.Single(await AlertsAsync(store, NoDataAlertRule.AlertType));
        Assert.Equal((Patient, T0.AddSeconds(30)), (alert.PatientId, alert.RaisedAt));
    }

    [Fact]
    public async Task Tick_BatteryLow_RaisesLowTechnicalAlertAfterDelay_HoldsBetweenThresholds_ResolvesAtClearThreshold()
    {
        var store = await StoreAsync();
        using var service = NewService(store);
        var battery = 12.0;

        // A status every 5 s, as a wearable sends them.
        void Send(int _)
        {
            _board.RecordMessageAccepted(Patient);
            _board.RecordDevice(Patient, Status(battery, WearStatus.On));
        }

        await TickAsync(service, 0, 55, Send);
        Assert.Empty(await AlertsAsync(store, DeviceAlertRule.BatteryLowType));
        await TickAsync(service, 60, 60, Send);
        var alert = Assert.Single(await AlertsAsync(store, DeviceAlertRule.BatteryLowType));
        Assert.Equal(("low", true, "active", T0.AddSeconds(60), 12.0), (alert.Priority, alert.Technical, alert.Status, alert.RaisedAt, alert.Score));

        // Charging: 18 % is above the raise threshold (15) but below the clear one (20): still open.
        battery = 18;
        await TickAsync(service, 65, 200, Send);
        Assert.Equal("active", Assert.Single(await AlertsAsync(store, DeviceAlertRule.BatteryLowType)).Status);

        // At 20 % it clears, and resolves itself after the 60 s clear delay.
        battery = 20;
        await TickAsync(service, 205, 260, Send);
        Assert.Equal("active", Assert.Single(await AlertsAsync(store, DeviceAlertRule.BatteryLowType)).Status);
        await TickAsync(service, 265, 265, Send);
        var resolved = Assert.Single(await AlertsAsync(store, DeviceAlertRule.BatteryLowType));
        Assert.Equal(("resolved", T0.AddSeconds(265)), (resolved.Status, resolved.ResolvedAt));
        Assert.Empty(await AlertsAsync(store, NoDataAlertRule.AlertType));
        Assert.Empty(await AlertsAsync(store, DeviceAlertRule.DeviceOffType));
    }

    [Fact]
    public async Task Tick_DeviceOffThenWornAgain_RaisesMediumTechnicalAlertAndResolvesItself()
    {
        var store = await StoreAsync();
        using var service = NewService(store);
        var wear = WearStatus.Off;
        void Send(int _)
        {
            _board.RecordMessageAccepted(Patient);
            _board.RecordDevice(Patient, Status(80, wear));
        }

        await TickAsync(service, 0, 30, Send);
        var alert = Assert.Single(await AlertsAsync(store, DeviceAlertRule.DeviceOffType));
        Assert.Equal(("medium", true, "active", T0.AddSeconds(30)), (alert.Priority, alert.Technical, alert.Status, alert.RaisedAt));

        wear = WearStatus.On;
        await TickAsync(service, 35, 45, Send);
        var resolved = Assert.Single(await AlertsAsync(store, DeviceAlertRule.DeviceOffType));
        Assert.Equal(("resolved", T0.AddSeconds(45)), (resolved.Status, resolved.ResolvedAt));
        Assert.Empty(await AlertsAsync(store, DeviceAlertRule.BatteryLowType));
        Assert.Empty(await AlertsAsync(store, NoDataAlertRule.AlertType));
    }

    [Fact]
    public async Task Restart_OpenNoDataAlert_IsRestoredAndResolvesWhenDataArrives()
    {
        var ct = TestContext.Current.CancellationToken;
        var store = await StoreAsync();
        using (var before = NewService(store))
        {
            await TickAsync(before, 0, 120, s =>
            {
                if (s == 0)
                {
                    _board.RecordMessageAccepted(Patient);
                }
            });
        }

        var alert = Assert.Single(await AlertsAsync(store, NoDataAlertRule.AlertType));

        // A restart: new ledger and service over the same store (the board is kept here: the wearable comes back).
        _ledger = new AlertLedger();
        using var after = NewService(store);
        await after.StartAsync(ct);
        await Polling.WaitUntilAsync(
            () => _ledger.Find(Patient, NoDataAlertRule.AlertType)?.Tracker is { ActivePriority: AlertPriority.Low },
            "the open alert is restored into the new service");
        await after.StopAsync(ct);
        await TickAsync(after, 200, 200, _ => _board.RecordMessageAccepted(Patient));

        Assert.Equal("resolved", (await store.GetAsync(alert.Id, ct))!.Status);
    }
}

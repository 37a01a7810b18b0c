using System.Threading.Channels;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging.Abstractions;
using Microsoft.Extensions.Options;
using Microsoft.Extensions.Time.Testing;
using WearableEdge.Clinical.Alerts;
using WearableEdge.Clinical.Features;
using WearableEdge.Clinical.Samples;
using WearableEdge.Clinical.Scoring;
using WearableEdge.Contracts;
using WearableEdge.EdgeService.Alerts;
using WearableEdge.EdgeService.Api;
using WearableEdge.EdgeService.Scoring;
using WearableEdge.EdgeService.Storage;
using WearableEdge.EdgeService.Sync;
using WearableEdge.EdgeService.Tests.Sync;

namespace WearableEdge.EdgeService.Tests.Alerts;

/// <summary>
/// The service side of the lifecycle against a real SQLite store and a <see cref="FakeTimeProvider"/>:
/// rule decisions and staff commands stored with their audit rows, in the same transaction as the
/// outbox entries, and handed to the live feed only after the commit.
/// </summary>
public sealed class AlertLifecycleServiceTests : IDisposable
{
    private static readonly DateTimeOffset T0 = new(2026, 1, 1, 8, 0, 0, TimeSpan.Zero);

    private readonly TestDataDirectory _folder = new();
    private readonly FakeTimeProvider _time = new(T0);
    private readonly EdgeMetrics _metrics = TestMeterFactory.NewMetrics();
    private readonly Channel<ScoredWindow> _windows = Channel.CreateUnbounded<ScoredWindow>();
    private readonly RecordingOutboxTarget _mqtt = new("mqtt", AlertTransition.Raised, AlertTransition.Acknowledged, AlertTransition.ReAlerted, AlertTransition.Silenced, AlertTransition.Resolved);
    private readonly AlertLedger _ledger = new();
    private readonly AlertFeed _feed = new();
    private readonly PatientBoard _board = new();

    public void Dispose()
    {
        _metrics.Dispose();
        _folder.Dispose();
    }

    private async Task<(EdgeDatabase Database, AlertStore Store, AlertCommandService Commands)> StoreAsync()
    {
        var database = await _folder.MigratedDatabaseAsync();
        var store = new AlertStore(database, [_mqtt], new OutboxSignal(), _time, _feed);
        return (database, store, new AlertCommandService(store, _ledger, _metrics, _time, NullLogger<AlertCommandService>.Instance));
    }

    private AlertService NewService(AlertStore store, AlertOptions? options = null) =>
        new(_windows.Reader, store, _ledger, _board, Options.Create(options ?? new AlertOptions()), _metrics, _time, NullLogger<AlertService>.Instance);

    /// <summary>A scored 60 s window ending <paramref name="seconds"/> after T0 whose latest SpO2 is <paramref name="spO2"/> (mean stays normal).</summary>
    private static ScoredWindow Window(double seconds, double spO2)
    {
        var end = T0.AddSeconds(seconds);
        static VitalSummary Flat(double v) => new(60, v, v, v, v, 0, 1);
        var window = new FeatureVector("p-1", end.AddSeconds(-60), end, 60, 1, new Dictionary<VitalSign, VitalSummary>
        {
            [VitalSign.SpO2] = new(60, 96, spO2, 98, spO2, null, 1),
            [VitalSign.HeartRate] = Flat(75),
            [VitalSign.RespirationRate] = Flat(16),
            [VitalSign.Temperature] = Flat(36.8),
        });
        var (news2, risk) = News2Scorer.Score(window, 0.5);
        return new ScoredWindow(window, news2, risk);
    }

    private async Task<AlertMessage> RaiseDesaturationAsync(AlertStore store, CancellationToken cancellationToken)
    {
        for (var s = 5; s <= 25; s += 5)
        {
            await _windows.Writer.WriteAsync(Window(s, 87), cancellationToken);
        }

        AlertMessage? raised = null;
        await Polling.WaitUntilAsync(
            async () => (raised = (await store.QueryAsync(new AlertQuery("open"), cancellationToken)).FirstOrDefault()) is not null,
            "the desaturation alert is stored");
        return raised!;
    }

    [Fact]
    public async Task Desaturation_PersistsFifteenSeconds_StoresOneActiveAlertWithRaisedAuditRow()
    {
        var ct = TestContext.Current.CancellationToken;
        var (_, store, _) = await StoreAsync();
        using var service = NewService(store);
        await service.StartAsync(ct);

        var alert = await RaiseDesaturationAsync(store, ct);
        await service.StopAsync(ct);

        Assert.Equal((SpO2AlertRule.AlertType, "medium", "active", false), (alert.Type, alert.Priority, alert.Status, alert.Technical));
        Assert.Equal(T0.AddSeconds(20), alert.RaisedAt);
        Assert.Equal(87, alert.PeakScore);
        Assert.Contains("below 90 %", alert.Reason, StringComparison.Ordinal);
        var audit = Assert.Single(await store.GetAuditAsync(alert.Id, ct));
        Assert.Equal(("raised", "active", "system", null), (audit.Action, audit.Status, audit.Actor, audit.Client));
    }

    [Fact]
    public async Task Acknowledge_OpenAlert_AuditsActorClientNoteAndQueuesOutboxInOneCommit()
    {
        var ct = TestContext.Current.CancellationToken;
        var (database, store, commands) = await StoreAsync();
        using var service = NewService(store);
        await service.StartAsync(ct);
        var alert = await RaiseDesaturationAsync(store, ct);
        using var listener = _feed.Listen();
        _time.Advance(TimeSpan.FromSeconds(30));

        var result = await commands.ExecuteAsync(alert.Id, AlertCommand.Acknowledge, new AlertActor("nurse.jo", "127.0.0.1 test"), "  on my way  ", cancellationToken: ct);
        await service.StopAsync(ct);

        Assert.Equal(AlertCommandOutcome.Done, result.Outcome);
        Assert.Equal(("acknowledged", "nurse.jo", T0.AddSeconds(30)), (result.Alert!.Status, result.Alert.AcknowledgedBy, result.Alert.AcknowledgedAt));
        var audit = (await store.GetAuditAsync(alert.Id, ct)).Last();
        Assert.Equal(("acknowledged", "acknowledged", "nurse.jo", "127.0.0.1 test", "on my way"), (audit.Action, audit.Status, audit.Actor, audit.Client, audit.Note));
        Assert.Equal(1, await SqlQueries.CountAsync(database, $"SELECT COUNT(*) FROM outbox WHERE action = 'acknowledged' AND alert_id = '{alert.Id}';"));
        Assert.Equal(1, await SqlQueries.CountAsync(database, $"SELECT COUNT(*) FROM alerts WHERE acknowledged_by = 'nurse.jo' AND status = 'acknowledged';"));
        Assert.True(listener.Alerts.TryRead(out var streamed));
        Assert.Equal("acknowledged", streamed.Status);
    }

    [Fact]
    public async Task Commands_UnknownOrResolved_NotFoundOrConflict()
    {
        var ct = TestContext.Current.CancellationToken;
        var (_, store, commands) = await StoreAsync();
        await store.RecordAsync(TestAlerts.Raised(TestAlerts.Alert(id: "al-1")), ct);
        var actor = new AlertActor("nurse", null);

        Assert.Equal(AlertCommandOutcome.NotFound, (await commands.ExecuteAsync("al-404", AlertCommand.Acknowledge, actor, null, cancellationToken: ct)).Outcome);
        Assert.Equal(AlertCommandOutcome.Done, (await commands.ExecuteAsync("al-1", AlertCommand.Resolve, actor, "seen", cancellationToken: ct)).Outcome);
        var again = await commands.ExecuteAsync("al-1", AlertCommand.Acknowledge, actor, null, cancellationToken: ct);

        Assert.Equal(AlertCommandOutcome.Conflict, again.Outcome);
        Assert.Equal("resolved", again.Alert!.Status);
        Assert.Equal(["raised", "resolved"], (await store.GetAuditAsync("al-1", ct)).Select(a => a.Action));
    }

    [Fact]
    public async Task Silence_WithoutReasonOrTooLong_Throws()
    {
        var ct = TestContext.Current.CancellationToken;
        var (_, store, commands) = await StoreAsync();
        await store.RecordAsync(TestAlerts.Raised(TestAlerts.Alert(id: "al-1")), ct);
        var actor = new AlertActor("nurse", null);

        await Assert.ThrowsAsync<ArgumentException>(() => commands.ExecuteAsync("al-1", AlertCommand.Silence, actor, " ", TimeSpan.FromMinutes(5), ct));
        await Assert.ThrowsAsync<ArgumentOutOfRangeException>(() => commands.ExecuteAsync("al-1", AlertCommand.Silence, actor, "washing", TimeSpan.FromHours(3), ct));
    }

    [Fact]
    public async Task Silence_TimeRunsOut_TickReAlertsAndAudits()
    {
        var ct = TestContext.Current.CancellationToken;
        var (_, store, commands) = await StoreAsync();
        var service = NewService(store);
        using (service)
        {
            await service.StartAsync(ct);
            var alert = await RaiseDesaturationAsync(store, ct);
            await service.StopAsync(ct);
            _time.SetUtcNow(T0.AddSeconds(30));

            var silenced = await commands.ExecuteAsync(alert.Id, AlertCommand.Silence, new AlertActor("nurse", "ip ua"), "probe being repositioned", TimeSpan.FromMinutes(2), ct);
            Assert.Equal(("silenced", T0.AddSeconds(150), "probe being repositioned"), (silenced.Alert!.Status, silenced.Alert.SilencedUntil, silenced.Alert.SilenceReason));

            _time.SetUtcNow(T0.AddSeconds(149));
            using (await _ledger.LockAsync(ct))
            {
                await service.TickAsync(ct);
            }

            Assert.Equal("silenced", (await store.GetAsync(alert.Id, ct))!.Status);
            _time.SetUtcNow(T0.AddSeconds(150));
            using (await _ledger.LockAsync(ct))
            {
                await service.TickAsync(ct);
            }

            var after = await store.GetAsync(alert.Id, ct);
            Assert.Equal(("active", null), (after!.Status, after.SilencedUntil));
            Assert.Equal(["raised", "silenced", "re-alerted"], (await store.GetAuditAsync(alert.Id, ct)).Select(a => a.Action));
            Assert.Equal("probe being repositioned", (await store.GetAuditAsync(alert.Id, ct))[1].Note);
        }
    }

    [Fact]
    public async Task Tick_DeviceOffBody_RaisesTechnicalAlertAfterDelayThenResolvesWhenWorn()
    {
        var ct = TestContext.Current.CancellationToken;
        var (_, store, _) = await StoreAsync();
        using var service = NewService(store);
        var status = new DeviceStatus { SchemaVersion = 1, DeviceId = "w-1", BatteryPercent = 80, WearStatus = WearStatus.Off, SignalQuality = 0 };
        _board.RecordDevice("p-1", status);

        for (var s = 0; s <= 30; s += 5)
        {
            _time.SetUtcNow(T0.AddSeconds(s));
            using (await _ledger.LockAsync(ct))
            {
                await service.TickAsync(ct);
            }
        }

        var alert = Assert.Single(await store.QueryAsync(new AlertQuery("open"), ct));
        Assert.Equal((DeviceAlertRule.DeviceOffType, true, "medium", T0.AddSeconds(30)), (alert.Type, alert.Technical, alert.Priority, alert.RaisedAt));

        _board.RecordDevice("p-1", status with { WearStatus = WearStatus.On });
        for (var s = 35; s <= 50; s += 5)
        {
            _time.SetUtcNow(T0.AddSeconds(s));
            using (await _ledger.LockAsync(ct))
            {
                await service.TickAsync(ct);
            }
        }

        Assert.Equal("resolved", (await store.GetAsync(alert.Id, ct))!.Status);
    }

    [Fact]
    public void RulesFor_PatientOverride_WinsOverRuleOverDefault()
    {
        var options = new AlertOptions
        {
            Rules = new(StringComparer.OrdinalIgnoreCase) { ["desaturation"] = new AlertRuleOptions { ConditionDelay = TimeSpan.FromSeconds(10), RaiseBelow = 88 } },
            Patients = new(StringComparer.Ordinal)
            {
                ["p-copd"] = new(StringComparer.OrdinalIgnoreCase) { ["desaturation"] = new AlertRuleOptions { RaiseBelow = 86, HighBelow = 80, ClearAtOrAbove = 88, ReAlertAfter = TimeSpan.Zero } },
            },
        };

        var other = options.RulesFor("p-1");
        var copd = options.RulesFor("p-copd");

        Assert.Equal((TimeSpan.FromSeconds(10), 88.0, 92.0), (other.SpO2.ConditionDelay, other.SpO2Thresholds.MediumBelow, other.SpO2Thresholds.ClearAtOrAbove));
        Assert.Equal(TimeSpan.FromMinutes(5), other.SpO2.ReAlertAfter);
        Assert.Equal((TimeSpan.FromSeconds(10), 86.0, 80.0, 88.0), (copd.SpO2.ConditionDelay, copd.SpO2Thresholds.MediumBelow, copd.SpO2Thresholds.HighBelow, copd.SpO2Thresholds.ClearAtOrAbove));
        Assert.Null(copd.SpO2.ReAlertAfter);
        Assert.Equal(TimeSpan.FromSeconds(15), AlertRuleSet.Default.SpO2.ConditionDelay);
    }

    [Fact]
    public void Validate_UnknownRuleOrInconsistentThresholds_NamesTheKey()
    {
        var validator = new AlertOptionsValidator();
        var unknown = validator.Validate(null, new AlertOptions { Rules = new(StringComparer.OrdinalIgnoreCase) { ["tachycardia"] = new AlertRuleOptions() } });
        var inverted = validator.Validate(null, new AlertOptions
        {
            Patients = new(StringComparer.Ordinal) { ["p-2"] = new(StringComparer.OrdinalIgnoreCase) { ["desaturation"] = new AlertRuleOptions { RaiseBelow = 95 } } },
        });

        Assert.Contains("Alerts:Rules:tachycardia", unknown.FailureMessage, StringComparison.Ordinal);
        Assert.Contains("Alerts:Patients:p-2", inverted.FailureMessage, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Configuration_PerRuleAndPerPatientKeys_BindThroughTheHost()
    {
        string[] args =
        [
            "--urls=http://127.0.0.1:0", "--Mqtt:EmbeddedPort=0", "--Logging:LogLevel:Default=None", $"--Storage:DataDirectory={_folder.Path}",
            "--Alerts:Rules:desaturation:ConditionDelay=00:00:10", "--Alerts:Rules:news2:ReAlertAfter=00:00:00",
            "--Alerts:Patients:bed-12:desaturation:RaiseBelow=86", "--Alerts:Patients:bed-12:desaturation:HighBelow=82",
            "--Alerts:Patients:bed-12:desaturation:ClearAtOrAbove=88",
        ];
        await using var app = EdgeServiceHost.Build(args);

        var options = app.Services.GetRequiredService<IOptions<AlertOptions>>().Value;
        var bed12 = options.RulesFor("bed-12");

        Assert.Equal((TimeSpan.FromSeconds(10), 86.0, 82.0, 88.0), (bed12.SpO2.ConditionDelay, bed12.SpO2Thresholds.MediumBelow, bed12.SpO2Thresholds.HighBelow, bed12.SpO2Thresholds.ClearAtOrAbove));
        Assert.Null(bed12.News2.ReAlertAfter);
        Assert.Equal(90, options.RulesFor("bed-13").SpO2Thresholds.MediumBelow);
    }

    [Fact]
    public async Task Configuration_UnknownRule_StopsStartNamingTheKey()
    {
        string[] args =
        [
            "--urls=http://127.0.0.1:0", "--Mqtt:EmbeddedPort=0", "--Logging:LogLevel:Default=None", $"--Storage:DataDirectory={_folder.Path}",
            "--Alerts:Rules:tachycardia:ConditionDelay=00:00:10",
        ];
        await using var app = EdgeServiceHost.Build(args);

        var error = await Assert.ThrowsAnyAsync<Exception>(() => app.StartAsync(TestContext.Current.CancellationToken));

        Assert.True(EdgeServiceHost.IsConfigurationError(error, out var message), error.ToString());
        Assert.Contains("Alerts:Rules:tachycardia", message, StringComparison.Ordinal);
    }
}

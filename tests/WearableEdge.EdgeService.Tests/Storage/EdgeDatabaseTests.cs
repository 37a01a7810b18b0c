using WearableEdge.EdgeService.Storage;

namespace WearableEdge.EdgeService.Tests.Storage;

public sealed class EdgeDatabaseTests : IDisposable
{
    private readonly TestDataDirectory _folder = new();

    public void Dispose() => _folder.Dispose();

    [Fact]
    public async Task MigrateAsync_EmptyFolder_CreatesCurrentSchemaInWal()
    {
        var database = _folder.Database();

        var version = await database.MigrateAsync(TestContext.Current.CancellationToken);

        Assert.Equal(EdgeDatabase.CurrentVersion, version);
        Assert.True(File.Exists(database.Path));
        Assert.Equal(EdgeDatabase.CurrentVersion, await SqlQueries.CountAsync(database, "PRAGMA user_version;"));
        Assert.Equal("wal", await SqlQueries.ScalarAsync(database, "PRAGMA journal_mode;"));
        Assert.Equal(3, await SqlQueries.CountAsync(database, "SELECT COUNT(*) FROM sqlite_master WHERE type = 'table' AND name IN ('alerts', 'alert_events', 'outbox');"));
    }

    [Fact]
    public async Task OpenAsync_AfterMigration_UsesFullSyncAndForeignKeys()
    {
        var database = await _folder.MigratedDatabaseAsync();

        // synchronous = FULL is 2: a committed alert survives a power cut.
        Assert.Equal(2, await SqlQueries.CountAsync(database, "PRAGMA synchronous;"));
        Assert.Equal(1, await SqlQueries.CountAsync(database, "PRAGMA foreign_keys;"));
    }

    [Fact]
    public async Task MigrateAsync_Twice_IsNoOpAndKeepsData()
    {
        var ct = TestContext.Current.CancellationToken;
        var database = await _folder.MigratedDatabaseAsync();
        var store = new AlertStore(database, [], new WearableEdge.EdgeService.Sync.OutboxSignal(), TimeProvider.System);
        await store.RecordAsync(TestAlerts.Raised(TestAlerts.Alert()), ct);

        var again = await _folder.Database().MigrateAsync(ct);

        Assert.Equal(EdgeDatabase.CurrentVersion, again);
        Assert.Equal(1, await SqlQueries.CountAsync(database, "SELECT COUNT(*) FROM alerts;"));
        Assert.Equal(EdgeDatabase.CurrentVersion, await SqlQueries.CountAsync(database, "PRAGMA user_version;"));
    }

    [Fact]
    public async Task MigrateAsync_NewerSchemaVersion_ThrowsNamingVersionsAndSetting()
    {
        var database = _folder.Database();
        var newer = EdgeDatabase.CurrentVersion + 1;
        await SqlQueries.ExecuteAsync(database, $"PRAGMA user_version = {newer};");

        var error = await Assert.ThrowsAsync<InvalidOperationException>(() => database.MigrateAsync(TestContext.Current.CancellationToken));

        Assert.Contains($"schema version {newer}", error.Message, StringComparison.Ordinal);
        Assert.Contains("Storage:DataDirectory", error.Message, StringComparison.Ordinal);
        Assert.Equal(newer, await SqlQueries.CountAsync(database, "PRAGMA user_version;"));
    }

    [Fact]
    public async Task MigrateAsync_VersionFourWithSamples_ListsTheirPatientsInSamplePatientsAndDropsThePerPatientIndex()
    {
        var database = _folder.Database();
        await SqlQueries.ExecuteAsync(database, string.Join("\n", EdgeDatabase.Migrations.Take(4)) + "\nPRAGMA user_version = 4;");
        await SqlQueries.ExecuteAsync(database, """
            INSERT INTO samples (patient_id, device_id, ts, received_at, heart_rate) VALUES ('p-001', 'd-1', 1000, 5000, 70);
            INSERT INTO samples (patient_id, device_id, ts, received_at, heart_rate) VALUES ('p-001', 'd-1', 2000, 4000, 71);
            INSERT INTO samples (patient_id, device_id, ts, received_at, heart_rate) VALUES ('p-002', 'd-2', 1000, 6000, 80);
            """);

        Assert.Equal(5, await database.MigrateAsync(TestContext.Current.CancellationToken));

        Assert.Equal(2, await SqlQueries.CountAsync(database, "SELECT COUNT(*) FROM sample_patients;"));
        Assert.Equal(4000, await SqlQueries.CountAsync(database, "SELECT first_seen_at FROM sample_patients WHERE patient_id = 'p-001';"));
        Assert.Equal(3, await SqlQueries.CountAsync(database, "SELECT COUNT(*) FROM samples;"));
        Assert.Equal(0, await SqlQueries.CountAsync(database, "SELECT COUNT(*) FROM sqlite_master WHERE type = 'index' AND name = 'ix_samples_patient_ts';"));
    }

    /// <summary>A store at schema version 1, as a build before the v2 migration left it: one alert, two outbox entries (ids 41 pending, 42 synced).</summary>
    private async Task<EdgeDatabase> VersionOneDatabaseAsync()
    {
        var database = _folder.Database();
        await SqlQueries.ExecuteAsync(database, EdgeDatabase.Migrations[0] + "\nPRAGMA user_version = 1;");
        await SqlQueries.ExecuteAsync(database, """
            INSERT INTO alerts (id, patient_id, type, priority, status, raised_at, stored_at, updated_at, resolved_at,
                                score, rule_id, rule_version, late, document)
            VALUES ('al-v1', 'p-001', 'news2', 'high', 'active', 1740816000000, 1740816001000, 1740816001000, NULL,
                    7, 'news2-alert', '1', 0, '{}');
            INSERT INTO outbox (id, target, alert_id, action, event_at, payload, state, attempts, next_attempt_at, created_at, synced_at, last_error)
            VALUES (41, 'mqtt', 'al-v1', 'raised', 1740816000000, '{"id":"al-v1"}', 'pending', 2, 1740816030000, 1740816001000, NULL, 'http-503');
            INSERT INTO outbox (id, target, alert_id, action, event_at, payload, state, attempts, next_attempt_at, created_at, synced_at, last_error)
            VALUES (42, 'tsdb', 'al-v1', 'raised', 1740816000000, '{"id":"al-v1"}', 'synced', 0, 1740816001000, 1740816001000, 1740816002000, NULL);
            """);
        return database;
    }

    [Fact]
    public async Task MigrateAsync_EmptyFolder_ReachesVersionFiveWithSamplesOutboxKindAuditUsersAndRegistry()
    {
        var database = _folder.Database();

        var version = await database.MigrateAsync(TestContext.Current.CancellationToken);

        Assert.Equal(5, EdgeDatabase.CurrentVersion);
        Assert.Equal(5, version);
        Assert.Equal(5, await SqlQueries.CountAsync(database, "PRAGMA user_version;"));
        Assert.Equal(1, await SqlQueries.CountAsync(database, "SELECT COUNT(*) FROM sqlite_master WHERE type = 'table' AND name = 'sample_patients';"));
        Assert.Equal(0, await SqlQueries.CountAsync(database, "SELECT COUNT(*) FROM sqlite_master WHERE type = 'index' AND name = 'ix_samples_patient_ts';"));
        Assert.Equal(3, await SqlQueries.CountAsync(database, "SELECT COUNT(*) FROM sqlite_master WHERE type = 'table' AND name IN ('devices', 'device_assignments', 'consents');"));
        Assert.Equal(1, await SqlQueries.CountAsync(database, "SELECT COUNT(*) FROM sqlite_master WHERE type = 'table' AND name = 'users';"));
        Assert.Equal(1, await SqlQueries.CountAsync(database, "SELECT COUNT(*) FROM sqlite_master WHERE type = 'table' AND name = 'api_tokens';"));
        Assert.Equal(1, await SqlQueries.CountAsync(database, "SELECT COUNT(*) FROM pragma_table_info('alert_events') WHERE name = 'actor';"));
        Assert.Equal(1, await SqlQueries.CountAsync(database, "SELECT COUNT(*) FROM pragma_table_info('alerts') WHERE name = 'acknowledged_by';"));
        Assert.Equal(1, await SqlQueries.CountAsync(database, "SELECT COUNT(*) FROM sqlite_master WHERE type = 'table' AND name = 'samples';"));
        Assert.Equal(1, await SqlQueries.CountAsync(database, "SELECT COUNT(*) FROM pragma_table_info('outbox') WHERE name = 'kind';"));
        Assert.Equal(0, await SqlQueries.CountAsync(database, "SELECT \"notnull\" FROM pragma_table_info('outbox') WHERE name = 'alert_id';"));
        Assert.Equal(0, await SqlQueries.CountAsync(database, "SELECT COUNT(*) FROM sqlite_master WHERE name = 'outbox_v2';"));
    }

    [Fact]
    public async Task MigrateAsync_FromVersionOneWithData_KeepsOutboxRowsAsAlertEntries()
    {
        var ct = TestContext.Current.CancellationToken;
        var database = await VersionOneDatabaseAsync();

        var version = await database.MigrateAsync(ct);

        Assert.Equal(EdgeDatabase.CurrentVersion, version);
        Assert.Equal(EdgeDatabase.CurrentVersion, await SqlQueries.CountAsync(database, "PRAGMA user_version;"));
        Assert.Equal(1, await SqlQueries.CountAsync(database, "SELECT COUNT(*) FROM alerts WHERE id = 'al-v1';"));
        Assert.Equal(2, await SqlQueries.CountAsync(database, "SELECT COUNT(*) FROM outbox;"));
        Assert.Equal(2, await SqlQueries.CountAsync(database, "SELECT COUNT(*) FROM outbox WHERE kind = 'alert' AND alert_id = 'al-v1';"));
        Assert.Equal(1, await SqlQueries.CountAsync(
            database,
            "SELECT COUNT(*) FROM outbox WHERE id = 41 AND target = 'mqtt' AND state = 'pending' AND attempts = 2 AND next_attempt_at = 1740816030000 AND last_error = 'http-503' AND synced_at IS NULL;"));
        Assert.Equal(1, await SqlQueries.CountAsync(
            database,
            "SELECT COUNT(*) FROM outbox WHERE id = 42 AND target = 'tsdb' AND state = 'synced' AND synced_at = 1740816002000 AND payload = '{\"id\":\"al-v1\"}';"));
    }

    [Fact]
    public async Task MigrateAsync_FromVersionOne_PendingEntryIsClaimableWithAlertKind()
    {
        var ct = TestContext.Current.CancellationToken;
        var database = await VersionOneDatabaseAsync();
        await database.MigrateAsync(ct);

        var entry = Assert.Single(await new OutboxStore(database).ClaimDueAsync("mqtt", DateTimeOffset.FromUnixTimeMilliseconds(1740816030000), 10, ct));

        Assert.Equal(41, entry.Id);
        Assert.Equal(OutboxKind.Alert, entry.Kind);
        Assert.Equal("al-v1", entry.AlertId);
        Assert.Equal(2, entry.Attempts);
    }

    [Fact]
    public async Task MigrateAsync_FromVersionOne_NewEntriesGetIdsAboveOldOnes()
    {
        var ct = TestContext.Current.CancellationToken;
        var database = await VersionOneDatabaseAsync();
        await database.MigrateAsync(ct);
        var store = new AlertStore(database, [new WearableEdge.EdgeService.Tests.Sync.RecordingOutboxTarget("mqtt")], new WearableEdge.EdgeService.Sync.OutboxSignal(), TimeProvider.System);

        await store.RecordAsync(TestAlerts.Raised(TestAlerts.Alert(id: "al-v2")), ct);

        Assert.Equal(43, await SqlQueries.CountAsync(database, "SELECT id FROM outbox WHERE alert_id = 'al-v2';"));
        Assert.Contains("AUTOINCREMENT", (string?)await SqlQueries.ScalarAsync(database, "SELECT sql FROM sqlite_master WHERE type = 'table' AND name = 'outbox';"), StringComparison.OrdinalIgnoreCase);
        Assert.Equal(43, await SqlQueries.CountAsync(database, "SELECT seq FROM sqlite_sequence WHERE name = 'outbox';"));
        Assert.Equal(0, await SqlQueries.CountAsync(database, "SELECT COUNT(*) FROM sqlite_sequence WHERE name = 'outbox_v2';"));
    }

    [Fact]
    public async Task MigrateAsync_FromVersionOne_PassesIntegrityAndForeignKeyChecks()
    {
        var ct = TestContext.Current.CancellationToken;
        var database = await VersionOneDatabaseAsync();

        await database.MigrateAsync(ct);

        Assert.Equal("ok", await SqlQueries.ScalarAsync(database, "PRAGMA integrity_check;"));
        Assert.Equal(0, await SqlQueries.CountAsync(database, "SELECT COUNT(*) FROM pragma_foreign_key_check;"));
        Assert.Equal(1, await SqlQueries.CountAsync(database, "SELECT COUNT(*) FROM pragma_foreign_key_list('outbox') WHERE \"table\" = 'alerts';"));
        Assert.Equal(3, await SqlQueries.CountAsync(
            database, "SELECT COUNT(*) FROM sqlite_master WHERE type = 'index' AND tbl_name = 'outbox' AND name IN ('ix_outbox_due', 'ix_outbox_kind_state', 'ix_outbox_synced');"));
    }

    [Fact]
    public async Task MigrateAsync_FromVersionOne_SummaryNeedsNoAlertButAlertEntryNeedsStoredAlert()
    {
        var ct = TestContext.Current.CancellationToken;
        var database = await VersionOneDatabaseAsync();
        await database.MigrateAsync(ct);

        // A summary has no alert; an alert entry must still name a stored alert (foreign_keys is on).
        await SqlQueries.ExecuteAsync(database, """
            INSERT INTO outbox (target, kind, alert_id, action, event_at, payload, next_attempt_at, created_at)
            VALUES ('tsdb', 'vitals_1m', NULL, 'summary', 1740816000000, '{}', 0, 0);
            """);
        var error = await Assert.ThrowsAsync<Microsoft.Data.Sqlite.SqliteException>(() => SqlQueries.ExecuteAsync(database, """
            INSERT INTO outbox (target, kind, alert_id, action, event_at, payload, next_attempt_at, created_at)
            VALUES ('tsdb', 'alert', 'al-missing', 'raised', 1740816000000, '{}', 0, 0);
            """));

        Assert.Contains("FOREIGN KEY", error.Message, StringComparison.OrdinalIgnoreCase);
        Assert.Equal(1, await SqlQueries.CountAsync(database, "SELECT COUNT(*) FROM outbox WHERE kind = 'vitals_1m';"));
    }
}

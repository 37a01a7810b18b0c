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
}

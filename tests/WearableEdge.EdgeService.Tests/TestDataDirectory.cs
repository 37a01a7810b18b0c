using Microsoft.Data.Sqlite;
using Microsoft.Extensions.Options;
using WearableEdge.EdgeService.Storage;

namespace WearableEdge.EdgeService.Tests;

/// <summary>A fresh folder under the temp path for one test's SQLite store; deleted on dispose.</summary>
internal sealed class TestDataDirectory : IDisposable
{
    public TestDataDirectory()
    {
        Path = System.IO.Path.Combine(System.IO.Path.GetTempPath(), "wearable-edge-tests", Guid.NewGuid().ToString("N"));
        Directory.CreateDirectory(Path);
    }

    public string Path { get; }

    public EdgeDatabase Database() => new(Options.Create(new StorageOptions { DataDirectory = Path }));

    /// <summary>A migrated database in this folder.</summary>
    public async Task<EdgeDatabase> MigratedDatabaseAsync()
    {
        var database = Database();
        await database.MigrateAsync(TestContext.Current.CancellationToken);
        return database;
    }

    public void Dispose()
    {
        // Pooled connections keep the file open; release them before deleting the folder.
        SqliteConnection.ClearAllPools();
        try
        {
            Directory.Delete(Path, recursive: true);
        }
        catch (IOException)
        {
            // A connection another test still holds; the folder is under the temp path and harmless.
        }
    }
}

using WearableEdge.EdgeService.Storage;

namespace WearableEdge.EdgeService.Tests.Security;

/// <summary>The data folder is the service user's only: folders 0700, files 0600, wider permissions narrowed and reported.</summary>
[System.Runtime.Versioning.UnsupportedOSPlatform("windows")]
public sealed class DataDirectoryAccessTests : IDisposable
{
    private const UnixFileMode Mode700 = UnixFileMode.UserRead | UnixFileMode.UserWrite | UnixFileMode.UserExecute;
    private const UnixFileMode Mode600 = UnixFileMode.UserRead | UnixFileMode.UserWrite;
    private const UnixFileMode Mode755 = Mode700 | UnixFileMode.GroupRead | UnixFileMode.GroupExecute | UnixFileMode.OtherRead | UnixFileMode.OtherExecute;
    private const UnixFileMode Mode644 = Mode600 | UnixFileMode.GroupRead | UnixFileMode.OtherRead;

    private readonly TestDataDirectory _folder = new();

    public void Dispose() => _folder.Dispose();

    private static void SkipOnWindows() => Assert.SkipWhen(OperatingSystem.IsWindows(), "Unix file modes only; on Windows the folder's ACL is the deployer's.");

    [Fact]
    public void Restrict_WiderFolderAndFiles_NarrowsThemAndReportsEach()
    {
        SkipOnWindows();
        var data = Path.Combine(_folder.Path, "data");
        var keys = Path.Combine(data, "keys");
        Directory.CreateDirectory(keys);
        var database = Path.Combine(data, "wearable-edge.db");
        var key = Path.Combine(keys, "key-1.xml");
        File.WriteAllText(database, "");
        File.WriteAllText(key, "");
        foreach (var folder in new[] { data, keys })
        {
            File.SetUnixFileMode(folder, Mode755);
        }

        File.SetUnixFileMode(database, Mode644);
        File.SetUnixFileMode(key, Mode644);

        var corrections = DataDirectoryAccess.Restrict(data);

        Assert.Equal(Mode700, File.GetUnixFileMode(data));
        Assert.Equal(Mode700, File.GetUnixFileMode(keys));
        Assert.Equal(Mode600, File.GetUnixFileMode(database));
        Assert.Equal(Mode600, File.GetUnixFileMode(key));
        Assert.Equal(4, corrections.Count);
        Assert.Contains(new PermissionCorrection(database, "644", "600"), corrections);
        Assert.Contains(new PermissionCorrection(data, "755", "700"), corrections);
        Assert.Empty(DataDirectoryAccess.Restrict(data));
    }

    [Fact]
    public void Restrict_FolderHoldingOtherFiles_LeavesThemAlone()
    {
        SkipOnWindows();
        var data = Path.Combine(_folder.Path, "data");
        var other = Path.Combine(data, "notes", "readme.txt");
        Directory.CreateDirectory(Path.GetDirectoryName(other)!);
        File.WriteAllText(other, "");
        File.SetUnixFileMode(other, Mode644);
        File.SetUnixFileMode(Path.GetDirectoryName(other)!, Mode755);

        DataDirectoryAccess.Restrict(data);

        Assert.Equal(Mode644, File.GetUnixFileMode(other));
        Assert.Equal(Mode755, File.GetUnixFileMode(Path.GetDirectoryName(other)!));
        Assert.Equal(Mode700, File.GetUnixFileMode(data));
    }

    [Fact]
    public void Create_MissingFolder_IsOwnerOnly()
    {
        SkipOnWindows();
        var data = Path.Combine(_folder.Path, "fresh", "data");

        DataDirectoryAccess.Create(data);

        Assert.Equal(Mode700, File.GetUnixFileMode(data));
    }

    [Fact]
    public async Task MigrateAsync_FreshFolder_LeavesStoreReadableByOwnerOnlyWithoutWarnings()
    {
        SkipOnWindows();
        var data = Path.Combine(_folder.Path, "store");
        var database = new EdgeDatabase(Microsoft.Extensions.Options.Options.Create(new StorageOptions { DataDirectory = data }));

        await database.MigrateAsync(TestContext.Current.CancellationToken);

        Assert.Equal(Mode700, File.GetUnixFileMode(data));
        Assert.Equal(Mode700, File.GetUnixFileMode(Path.Combine(data, DataDirectoryAccess.KeysFolderName)));
        Assert.All(Directory.GetFiles(data), file => Assert.Equal(Mode600, File.GetUnixFileMode(file)));
        Assert.Contains(Directory.GetFiles(data), file => file.EndsWith("wearable-edge.db", StringComparison.Ordinal));
        Assert.Empty(database.PermissionCorrections);
    }

    [Fact]
    public async Task MigrateAsync_FolderOpenToOthers_NarrowsItAndReportsIt()
    {
        SkipOnWindows();
        var data = Path.Combine(_folder.Path, "shared");
        Directory.CreateDirectory(data);
        File.SetUnixFileMode(data, Mode755);
        var database = new EdgeDatabase(Microsoft.Extensions.Options.Options.Create(new StorageOptions { DataDirectory = data }));

        await database.MigrateAsync(TestContext.Current.CancellationToken);

        Assert.Equal(Mode700, File.GetUnixFileMode(data));
        Assert.Equal(new PermissionCorrection(Path.GetFullPath(data), "755", "700"), Assert.Single(database.PermissionCorrections));
    }
}

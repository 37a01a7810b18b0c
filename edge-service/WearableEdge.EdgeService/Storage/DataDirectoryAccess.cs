namespace WearableEdge.EdgeService.Storage;

/// <summary>One permission this service narrowed: the item was reachable by other users.</summary>
/// <param name="Path">Full path of the folder or file.</param>
/// <param name="OldMode">Its mode before, octal (for example <c>755</c>).</param>
/// <param name="NewMode">Its mode now: <c>700</c> for folders, <c>600</c> for files.</param>
public sealed record PermissionCorrection(string Path, string OldMode, string NewMode);

/// <summary>
/// The data folder (the SQLite store with raw vitals and alerts, the Data Protection keys) is
/// readable by the service user only: folders 0700, files 0600. On Windows nothing is changed
/// (ACLs are the deployer's, docs/security.md).
/// </summary>
public static class DataDirectoryAccess
{
    /// <summary>Folder of the Data Protection keys inside the data folder (see Auth/AuthRegistration.cs).</summary>
    public const string KeysFolderName = "keys";

    private const string StoreFilePattern = "wearable-edge.db*";

    private const UnixFileMode FolderMode = UnixFileMode.UserRead | UnixFileMode.UserWrite | UnixFileMode.UserExecute;
    private const UnixFileMode FileMode = UnixFileMode.UserRead | UnixFileMode.UserWrite;
    private const UnixFileMode OtherUsers = UnixFileMode.GroupRead | UnixFileMode.GroupWrite | UnixFileMode.GroupExecute |
        UnixFileMode.OtherRead | UnixFileMode.OtherWrite | UnixFileMode.OtherExecute;

    /// <summary>Creates <paramref name="directory"/> (and missing parents) with mode 0700 where it does not exist.</summary>
    public static void Create(string directory)
    {
        ArgumentException.ThrowIfNullOrWhiteSpace(directory);
        if (OperatingSystem.IsWindows())
        {
            Directory.CreateDirectory(directory);
            return;
        }

        Directory.CreateDirectory(directory, FolderMode);
    }

    /// <summary>
    /// Takes group and other permissions off <paramref name="directory"/>, the store's files in it
    /// (<c>wearable-edge.db</c> and its <c>-wal</c>/<c>-shm</c>/<c>-journal</c>), and the Data Protection
    /// <c>keys</c> folder with its files. Nothing else is touched: the folder may have been pointed at
    /// a place holding other files. Symbolic links are not followed. Answers what it changed, for a warning.
    /// </summary>
    public static IReadOnlyList<PermissionCorrection> Restrict(string directory)
    {
        ArgumentException.ThrowIfNullOrWhiteSpace(directory);
        var corrections = new List<PermissionCorrection>();
        if (OperatingSystem.IsWindows() || !Directory.Exists(directory))
        {
            return corrections;
        }

        var folder = new DirectoryInfo(Path.GetFullPath(directory));
        Narrow(folder, FolderMode, corrections);
        foreach (var file in folder.EnumerateFiles(StoreFilePattern))
        {
            if (file.LinkTarget is null)
            {
                Narrow(file, FileMode, corrections);
            }
        }

        var keys = new DirectoryInfo(Path.Combine(folder.FullName, KeysFolderName));
        if (keys.Exists && keys.LinkTarget is null)
        {
            Narrow(keys, FolderMode, corrections);
            foreach (var file in keys.EnumerateFiles())
            {
                if (file.LinkTarget is null)
                {
                    Narrow(file, FileMode, corrections);
                }
            }
        }

        return corrections;
    }

    [System.Runtime.Versioning.UnsupportedOSPlatform("windows")]
    private static void Narrow(FileSystemInfo entry, UnixFileMode allowed, List<PermissionCorrection> corrections)
    {
        var mode = entry.UnixFileMode;
        if ((mode & OtherUsers) == 0)
        {
            return;
        }

        // Only bits are taken away: a folder or file the owner cannot read stays that way.
        var narrowed = mode & allowed;
        entry.UnixFileMode = narrowed;
        corrections.Add(new PermissionCorrection(entry.FullName, Octal(mode), Octal(narrowed)));
    }

    private static string Octal(UnixFileMode mode) => Convert.ToString((int)mode & 0b111_111_111, 8);
}

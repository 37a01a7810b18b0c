namespace WearableEdge.Training.Tests;

/// <summary>
/// Where the shared data lives: the WEARABLE_EDGE_DATA environment variable, else ../shared/data
/// next to the repository root. Tests that need it skip with a message when it is absent.
/// </summary>
internal static class TestData
{
    public static string RepositoryRoot { get; } = FindRepositoryRoot();

    public static string DataRoot =>
        Environment.GetEnvironmentVariable("WEARABLE_EDGE_DATA") is { Length: > 0 } configured
            ? configured
            : Path.GetFullPath(Path.Combine(RepositoryRoot, "..", "shared", "data"));

    public static string SepsisFolder => Path.Combine(DataRoot, "physionet2019-sepsis");

    /// <summary>The sepsis data folder, or a dynamic skip naming where it was looked for.</summary>
    public static string RequireSepsisData()
    {
        if (!Directory.Exists(Path.Combine(SepsisFolder, "patients")))
        {
            Assert.Skip($"PhysioNet 2019 data not found at '{SepsisFolder}' (set WEARABLE_EDGE_DATA to the folder holding physionet2019-sepsis).");
        }

        return SepsisFolder;
    }

    private static string FindRepositoryRoot()
    {
        var directory = new DirectoryInfo(AppContext.BaseDirectory);
        while (directory is not null && !File.Exists(Path.Combine(directory.FullName, "WearableEdge.sln")))
        {
            directory = directory.Parent;
        }

        return directory?.FullName ?? throw new InvalidOperationException("WearableEdge.sln not found above the test binaries.");
    }
}

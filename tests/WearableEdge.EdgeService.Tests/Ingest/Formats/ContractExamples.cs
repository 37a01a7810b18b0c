namespace WearableEdge.EdgeService.Tests.Ingest.Formats;

/// <summary>Reads the example payloads of docs/contract.md, so the tests feed exactly what the document shows.</summary>
internal static class ContractExamples
{
    private static readonly Lazy<string[]> Lines = new(() => File.ReadAllLines(Path.Combine(FindRepositoryRoot(), "docs", "contract.md")));

    /// <summary>The first <c>```json</c> block after the heading line <paramref name="heading"/> (exact, with its #s).</summary>
    public static string Json(string heading)
    {
        var lines = Lines.Value;
        var start = Array.IndexOf(lines, heading);
        if (start < 0)
        {
            throw new InvalidOperationException($"docs/contract.md has no heading line '{heading}'.");
        }

        var open = Array.FindIndex(lines, start + 1, l => l.Trim() == "```json");
        var nextHeading = Array.FindIndex(lines, start + 1, l => l.StartsWith('#'));
        if (open < 0 || (nextHeading >= 0 && nextHeading < open))
        {
            throw new InvalidOperationException($"docs/contract.md: no ```json block under '{heading}'.");
        }

        var close = Array.FindIndex(lines, open + 1, l => l.Trim() == "```");
        return string.Join('\n', lines[(open + 1)..close]);
    }

    private static string FindRepositoryRoot()
    {
        var directory = new DirectoryInfo(AppContext.BaseDirectory);
        while (directory is not null && !File.Exists(Path.Combine(directory.FullName, "WearableEdge.sln")))
        {
            directory = directory.Parent;
        }

        return directory?.FullName ?? throw new InvalidOperationException($"No WearableEdge.sln above {AppContext.BaseDirectory}.");
    }
}

using WearableEdge.EdgeService.Sync;

namespace WearableEdge.EdgeService.Tests;

/// <summary>
/// Tests that read or set <c>WEARABLEEDGE_SITE_KEY</c>. A process-wide variable, so these tests
/// run alone, never beside a test that could read it.
/// </summary>
[CollectionDefinition(Name, DisableParallelization = true)]
public sealed class SiteKeyEnvironment
{
    public const string Name = "site key environment variable";

    /// <summary>Sets (or, with null, clears) the site key variable until disposed, then restores what the machine had.</summary>
    internal static IDisposable Set(string? value)
    {
        var previous = Environment.GetEnvironmentVariable(SyncOptions.SiteKeyEnvironmentVariable);
        Environment.SetEnvironmentVariable(SyncOptions.SiteKeyEnvironmentVariable, value);
        return new Restore(previous);
    }

    private sealed class Restore(string? previous) : IDisposable
    {
        public void Dispose() => Environment.SetEnvironmentVariable(SyncOptions.SiteKeyEnvironmentVariable, previous);
    }
}

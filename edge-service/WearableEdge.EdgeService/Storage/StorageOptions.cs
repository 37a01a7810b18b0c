using Microsoft.Extensions.Options;

namespace WearableEdge.EdgeService.Storage;

/// <summary>The local store. Section <c>Storage</c>.</summary>
public sealed class StorageOptions
{
    public const string SectionName = "Storage";

    /// <summary>Folder of the SQLite database <c>wearable-edge.db</c>; created if missing. Default <c>data</c> (relative to the working folder).</summary>
    public string DataDirectory { get; set; } = "data";

    public string DatabasePath => Path.GetFullPath(Path.Combine(DataDirectory, "wearable-edge.db"));
}

internal sealed class StorageOptionsValidator : IValidateOptions<StorageOptions>
{
    public ValidateOptionsResult Validate(string? name, StorageOptions options)
    {
        if (string.IsNullOrWhiteSpace(options.DataDirectory))
        {
            return ValidateOptionsResult.Fail("Storage:DataDirectory must name a folder.");
        }

        try
        {
            Directory.CreateDirectory(options.DataDirectory);
            return ValidateOptionsResult.Success;
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException or ArgumentException or NotSupportedException)
        {
            return ValidateOptionsResult.Fail($"Storage:DataDirectory: cannot create '{options.DataDirectory}': {e.Message}");
        }
    }
}

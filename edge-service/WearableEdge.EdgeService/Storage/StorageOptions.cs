using Microsoft.Extensions.Options;

namespace WearableEdge.EdgeService.Storage;

/// <summary>The local store. Section <c>Storage</c>.</summary>
public sealed class StorageOptions
{
    public const string SectionName = "Storage";

    /// <summary>Folder of the SQLite database <c>wearable-edge.db</c>; created if missing. Default <c>data</c> (relative to the working folder).</summary>
    public string DataDirectory { get; set; } = "data";

    public string DatabasePath => Path.GetFullPath(Path.Combine(DataDirectory, "wearable-edge.db"));

    /// <summary>Whether raw vital-sign samples are kept in the local store. Default true. They never leave the gateway.</summary>
    public bool StoreRawSamples { get; set; } = true;

    /// <summary>How long raw samples are kept, by gateway arrival time. Default 24 h. Alerts are kept regardless.</summary>
    public TimeSpan RawRetention { get; set; } = TimeSpan.FromHours(24);

    /// <summary>How long outbox entries are kept after they were delivered. Default 24 h.</summary>
    public TimeSpan SyncedOutboxRetention { get; set; } = TimeSpan.FromHours(24);

    /// <summary>How often retention runs. Default 1 min.</summary>
    public TimeSpan PurgeInterval { get; set; } = TimeSpan.FromMinutes(1);

    /// <summary>Rows deleted per purge transaction: small, so a purge never holds the write lock long. Default 1,000.</summary>
    public int PurgeBatchSize { get; set; } = 1_000;

    /// <summary>Raw samples queued for the store; past this they are shed and counted (ingest never waits for them). Default 50,000.</summary>
    public int RawQueueCapacity { get; set; } = 50_000;

    /// <summary>Most raw samples written in one transaction. Default 1,000.</summary>
    public int RawBatchSize { get; set; } = 1_000;

    /// <summary>
    /// How long the raw-sample writer gathers samples before a write, unless a batch fills first.
    /// Default 1 s: one transaction a second instead of one per arriving sample (docs/performance.md).
    /// Alerts never wait for it; a crash loses at most this much of the raw record.
    /// </summary>
    public TimeSpan RawFlushInterval { get; set; } = TimeSpan.FromSeconds(1);
}

internal sealed class StorageOptionsValidator : IValidateOptions<StorageOptions>
{
    public ValidateOptionsResult Validate(string? name, StorageOptions options)
    {
        if (string.IsNullOrWhiteSpace(options.DataDirectory))
        {
            return ValidateOptionsResult.Fail("Storage:DataDirectory must name a folder.");
        }

        var errors = new ValidateOptionsResultBuilder();
        if (options.RawRetention <= TimeSpan.Zero)
        {
            errors.AddError("Storage:RawRetention must be positive.");
        }

        if (options.SyncedOutboxRetention < TimeSpan.Zero)
        {
            errors.AddError("Storage:SyncedOutboxRetention must not be negative.");
        }

        if (options.PurgeInterval <= TimeSpan.Zero)
        {
            errors.AddError("Storage:PurgeInterval must be positive.");
        }

        if (options.PurgeBatchSize is < 1 or > 100_000)
        {
            errors.AddError("Storage:PurgeBatchSize must be between 1 and 100000.");
        }

        if (options.RawQueueCapacity < 1)
        {
            errors.AddError("Storage:RawQueueCapacity must be at least 1.");
        }

        if (options.RawFlushInterval < TimeSpan.Zero || options.RawFlushInterval > TimeSpan.FromSeconds(60))
        {
            errors.AddError("Storage:RawFlushInterval must be between 00:00:00 and 00:01:00.");
        }

        if (options.RawBatchSize is < 1 or > 10_000)
        {
            errors.AddError("Storage:RawBatchSize must be between 1 and 10000.");
        }

        try
        {
            DataDirectoryAccess.Create(options.DataDirectory);
            return errors.Build();
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException or ArgumentException or NotSupportedException)
        {
            return ValidateOptionsResult.Fail($"Storage:DataDirectory: cannot create '{options.DataDirectory}': {e.Message}");
        }
    }
}

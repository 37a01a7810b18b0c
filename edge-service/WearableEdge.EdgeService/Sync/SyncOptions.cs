using Microsoft.Extensions.Options;

namespace WearableEdge.EdgeService.Sync;

/// <summary>
/// Sync of alerts to an InfluxDB-compatible time-series store (line protocol, <c>/api/v2/write</c>).
/// Section <c>Sync</c>. With no <see cref="Url"/> sync is idle and alerts stay in the local store.
/// </summary>
public sealed class SyncOptions
{
    public const string SectionName = "Sync";

    /// <summary>Environment variable that holds the site key for pseudonymizing patient ids.</summary>
    public const string SiteKeyEnvironmentVariable = "WEARABLEEDGE_SITE_KEY";

    /// <summary>Base URL of the store, for example <c>http://127.0.0.1:8086</c>. Empty: sync idle.</summary>
    public string? Url { get; set; }

    /// <summary>API token, if the store needs one. Prefer the environment (<c>Sync__Token</c>) to a file.</summary>
    public string? Token { get; set; }

    /// <summary>InfluxDB organization. Default <c>wearable-edge</c>.</summary>
    public string Org { get; set; } = "wearable-edge";

    /// <summary>InfluxDB bucket. Default <c>wearable-edge</c>.</summary>
    public string Bucket { get; set; } = "wearable-edge";

    /// <summary>Most points written in one request. Default 500.</summary>
    public int BatchSize { get; set; } = 500;

    /// <summary>How often the outbox is checked when nothing wakes it. Default 1 s.</summary>
    public TimeSpan PollInterval { get; set; } = TimeSpan.FromSeconds(1);

    /// <summary>First retry delay after a failed write; doubles per attempt with ±20 % jitter. Default 1 s.</summary>
    public TimeSpan InitialBackoff { get; set; } = TimeSpan.FromSeconds(1);

    /// <summary>Longest retry delay. Default 2 min.</summary>
    public TimeSpan MaxBackoff { get; set; } = TimeSpan.FromMinutes(2);

    /// <summary>
    /// Most undelivered outbox entries. At the bound, minute summaries are shed oldest first (and
    /// counted); alerts are never shed, and /health reports degraded. Default 100,000.
    /// </summary>
    public int MaxOutboxEntries { get; set; } = 100_000;

    /// <summary>Whether one-minute vitals summaries are synced (measurement vitals_1m). Default true.</summary>
    public bool SyncMinuteSummaries { get; set; } = true;

    /// <summary>Timeout of one write request. Default 10 s.</summary>
    public TimeSpan WriteTimeout { get; set; } = TimeSpan.FromSeconds(10);

    /// <summary>
    /// File holding the site key (HMAC-SHA256 key for patient pseudonyms). Used when the
    /// <c>WEARABLEEDGE_SITE_KEY</c> environment variable is not set. Never commit the key itself.
    /// </summary>
    public string? SiteKeyFile { get; set; }

    public bool IsConfigured => !string.IsNullOrWhiteSpace(Url);
}

internal sealed class SyncOptionsValidator : IValidateOptions<SyncOptions>
{
    public ValidateOptionsResult Validate(string? name, SyncOptions options)
    {
        if (!options.IsConfigured)
        {
            return ValidateOptionsResult.Success;
        }

        var errors = new ValidateOptionsResultBuilder();
        if (!Uri.TryCreate(options.Url, UriKind.Absolute, out var uri) || uri.Scheme is not ("http" or "https"))
        {
            errors.AddError($"Sync:Url: '{options.Url}' is not an http(s) URL.");
        }

        if (options.BatchSize is < 1 or > 10_000)
        {
            errors.AddError("Sync:BatchSize must be between 1 and 10000.");
        }

        if (options.PollInterval <= TimeSpan.Zero)
        {
            errors.AddError("Sync:PollInterval must be positive.");
        }

        if (options.InitialBackoff <= TimeSpan.Zero || options.MaxBackoff < options.InitialBackoff)
        {
            errors.AddError("Sync:InitialBackoff must be positive and not above Sync:MaxBackoff.");
        }

        if (options.MaxOutboxEntries < 100)
        {
            errors.AddError("Sync:MaxOutboxEntries must be at least 100.");
        }

        if (options.WriteTimeout <= TimeSpan.Zero)
        {
            errors.AddError("Sync:WriteTimeout must be positive.");
        }

        var key = PatientPseudonymizer.ReadSiteKey(options);
        if (key is not null && key.Length < PatientPseudonymizer.MinimumKeyBytes)
        {
            errors.AddError(
                $"Sync:SiteKeyFile: the site key (from {SyncOptions.SiteKeyEnvironmentVariable} or Sync:SiteKeyFile) is {key.Length} bytes; " +
                $"it must be at least {PatientPseudonymizer.MinimumKeyBytes}.");
        }

        if (string.IsNullOrEmpty(Environment.GetEnvironmentVariable(SyncOptions.SiteKeyEnvironmentVariable)))
        {
            if (string.IsNullOrWhiteSpace(options.SiteKeyFile))
            {
                errors.AddError(
                    $"Sync:SiteKeyFile: sync is configured but no site key is set. Set the {SyncOptions.SiteKeyEnvironmentVariable} " +
                    "environment variable or Sync:SiteKeyFile (patient ids leave the gateway only as HMAC pseudonyms).");
            }
            else if (!File.Exists(options.SiteKeyFile))
            {
                errors.AddError($"Sync:SiteKeyFile: '{options.SiteKeyFile}' does not exist.");
            }
        }

        return errors.Build();
    }
}

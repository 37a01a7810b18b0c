using System.Security.Cryptography;
using System.Text;
using Microsoft.Extensions.Options;

namespace WearableEdge.EdgeService.Sync;

/// <summary>
/// Turns a patient id into the pseudonym that leaves the gateway: HMAC-SHA256 with the site key,
/// 128 bits in hex. Without the key, which never leaves the gateway, the mapping cannot be reversed
/// or recomputed; on the gateway, the same id always gives the same pseudonym.
/// </summary>
public sealed class PatientPseudonymizer
{
    /// <summary>Shortest site key accepted, in bytes.</summary>
    public const int MinimumKeyBytes = 16;

    private readonly byte[] _key;

    public PatientPseudonymizer(byte[] key)
    {
        ArgumentNullException.ThrowIfNull(key);
        if (key.Length < MinimumKeyBytes)
        {
            throw new ArgumentException($"The site key must be at least {MinimumKeyBytes} bytes.", nameof(key));
        }

        _key = key;
    }

    public string Pseudonymize(string patientId)
    {
        ArgumentException.ThrowIfNullOrEmpty(patientId);
        var mac = HMACSHA256.HashData(_key, Encoding.UTF8.GetBytes(patientId));
        return "p-" + Convert.ToHexStringLower(mac, 0, 16);
    }

    /// <summary>Reads the site key from <c>WEARABLEEDGE_SITE_KEY</c>, else from <see cref="SyncOptions.SiteKeyFile"/>.</summary>
    internal static byte[]? ReadSiteKey(SyncOptions options)
    {
        var fromEnvironment = Environment.GetEnvironmentVariable(SyncOptions.SiteKeyEnvironmentVariable);
        if (!string.IsNullOrEmpty(fromEnvironment))
        {
            return Encoding.UTF8.GetBytes(fromEnvironment);
        }

        return string.IsNullOrWhiteSpace(options.SiteKeyFile) || !File.Exists(options.SiteKeyFile)
            ? null
            : Encoding.UTF8.GetBytes(File.ReadAllText(options.SiteKeyFile).Trim());
    }

    internal static PatientPseudonymizer FromOptions(IOptions<SyncOptions> options) =>
        new(ReadSiteKey(options.Value) ?? throw new InvalidOperationException("Sync:SiteKeyFile: no site key is configured."));
}

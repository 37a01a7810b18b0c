using System.Security.Cryptography;
using System.Security.Cryptography.X509Certificates;
using Microsoft.Extensions.Options;

namespace WearableEdge.EdgeService.Security;

/// <summary>
/// HTTPS for the API and the dashboard. Section <c>Https</c>. With a certificate configured,
/// every <c>https://</c> address in <c>--urls</c> serves it and responses carry HSTS. Plain HTTP
/// is served on loopback only (docs/security.md).
/// </summary>
public sealed class HttpsOptions
{
    public const string SectionName = "Https";

    /// <summary>
    /// Server certificate: a PEM certificate (<c>.pem</c>/<c>.crt</c>, with <see cref="KeyPath"/>, or with the key in the
    /// same file) or a PKCS#12 file (<c>.pfx</c>/<c>.p12</c>). Empty (default): no HTTPS.
    /// </summary>
    public string CertificatePath { get; set; } = "";

    /// <summary>PEM private key of a PEM certificate; empty when the key is in <see cref="CertificatePath"/> itself.</summary>
    public string KeyPath { get; set; } = "";

    /// <summary>File whose first line is the password of an encrypted PEM key or of a PKCS#12 file. Empty: not encrypted.</summary>
    public string PasswordFile { get; set; } = "";

    /// <summary><c>Strict-Transport-Security</c> max-age on HTTPS responses. Default 365 days; 1 day to 2 years.</summary>
    public TimeSpan HstsMaxAge { get; set; } = TimeSpan.FromDays(365);

    /// <summary>
    /// Serve plain HTTP on a non-loopback address even without a certificate. Default false. Only behind a
    /// TLS-terminating reverse proxy on a private network (for example a container network); logged as a warning at start.
    /// </summary>
    public bool AllowPlainHttpBeyondLoopback { get; set; }

    /// <summary>True when a certificate is configured.</summary>
    public bool Enabled => !string.IsNullOrWhiteSpace(CertificatePath);

    /// <summary>Loads the configured certificate with its private key; throws with a message naming the key.</summary>
    public X509Certificate2 LoadCertificate()
    {
        var password = ReadPassword();
        var extension = Path.GetExtension(CertificatePath).ToUpperInvariant();
        try
        {
            if (extension is ".PFX" or ".P12")
            {
                return X509CertificateLoader.LoadPkcs12FromFile(CertificatePath, password);
            }

            var keyPath = string.IsNullOrWhiteSpace(KeyPath) ? CertificatePath : KeyPath;
            return password is null
                ? X509Certificate2.CreateFromPemFile(CertificatePath, keyPath)
                : X509Certificate2.CreateFromEncryptedPemFile(CertificatePath, password, keyPath);
        }
        catch (Exception e) when (e is CryptographicException or IOException or UnauthorizedAccessException or ArgumentException)
        {
            throw new OptionsValidationException(SectionName, typeof(HttpsOptions),
                [$"Https:CertificatePath: cannot load the certificate '{CertificatePath}'{(string.IsNullOrWhiteSpace(KeyPath) ? "" : $" with the key '{KeyPath}'")}: {e.Message}"]);
        }
    }

    private string? ReadPassword()
    {
        if (string.IsNullOrWhiteSpace(PasswordFile))
        {
            return null;
        }

        try
        {
            using var reader = new StreamReader(PasswordFile);
            return reader.ReadLine() ?? "";
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException)
        {
            throw new OptionsValidationException(SectionName, typeof(HttpsOptions), [$"Https:PasswordFile: cannot read '{PasswordFile}': {e.Message}"]);
        }
    }
}

/// <summary>
/// Checks the certificate (it loads, has its private key, is valid now) and that no plain-HTTP
/// address reaches beyond loopback, naming the key at fault.
/// </summary>
internal sealed class HttpsOptionsValidator(HttpListenAddresses addresses, TimeProvider time) : IValidateOptions<HttpsOptions>
{
    public ValidateOptionsResult Validate(string? name, HttpsOptions options)
    {
        var errors = new ValidateOptionsResultBuilder();
        if (options.HstsMaxAge < TimeSpan.FromDays(1) || options.HstsMaxAge > TimeSpan.FromDays(730))
        {
            errors.AddError("Https:HstsMaxAge must be between 1.00:00:00 and 730.00:00:00.");
        }

        if (options.Enabled)
        {
            try
            {
                using var certificate = options.LoadCertificate();
                var now = time.GetUtcNow();
                if (!certificate.HasPrivateKey)
                {
                    errors.AddError($"Https:CertificatePath: '{options.CertificatePath}' has no private key (set Https:KeyPath).");
                }
                else if (now < certificate.NotBefore.ToUniversalTime() || now > certificate.NotAfter.ToUniversalTime())
                {
                    errors.AddError($"Https:CertificatePath: the certificate '{options.CertificatePath}' is valid from {certificate.NotBefore.ToUniversalTime():u} to {certificate.NotAfter.ToUniversalTime():u}, not now.");
                }
            }
            catch (OptionsValidationException e)
            {
                foreach (var failure in e.Failures)
                {
                    errors.AddError(failure);
                }
            }
        }

        foreach (var error in HttpEndpointPolicy.Check(addresses.Urls, options, addresses.KestrelCertificate))
        {
            errors.AddError(error);
        }

        return errors.Build();
    }
}

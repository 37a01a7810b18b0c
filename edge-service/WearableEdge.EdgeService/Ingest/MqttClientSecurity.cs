using System.Security.Cryptography;
using System.Security.Cryptography.X509Certificates;
using MQTTnet;
using WearableEdge.EdgeService.Auth;

namespace WearableEdge.EdgeService.Ingest;

/// <summary>
/// The security half of the broker connection: credentials and TLS from <see cref="MqttOptions"/>.
/// Files are read when the connection options are built, so a renewed certificate or password
/// is picked up at the next reconnect.
/// </summary>
internal static class MqttClientSecurity
{
    /// <summary>True when a user name and a password (inline or from a file) are configured.</summary>
    public static bool HasCredentials(MqttOptions options) =>
        !string.IsNullOrEmpty(options.Username) &&
        (!string.IsNullOrEmpty(options.Password) || !string.IsNullOrWhiteSpace(options.PasswordFile));

    /// <summary>The configured password: <see cref="MqttOptions.Password"/>, else the first line of <see cref="MqttOptions.PasswordFile"/>, else null.</summary>
    /// <exception cref="InvalidOperationException">The password file cannot be read; the message names the key.</exception>
    public static string? ResolvePassword(MqttOptions options)
    {
        if (!string.IsNullOrEmpty(options.Password))
        {
            return options.Password;
        }

        if (string.IsNullOrWhiteSpace(options.PasswordFile))
        {
            return null;
        }

        return PasswordPolicy.TryReadPasswordFile(options.PasswordFile, out var password, out var error)
            ? password
            : throw new InvalidOperationException($"Mqtt:PasswordFile: {error}");
    }

    /// <summary>Adds the user name, password and TLS settings to a client's connection options.</summary>
    public static MqttClientOptionsBuilder Apply(MqttClientOptionsBuilder builder, BrokerEndpoint endpoint, MqttOptions options)
    {
        if (!string.IsNullOrEmpty(options.Username))
        {
            builder = builder.WithCredentials(options.Username, ResolvePassword(options));
        }

        if (!endpoint.UseTls)
        {
            return builder;
        }

        var trustChain = string.IsNullOrWhiteSpace(options.CaFile) ? null : LoadCertificateAuthorities(options.CaFile);
        var clientCertificate = string.IsNullOrWhiteSpace(options.ClientCertificateFile)
            ? null
            : LoadClientCertificate(options.ClientCertificateFile, options.ClientKeyFile ?? "");
        return builder.WithTlsOptions(tls =>
        {
            // Fail closed: no AllowUntrustedCertificates, no IgnoreCertificateChainErrors, and no
            // validation handler, so SslStream's verdict (chain and host name) stands. A trust chain
            // makes MQTTnet verify against these roots only (X509ChainTrustMode.CustomRootTrust).
            tls.UseTls().WithTargetHost(endpoint.Host);
            if (trustChain is not null)
            {
                tls.WithTrustChain(trustChain);
            }

            if (clientCertificate is not null)
            {
                tls.WithClientCertificates([clientCertificate]);
            }
        });
    }

    /// <summary>Reads every certificate of a PEM file.</summary>
    /// <exception cref="InvalidOperationException">The file cannot be read or holds no certificate; the message names the key.</exception>
    public static X509Certificate2Collection LoadCertificateAuthorities(string path)
    {
        var certificates = new X509Certificate2Collection();
        try
        {
            certificates.ImportFromPemFile(path);
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException or CryptographicException or ArgumentException)
        {
            throw new InvalidOperationException($"Mqtt:CaFile: cannot read certificates from '{path}': {e.Message}", e);
        }

        return certificates.Count > 0
            ? certificates
            : throw new InvalidOperationException($"Mqtt:CaFile: '{path}' holds no PEM certificate.");
    }

    /// <summary>Reads a PEM certificate and its PEM private key.</summary>
    /// <exception cref="InvalidOperationException">Either file cannot be read or they do not match; the message names the keys.</exception>
    public static X509Certificate2 LoadClientCertificate(string certificatePath, string keyPath)
    {
        try
        {
            return X509Certificate2.CreateFromPemFile(certificatePath, keyPath);
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException or CryptographicException or ArgumentException)
        {
            throw new InvalidOperationException(
                $"Mqtt:ClientCertificateFile / Mqtt:ClientKeyFile: cannot load the client certificate '{certificatePath}' with key '{keyPath}': {e.Message}", e);
        }
    }

    /// <summary>The configuration problems of the credential and TLS keys, each naming its key.</summary>
    /// <param name="options">The options to check.</param>
    /// <param name="external">The parsed <see cref="MqttOptions.BrokerUrl"/>, or null for the embedded broker (or an invalid URL).</param>
    public static IReadOnlyList<string> Problems(MqttOptions options, BrokerEndpoint? external)
    {
        var problems = new List<string>();
        var hasPassword = !string.IsNullOrEmpty(options.Password);
        var hasPasswordFile = !string.IsNullOrWhiteSpace(options.PasswordFile);
        if (hasPassword && hasPasswordFile)
        {
            problems.Add("Mqtt:Password and Mqtt:PasswordFile are both set; keep one.");
        }

        if ((hasPassword || hasPasswordFile) && string.IsNullOrEmpty(options.Username))
        {
            problems.Add("Mqtt:Password or Mqtt:PasswordFile is set without Mqtt:Username.");
        }

        if (hasPasswordFile && !hasPassword && !PasswordPolicy.TryReadPasswordFile(options.PasswordFile!, out _, out var readError))
        {
            problems.Add($"Mqtt:PasswordFile: {readError}");
        }

        var tlsKeys = new[]
        {
            ("Mqtt:CaFile", options.CaFile),
            ("Mqtt:ClientCertificateFile", options.ClientCertificateFile),
            ("Mqtt:ClientKeyFile", options.ClientKeyFile),
        }.Where(k => !string.IsNullOrWhiteSpace(k.Item2)).Select(k => k.Item1).ToList();
        if (tlsKeys.Count > 0 && external is not { UseTls: true })
        {
            problems.Add($"{string.Join(", ", tlsKeys)} need a TLS broker: set Mqtt:BrokerUrl to mqtts://host:port.");
            return problems;
        }

        if (!string.IsNullOrWhiteSpace(options.CaFile))
        {
            AddProblem(problems, () => LoadCertificateAuthorities(options.CaFile).Count);
        }

        var hasCertificate = !string.IsNullOrWhiteSpace(options.ClientCertificateFile);
        var hasKey = !string.IsNullOrWhiteSpace(options.ClientKeyFile);
        if (hasCertificate != hasKey)
        {
            problems.Add("Mqtt:ClientCertificateFile and Mqtt:ClientKeyFile go together: set both or neither.");
        }
        else if (hasCertificate)
        {
            AddProblem(problems, () =>
            {
                using var certificate = LoadClientCertificate(options.ClientCertificateFile!, options.ClientKeyFile!);
                return 1;
            });
        }

        return problems;
    }

    private static void AddProblem(List<string> problems, Func<int> load)
    {
        try
        {
            _ = load();
        }
        catch (InvalidOperationException e)
        {
            problems.Add(e.Message);
        }
    }
}

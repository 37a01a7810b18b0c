using System.Security.Cryptography;
using System.Security.Cryptography.X509Certificates;

namespace WearableEdge.IntegrationTests.Security;

/// <summary>
/// A certificate authority and the certificates it signs, made with
/// <see cref="CertificateRequest"/> for one test run and written as PEM files, the way a deployer
/// would make them with openssl. Keys are ECDSA P-256, valid for one day.
/// </summary>
internal sealed class MqttTestCertificateAuthority : IDisposable
{
    private readonly ECDsa _key = ECDsa.Create(ECCurve.NamedCurves.nistP256);
    private readonly X509Certificate2 _certificate;

    public MqttTestCertificateAuthority(string commonName)
    {
        var request = new CertificateRequest($"CN={commonName}", _key, HashAlgorithmName.SHA256);
        request.CertificateExtensions.Add(new X509BasicConstraintsExtension(true, false, 0, true));
        request.CertificateExtensions.Add(new X509KeyUsageExtension(X509KeyUsageFlags.KeyCertSign | X509KeyUsageFlags.CrlSign, true));
        request.CertificateExtensions.Add(new X509SubjectKeyIdentifierExtension(request.PublicKey, false));
        var now = DateTimeOffset.UtcNow;
        _certificate = request.CreateSelfSigned(now.AddMinutes(-5), now.AddDays(1));
    }

    public string CertificatePem => _certificate.ExportCertificatePem();

    /// <summary>Writes <c>{name}.crt</c> and <c>{name}.key</c> for a server certificate naming <paramref name="dnsName"/> only.</summary>
    public (string CertificateFile, string KeyFile) IssueServer(string directory, string name, string dnsName)
    {
        var san = new SubjectAlternativeNameBuilder();
        san.AddDnsName(dnsName);
        return Issue(directory, name, $"CN={dnsName}", san.Build(), new Oid("1.3.6.1.5.5.7.3.1", "Server Authentication"));
    }

    /// <summary>Writes <c>{name}.crt</c> and <c>{name}.key</c> for a client certificate.</summary>
    public (string CertificateFile, string KeyFile) IssueClient(string directory, string name, string commonName) =>
        Issue(directory, name, $"CN={commonName}", null, new Oid("1.3.6.1.5.5.7.3.2", "Client Authentication"));

    public string WriteCertificate(string directory, string fileName)
    {
        var path = Path.Combine(directory, fileName);
        File.WriteAllText(path, CertificatePem);
        return path;
    }

    public void Dispose()
    {
        _certificate.Dispose();
        _key.Dispose();
    }

    private (string CertificateFile, string KeyFile) Issue(string directory, string name, string subject, X509Extension? san, Oid usage)
    {
        using var key = ECDsa.Create(ECCurve.NamedCurves.nistP256);
        var request = new CertificateRequest(subject, key, HashAlgorithmName.SHA256);
        request.CertificateExtensions.Add(new X509BasicConstraintsExtension(false, false, 0, true));
        request.CertificateExtensions.Add(new X509KeyUsageExtension(X509KeyUsageFlags.DigitalSignature, true));
        request.CertificateExtensions.Add(new X509EnhancedKeyUsageExtension([usage], false));
        request.CertificateExtensions.Add(X509AuthorityKeyIdentifierExtension.CreateFromCertificate(_certificate, true, false));
        if (san is not null)
        {
            request.CertificateExtensions.Add(san);
        }

        var now = DateTimeOffset.UtcNow;
        var serial = RandomNumberGenerator.GetBytes(16);
        serial[0] &= 0x7F;
        using var certificate = request.Create(_certificate, now.AddMinutes(-5), _certificate.NotAfter < now.AddDays(1) ? new DateTimeOffset(_certificate.NotAfter.ToUniversalTime()) : now.AddDays(1), serial);
        var certificateFile = Path.Combine(directory, name + ".crt");
        var keyFile = Path.Combine(directory, name + ".key");
        File.WriteAllText(certificateFile, certificate.ExportCertificatePem());
        File.WriteAllText(keyFile, key.ExportPkcs8PrivateKeyPem());
        if (!OperatingSystem.IsWindows())
        {
            File.SetUnixFileMode(keyFile, UnixFileMode.UserRead | UnixFileMode.UserWrite);
        }
        return (certificateFile, keyFile);
    }
}

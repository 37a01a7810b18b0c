using System.Security.Cryptography;
using System.Security.Cryptography.X509Certificates;

namespace WearableEdge.EdgeService.Tests.Security;

/// <summary>A self-signed server certificate written as PEM files (certificate, key) for one test.</summary>
internal static class TestCertificates
{
    public static X509Certificate2 SelfSigned(DateTimeOffset notBefore, DateTimeOffset notAfter, string name = "gateway.test")
    {
        using var key = ECDsa.Create(ECCurve.NamedCurves.nistP256);
        var request = new CertificateRequest($"CN={name}", key, HashAlgorithmName.SHA256);
        var names = new SubjectAlternativeNameBuilder();
        names.AddDnsName(name);
        names.AddIpAddress(System.Net.IPAddress.Loopback);
        request.CertificateExtensions.Add(names.Build());
        request.CertificateExtensions.Add(new X509EnhancedKeyUsageExtension([new Oid("1.3.6.1.5.5.7.3.1")], critical: false));
        return request.CreateSelfSigned(notBefore, notAfter);
    }

    /// <summary>Writes <paramref name="certificate"/> to <c>gateway.crt</c> and its key to <c>gateway.key</c> (PKCS#8, optionally encrypted) in <paramref name="folder"/>.</summary>
    public static (string CertificatePath, string KeyPath) WritePem(X509Certificate2 certificate, string folder, string? password = null)
    {
        var certificatePath = Path.Combine(folder, "gateway.crt");
        var keyPath = Path.Combine(folder, "gateway.key");
        File.WriteAllText(certificatePath, certificate.ExportCertificatePem());
        using var key = certificate.GetECDsaPrivateKey()!;
        File.WriteAllText(keyPath, password is null
            ? key.ExportPkcs8PrivateKeyPem()
            : key.ExportEncryptedPkcs8PrivateKeyPem(password, new PbeParameters(PbeEncryptionAlgorithm.Aes256Cbc, HashAlgorithmName.SHA256, 100_000)));
        return (certificatePath, keyPath);
    }
}

using System.Security.Cryptography;
using System.Security.Cryptography.X509Certificates;

namespace WearableEdge.EdgeService.Tests.Ingest;

/// <summary>A throw-away CA and a client certificate signed by it, as PEM files in a temp folder.</summary>
internal sealed class TestCertificateFiles : IDisposable
{
    public TestCertificateFiles()
    {
        Directory = System.IO.Directory.CreateTempSubdirectory("mqtt-certs-").FullName;
        using var caKey = ECDsa.Create(ECCurve.NamedCurves.nistP256);
        var caRequest = new CertificateRequest("CN=Test CA", caKey, HashAlgorithmName.SHA256);
        caRequest.CertificateExtensions.Add(new X509BasicConstraintsExtension(true, false, 0, true));
        caRequest.CertificateExtensions.Add(new X509KeyUsageExtension(X509KeyUsageFlags.KeyCertSign, true));
        var now = DateTimeOffset.UtcNow;
        using var ca = caRequest.CreateSelfSigned(now.AddMinutes(-5), now.AddDays(1));
        CaFile = Write("ca.pem", ca.ExportCertificatePem());

        using var clientKey = ECDsa.Create(ECCurve.NamedCurves.nistP256);
        var clientRequest = new CertificateRequest("CN=wearable-edge", clientKey, HashAlgorithmName.SHA256);
        using var client = clientRequest.Create(ca, now.AddMinutes(-5), now.AddDays(1), [1, 2, 3, 4]);
        ClientCertificateFile = Write("client.pem", client.ExportCertificatePem());
        ClientKeyFile = Write("client.key", clientKey.ExportPkcs8PrivateKeyPem());

        using var otherKey = ECDsa.Create(ECCurve.NamedCurves.nistP256);
        OtherKeyFile = Write("other.key", otherKey.ExportPkcs8PrivateKeyPem());
        PasswordFile = Write("password", "s3cret-password\n");
        NotPemFile = Write("not.pem", "hello");
    }

    public string Directory { get; }

    public string CaFile { get; }

    public string ClientCertificateFile { get; }

    public string ClientKeyFile { get; }

    /// <summary>A key that does not belong to <see cref="ClientCertificateFile"/>.</summary>
    public string OtherKeyFile { get; }

    /// <summary>Holds <c>s3cret-password</c> and a newline.</summary>
    public string PasswordFile { get; }

    public string NotPemFile { get; }

    public void Dispose() => System.IO.Directory.Delete(Directory, recursive: true);

    private string Write(string name, string text)
    {
        var path = Path.Combine(Directory, name);
        File.WriteAllText(path, text);
        return path;
    }
}

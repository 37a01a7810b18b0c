using System.Net;
using System.Security.Cryptography.X509Certificates;
using Microsoft.AspNetCore.Builder;
using WearableEdge.EdgeService.Security;

namespace WearableEdge.EdgeService.Tests.Security;

/// <summary>HTTPS through the real host and Kestrel on a free port, with a certificate made by the test.</summary>
[Collection(SiteKeyEnvironment.Name)]
public sealed class HttpsHostTests : IDisposable
{
    private readonly TestDataDirectory _data = new();
    private readonly TestDataDirectory _tls = new();

    private static CancellationToken Ct => TestContext.Current.CancellationToken;

    public void Dispose()
    {
        _tls.Dispose();
        _data.Dispose();
    }

    [Fact]
    public async Task Get_OverHttpsWithConfiguredPemCertificate_ServesItWithHsts()
    {
        using var certificate = TestCertificates.SelfSigned(DateTimeOffset.UtcNow.AddDays(-1), DateTimeOffset.UtcNow.AddDays(90));
        var (certificatePath, keyPath) = TestCertificates.WritePem(certificate, _tls.Path, password: "correct horse battery");
        var passwordFile = Path.Combine(_tls.Path, "key-password");
        await File.WriteAllTextAsync(passwordFile, "correct horse battery\n", Ct);
        await using var app = await StartAsync("--urls=https://127.0.0.1:0", $"--Https:CertificatePath={certificatePath}",
            $"--Https:KeyPath={keyPath}", $"--Https:PasswordFile={passwordFile}", "--Https:HstsMaxAge=30.00:00:00");
        X509Certificate2? served = null;
        using var handler = new HttpClientHandler
        {
            ServerCertificateCustomValidationCallback = (_, presented, _, _) =>
            {
                served = presented is null ? null : X509CertificateLoader.LoadCertificate(presented.RawData);
                return presented?.Thumbprint == certificate.Thumbprint;
            },
        };
        using var http = new HttpClient(handler) { BaseAddress = new Uri(app.ListeningAddresses().Single()) };
        using var request = new HttpRequestMessage(HttpMethod.Get, "/health");
        // HSTS is never sent for localhost names (a browser would pin it for every local service); the ward uses a host name.
        request.Headers.Host = "gateway.test";

        using var response = await http.SendAsync(request, Ct);

        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        Assert.StartsWith("https://", app.ListeningAddresses().Single(), StringComparison.Ordinal);
        Assert.Equal(certificate.Thumbprint, served?.Thumbprint);
        Assert.Equal("max-age=2592000", string.Join(",", response.Headers.GetValues("Strict-Transport-Security")));
        await app.StopAsync(Ct);
    }

    [Fact]
    public async Task Get_PlainHttpBesideHttps_RedirectsFromTheNetworkButServesLoopback()
    {
        var networkAddress = System.Net.NetworkInformation.NetworkInterface.GetAllNetworkInterfaces()
            .Where(n => n.OperationalStatus == System.Net.NetworkInformation.OperationalStatus.Up)
            .SelectMany(n => n.GetIPProperties().UnicastAddresses)
            .Select(a => a.Address)
            .FirstOrDefault(a => a.AddressFamily == System.Net.Sockets.AddressFamily.InterNetwork && !IPAddress.IsLoopback(a));
        Assert.SkipWhen(networkAddress is null, "This machine has no non-loopback IPv4 address to arrive on.");
        using var certificate = TestCertificates.SelfSigned(DateTimeOffset.UtcNow.AddDays(-1), DateTimeOffset.UtcNow.AddDays(90));
        var (certificatePath, keyPath) = TestCertificates.WritePem(certificate, _tls.Path);
        await using var app = await StartAsync("--urls=https://127.0.0.1:0;http://0.0.0.0:0", $"--Https:CertificatePath={certificatePath}", $"--Https:KeyPath={keyPath}");
        var plainPort = new Uri(app.ListeningAddresses().Single(a => a.StartsWith("http://", StringComparison.Ordinal))).Port;
        var httpsPort = new Uri(app.ListeningAddresses().Single(a => a.StartsWith("https://", StringComparison.Ordinal))).Port;
        using var http = new HttpClient(new HttpClientHandler { AllowAutoRedirect = false });

        using var fromNetwork = await http.GetAsync(new Uri($"http://{networkAddress}:{plainPort}/health?x=1"), Ct);
        using var fromLoopback = await http.GetAsync(new Uri($"http://127.0.0.1:{plainPort}/health"), Ct);

        Assert.Equal(HttpStatusCode.PermanentRedirect, fromNetwork.StatusCode);
        Assert.Equal(new Uri($"https://{networkAddress}:{httpsPort}/health?x=1"), fromNetwork.Headers.Location);
        Assert.Equal(HttpStatusCode.OK, fromLoopback.StatusCode);
        Assert.False(fromLoopback.Headers.Contains("Strict-Transport-Security"));
        await app.StopAsync(Ct);
    }

    [Fact]
    public async Task Start_PlainHttpOnAllInterfacesWithoutCertificate_IsConfigurationErrorNamingUrls()
    {
        var error = await StartFailureAsync("--urls=http://0.0.0.0:0");

        Assert.True(EdgeServiceHost.IsConfigurationError(error, out var message), error.ToString());
        Assert.Contains("urls: 'http://0.0.0.0:0' would serve plain HTTP beyond loopback", message, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Start_MissingCertificateFile_IsConfigurationErrorNamingCertificatePath()
    {
        var error = await StartFailureAsync("--urls=https://127.0.0.1:0", $"--Https:CertificatePath={Path.Combine(_tls.Path, "absent.pem")}");

        Assert.True(EdgeServiceHost.IsConfigurationError(error, out var message), error.ToString());
        Assert.Contains("Https:CertificatePath: cannot load the certificate", message, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Start_ExpiredCertificate_IsConfigurationErrorSayingItsValidity()
    {
        using var certificate = TestCertificates.SelfSigned(DateTimeOffset.UtcNow.AddDays(-60), DateTimeOffset.UtcNow.AddDays(-1));
        var (certificatePath, keyPath) = TestCertificates.WritePem(certificate, _tls.Path);

        var error = await StartFailureAsync("--urls=https://127.0.0.1:0", $"--Https:CertificatePath={certificatePath}", $"--Https:KeyPath={keyPath}");

        Assert.True(EdgeServiceHost.IsConfigurationError(error, out var message), error.ToString());
        Assert.Contains("Https:CertificatePath: the certificate", message, StringComparison.Ordinal);
        Assert.Contains("not now", message, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Start_WrongKeyPassword_IsConfigurationErrorNamingCertificatePath()
    {
        using var certificate = TestCertificates.SelfSigned(DateTimeOffset.UtcNow.AddDays(-1), DateTimeOffset.UtcNow.AddDays(90));
        var (certificatePath, keyPath) = TestCertificates.WritePem(certificate, _tls.Path, password: "the right one");
        var passwordFile = Path.Combine(_tls.Path, "key-password");
        await File.WriteAllTextAsync(passwordFile, "a wrong one\n", Ct);

        var error = await StartFailureAsync("--urls=https://127.0.0.1:0", $"--Https:CertificatePath={certificatePath}",
            $"--Https:KeyPath={keyPath}", $"--Https:PasswordFile={passwordFile}");

        Assert.True(EdgeServiceHost.IsConfigurationError(error, out var message), error.ToString());
        Assert.Contains("Https:CertificatePath", message, StringComparison.Ordinal);
    }

    private async Task<WebApplication> StartAsync(params string[] settings)
    {
        var app = Build(settings);
        EdgeServiceHost.ValidateConfiguration(app);
        await app.StartAsync(Ct);
        return app;
    }

    private async Task<Exception> StartFailureAsync(params string[] settings)
    {
        await using var app = Build(settings);
        return await Assert.ThrowsAnyAsync<Exception>(async () =>
        {
            EdgeServiceHost.ValidateConfiguration(app);
            await app.StartAsync(Ct);
        });
    }

    private WebApplication Build(string[] settings) => EdgeServiceHost.Build(
    [
        .. settings, "--Mqtt:EmbeddedPort=0", "--Logging:LogLevel:Default=None",
        $"--Storage:DataDirectory={_data.Path}", $"--Models:Path={Path.Combine(_data.Path, "no-models")}", "--Models:WatchFolder=false",
    ]);
}

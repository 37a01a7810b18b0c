using System.Net;
using WearableEdge.EdgeService.Security;

namespace WearableEdge.EdgeService.Tests.Security;

public sealed class HttpEndpointPolicyTests
{
    private static readonly HttpsOptions NoCertificate = new();
    private static readonly HttpsOptions WithCertificate = new() { CertificatePath = "/etc/wearable-edge/tls/gateway.pem" };

    [Theory]
    [InlineData("http://127.0.0.1:5080")]
    [InlineData("http://127.0.0.2:5080")]
    [InlineData("http://localhost:5080")]
    [InlineData("http://[::1]:5080")]
    [InlineData("http://unix:/run/wearable-edge/http.sock")]
    public void Check_PlainHttpOnLoopback_IsAllowed(string url)
    {
        Assert.Empty(HttpEndpointPolicy.Check([url], NoCertificate));
    }

    [Theory]
    [InlineData("http://0.0.0.0:5080")]
    [InlineData("http://*:5080")]
    [InlineData("http://+:5080")]
    [InlineData("http://[::]:5080")]
    [InlineData("http://192.168.1.20:5080")]
    [InlineData("http://gateway.ward.local:5080")]
    public void Check_PlainHttpBeyondLoopbackWithoutCertificate_IsErrorNamingUrlsAndHttpsKeys(string url)
    {
        var error = Assert.Single(HttpEndpointPolicy.Check([url], NoCertificate));

        Assert.StartsWith("urls:", error, StringComparison.Ordinal);
        Assert.Contains(url, error, StringComparison.Ordinal);
        Assert.Contains("Https:CertificatePath", error, StringComparison.Ordinal);
        Assert.Contains("Https:AllowPlainHttpBeyondLoopback", error, StringComparison.Ordinal);
    }

    [Fact]
    public void Check_PlainHttpBeyondLoopbackExplicitlyAllowed_IsAllowed()
    {
        Assert.Empty(HttpEndpointPolicy.Check(["http://0.0.0.0:8080"], new HttpsOptions { AllowPlainHttpBeyondLoopback = true }));
    }

    [Fact]
    public void Check_PlainHttpBeyondLoopbackBesideHttps_IsAllowedBecauseItRedirects()
    {
        Assert.Empty(HttpEndpointPolicy.Check(["https://0.0.0.0:5443", "http://0.0.0.0:5080"], WithCertificate));
    }

    [Fact]
    public void Check_HttpsWithKestrelDefaultCertificate_IsAllowedWithPlainHttpBeside()
    {
        Assert.Empty(HttpEndpointPolicy.Check(["https://0.0.0.0:8443", "http://0.0.0.0:8080"], NoCertificate, kestrelCertificate: true));
    }

    [Fact]
    public void Check_HttpsWithoutCertificate_IsErrorNamingCertificatePath()
    {
        var error = Assert.Single(HttpEndpointPolicy.Check(["https://127.0.0.1:5443"], NoCertificate));

        Assert.StartsWith("Https:CertificatePath:", error, StringComparison.Ordinal);
    }

    [Fact]
    public void Check_CertificateButNoHttpsAddress_IsErrorNamingUrls()
    {
        var error = Assert.Single(HttpEndpointPolicy.Check(["http://127.0.0.1:5080"], WithCertificate));

        Assert.StartsWith("urls:", error, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData("127.0.0.1", true)]
    [InlineData("::1", true)]
    [InlineData("::ffff:127.0.0.1", true)]
    [InlineData("10.0.0.5", false)]
    [InlineData("::ffff:10.0.0.5", false)]
    [InlineData("fe80::1", false)]
    public void IsLoopback_Address_OnlyForLoopback(string address, bool loopback)
    {
        Assert.Equal(loopback, HttpEndpointPolicy.IsLoopback(IPAddress.Parse(address)));
    }
}

using Microsoft.Extensions.Options;
using MQTTnet;
using WearableEdge.EdgeService.Ingest;

namespace WearableEdge.EdgeService.Tests.Ingest;

public sealed class MqttClientSecurityTests : IDisposable
{
    private readonly TestCertificateFiles _files = new();

    public void Dispose() => _files.Dispose();

    private static ValidateOptionsResult Validate(MqttOptions options) => new MqttOptionsValidator().Validate(null, options);

    private static string SingleFailure(MqttOptions options)
    {
        var result = Validate(options);
        Assert.True(result.Failed);
        return Assert.Single(result.Failures!);
    }

    [Fact]
    public void TryParse_MqttsWithoutPort_UsesTlsAnd8883()
    {
        Assert.True(BrokerEndpoint.TryParse("mqtts://broker.ward3", out var endpoint, out _));

        Assert.True(endpoint.UseTls);
        Assert.Equal(8883, endpoint.Port);
        Assert.Equal("mqtts://broker.ward3:8883", endpoint.ToString());
    }

    [Fact]
    public void TryParse_MqttUrl_IsNotTls()
    {
        Assert.True(BrokerEndpoint.TryParse("mqtt://broker.ward3:1884", out var endpoint, out _));

        Assert.False(endpoint.UseTls);
    }

    [Fact]
    public void Validate_TlsWithCaAndClientCertificate_Succeeds() =>
        Assert.True(Validate(new MqttOptions
        {
            BrokerUrl = "mqtts://broker.ward3",
            CaFile = _files.CaFile,
            ClientCertificateFile = _files.ClientCertificateFile,
            ClientKeyFile = _files.ClientKeyFile,
            Username = "wearable-edge",
            PasswordFile = _files.PasswordFile,
        }).Succeeded);

    [Fact]
    public void Validate_CaFileWithPlainBroker_NamesMqttCaFile()
    {
        var failure = SingleFailure(new MqttOptions { BrokerUrl = "mqtt://broker.ward3", CaFile = _files.CaFile });

        Assert.StartsWith("Mqtt:CaFile need a TLS broker", failure, StringComparison.Ordinal);
    }

    [Fact]
    public void Validate_CaFileWithEmbeddedBroker_NamesMqttCaFile() =>
        Assert.StartsWith("Mqtt:CaFile", SingleFailure(new MqttOptions { CaFile = _files.CaFile }), StringComparison.Ordinal);

    [Fact]
    public void Validate_CaFileMissing_NamesMqttCaFile() =>
        Assert.StartsWith(
            "Mqtt:CaFile: cannot read",
            SingleFailure(new MqttOptions { BrokerUrl = "mqtts://b", CaFile = Path.Combine(_files.Directory, "absent.pem") }),
            StringComparison.Ordinal);

    [Fact]
    public void Validate_CaFileWithoutCertificate_NamesMqttCaFile() =>
        Assert.Contains("holds no PEM certificate", SingleFailure(new MqttOptions { BrokerUrl = "mqtts://b", CaFile = _files.NotPemFile }), StringComparison.Ordinal);

    [Fact]
    public void Validate_ClientCertificateWithoutKey_NamesBothKeys() =>
        Assert.Equal(
            "Mqtt:ClientCertificateFile and Mqtt:ClientKeyFile go together: set both or neither.",
            SingleFailure(new MqttOptions { BrokerUrl = "mqtts://b", ClientCertificateFile = _files.ClientCertificateFile }));

    [Fact]
    public void Validate_ClientKeyOfAnotherCertificate_NamesBothKeys() =>
        Assert.StartsWith(
            "Mqtt:ClientCertificateFile / Mqtt:ClientKeyFile",
            SingleFailure(new MqttOptions { BrokerUrl = "mqtts://b", ClientCertificateFile = _files.ClientCertificateFile, ClientKeyFile = _files.OtherKeyFile }),
            StringComparison.Ordinal);

    [Fact]
    public void Validate_PasswordAndPasswordFile_NamesBoth() =>
        Assert.Equal(
            "Mqtt:Password and Mqtt:PasswordFile are both set; keep one.",
            SingleFailure(new MqttOptions { BrokerUrl = "mqtt://b", Username = "u", Password = "p", PasswordFile = _files.PasswordFile }));

    [Fact]
    public void Validate_PasswordWithoutUsername_NamesMqttUsername() =>
        Assert.Contains("without Mqtt:Username", SingleFailure(new MqttOptions { BrokerUrl = "mqtt://b", PasswordFile = _files.PasswordFile }), StringComparison.Ordinal);

    [Fact]
    public void Validate_PasswordFileMissing_NamesMqttPasswordFile() =>
        Assert.StartsWith(
            "Mqtt:PasswordFile: cannot read",
            SingleFailure(new MqttOptions { BrokerUrl = "mqtt://b", Username = "u", PasswordFile = Path.Combine(_files.Directory, "absent") }),
            StringComparison.Ordinal);

    [Theory]
    [InlineData("0.0.0.0")]
    [InlineData("192.168.1.20")]
    [InlineData("::")]
    public void Validate_EmbeddedBrokerBeyondLoopbackWithoutCredentials_NamesTheKeys(string address)
    {
        var failure = SingleFailure(new MqttOptions { EmbeddedBindAddress = address });

        Assert.StartsWith($"Mqtt:EmbeddedBindAddress is {address}, beyond loopback", failure, StringComparison.Ordinal);
        Assert.Contains("Mqtt:Username and Mqtt:PasswordFile", failure, StringComparison.Ordinal);
    }

    [Fact]
    public void Validate_EmbeddedBrokerBeyondLoopbackWithCredentials_Succeeds() =>
        Assert.True(Validate(new MqttOptions { EmbeddedBindAddress = "0.0.0.0", Username = "ward", PasswordFile = _files.PasswordFile }).Succeeded);

    [Fact]
    public void Validate_EmbeddedBrokerOnLoopbackWithoutCredentials_Succeeds() =>
        Assert.True(Validate(new MqttOptions { EmbeddedBindAddress = "127.0.0.1" }).Succeeded);

    [Fact]
    public void Validate_ExternalBrokerWithAnyBindAddress_DoesNotNeedCredentials() =>
        Assert.True(Validate(new MqttOptions { BrokerUrl = "mqtt://b", EmbeddedBindAddress = "0.0.0.0" }).Succeeded);

    [Fact]
    public void ResolvePassword_PasswordFile_ReadsTheFirstLine() =>
        Assert.Equal("s3cret-password", MqttClientSecurity.ResolvePassword(new MqttOptions { Username = "u", PasswordFile = _files.PasswordFile }));

    [Fact]
    public void ResolvePassword_Nothing_IsNull() => Assert.Null(MqttClientSecurity.ResolvePassword(new MqttOptions()));

    [Fact]
    public void Apply_Mqtts_TurnsOnTlsWithOnlyTheCaAsTrustAndNoShortcuts()
    {
        Assert.True(BrokerEndpoint.TryParse("mqtts://broker.ward3", out var endpoint, out _));
        var options = new MqttOptions
        {
            BrokerUrl = "mqtts://broker.ward3",
            CaFile = _files.CaFile,
            ClientCertificateFile = _files.ClientCertificateFile,
            ClientKeyFile = _files.ClientKeyFile,
            Username = "wearable-edge",
            PasswordFile = _files.PasswordFile,
        };

        var built = MqttClientSecurity.Apply(new MqttClientOptionsBuilder().WithTcpServer(endpoint.Host, endpoint.Port), endpoint, options).Build();

        var tls = ((MqttClientTcpOptions)built.ChannelOptions).TlsOptions;
        Assert.True(tls.UseTls);
        Assert.False(tls.AllowUntrustedCertificates);
        Assert.False(tls.IgnoreCertificateChainErrors);
        Assert.Null(tls.CertificateValidationHandler);
        Assert.Equal("broker.ward3", tls.TargetHost);
        Assert.Equal("CN=Test CA", Assert.Single(tls.TrustChain).Subject);
        Assert.Equal("wearable-edge", built.Credentials.GetUserName(built));
        Assert.Equal("s3cret-password"u8.ToArray(), built.Credentials.GetPassword(built));
    }

    [Fact]
    public void Apply_Mqtt_LeavesTlsOff()
    {
        Assert.True(BrokerEndpoint.TryParse("mqtt://broker.ward3", out var endpoint, out _));

        var built = MqttClientSecurity.Apply(new MqttClientOptionsBuilder().WithTcpServer(endpoint.Host, endpoint.Port), endpoint, new MqttOptions()).Build();

        Assert.False(((MqttClientTcpOptions)built.ChannelOptions).TlsOptions.UseTls);
        Assert.Null(built.Credentials);
    }

    [Fact]
    public void EmbeddedBrokerCredentials_OnlyTheExactPair_IsAccepted()
    {
        var credentials = new EmbeddedBrokerCredentials("ward", "s3cret");

        Assert.True(credentials.Accepts("ward", "s3cret"));
        Assert.False(credentials.Accepts("ward", "s3cret2"));
        Assert.False(credentials.Accepts("ward2", "s3cret"));
        Assert.False(credentials.Accepts(null, null));
        Assert.False(credentials.Accepts("ward", null));
    }
}

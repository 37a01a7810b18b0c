using Microsoft.Extensions.Options;
using WearableEdge.EdgeService.Ingest;

namespace WearableEdge.EdgeService.Tests.Ingest;

public sealed class MqttOptionsValidatorTests
{
    private static ValidateOptionsResult Validate(MqttOptions options) => new MqttOptionsValidator().Validate(null, options);

    private static string SingleFailure(MqttOptions options)
    {
        var result = Validate(options);
        Assert.True(result.Failed);
        return Assert.Single(result.Failures!);
    }

    [Fact]
    public void Validate_Defaults_Succeeds() => Assert.True(Validate(new MqttOptions()).Succeeded);

    [Fact]
    public void Validate_ExternalBrokerUrl_Succeeds() =>
        Assert.True(Validate(new MqttOptions { BrokerUrl = "mqtt://127.0.0.1:1884" }).Succeeded);

    [Fact]
    public void Validate_HttpBrokerUrl_NamesMqttBrokerUrl() =>
        Assert.StartsWith("Mqtt:BrokerUrl:", SingleFailure(new MqttOptions { BrokerUrl = "http://x" }), StringComparison.Ordinal);

    [Theory]
    [InlineData(-1)]
    [InlineData(65536)]
    public void Validate_EmbeddedPortOutOfRange_NamesMqttEmbeddedPort(int port) =>
        Assert.StartsWith("Mqtt:EmbeddedPort", SingleFailure(new MqttOptions { EmbeddedPort = port }), StringComparison.Ordinal);

    [Fact]
    public void Validate_EmbeddedPortZero_MeansAnyFreePort() =>
        Assert.True(Validate(new MqttOptions { EmbeddedPort = 0 }).Succeeded);

    [Fact]
    public void Validate_BindAddressNotIp_NamesMqttEmbeddedBindAddress() =>
        Assert.StartsWith("Mqtt:EmbeddedBindAddress", SingleFailure(new MqttOptions { EmbeddedBindAddress = "localhost" }), StringComparison.Ordinal);

    [Fact]
    public void Validate_ReconnectDelayAboveMax_NamesMqttReconnectDelay() =>
        Assert.StartsWith(
            "Mqtt:ReconnectDelay",
            SingleFailure(new MqttOptions { ReconnectDelay = TimeSpan.FromMinutes(2), MaxReconnectDelay = TimeSpan.FromMinutes(1) }),
            StringComparison.Ordinal);

    [Fact]
    public void Validate_ClientIdEmpty_NamesMqttClientId() =>
        Assert.StartsWith("Mqtt:ClientId", SingleFailure(new MqttOptions { ClientId = "" }), StringComparison.Ordinal);

    [Fact]
    public void Validate_IngestQueueCapacityZero_NamesMqttIngestQueueCapacity() =>
        Assert.StartsWith("Mqtt:IngestQueueCapacity", SingleFailure(new MqttOptions { IngestQueueCapacity = 0 }), StringComparison.Ordinal);

    [Fact]
    public void Validate_SeveralErrors_ReportsEach()
    {
        var result = Validate(new MqttOptions { BrokerUrl = "http://x", EmbeddedPort = 70000, EmbeddedMaxPendingMessagesPerClient = 0 });

        Assert.Equal(3, result.Failures!.Count());
    }
}

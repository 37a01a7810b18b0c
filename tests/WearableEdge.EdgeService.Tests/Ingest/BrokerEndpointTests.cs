using WearableEdge.EdgeService.Ingest;

namespace WearableEdge.EdgeService.Tests.Ingest;

public sealed class BrokerEndpointTests
{
    [Fact]
    public void TryParse_MqttUrlWithPort_UsesThatPort()
    {
        Assert.True(BrokerEndpoint.TryParse("mqtt://broker.ward3:1884", out var endpoint, out var error));

        Assert.Equal(new BrokerEndpoint("broker.ward3", 1884, IsEmbedded: false), endpoint);
        Assert.Equal("", error);
    }

    [Fact]
    public void TryParse_MqttUrlWithoutPort_Uses1883()
    {
        Assert.True(BrokerEndpoint.TryParse("mqtt://broker.ward3", out var endpoint, out _));

        Assert.Equal(1883, endpoint.Port);
        Assert.Equal("broker.ward3", endpoint.Host);
    }

    [Fact]
    public void TryParse_TcpScheme_IsAccepted()
    {
        Assert.True(BrokerEndpoint.TryParse("tcp://127.0.0.1:2883", out var endpoint, out _));

        Assert.Equal(2883, endpoint.Port);
    }

    [Theory]
    [InlineData("http://x")]
    [InlineData("broker:1883")]
    [InlineData("not a url")]
    public void TryParse_NotABrokerUrl_FailsWithMessage(string url)
    {
        Assert.False(BrokerEndpoint.TryParse(url, out var endpoint, out var error));

        Assert.Null(endpoint);
        Assert.Contains(url, error, StringComparison.Ordinal);
    }

    [Fact]
    public void ToString_ExternalAndEmbedded_SayWhichAndWhere()
    {
        Assert.Equal("mqtt://h:1", new BrokerEndpoint("h", 1, false).ToString());
        Assert.Equal("embedded mqtt://127.0.0.1:1883", new BrokerEndpoint("127.0.0.1", 1883, true).ToString());
    }
}

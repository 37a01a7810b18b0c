using Microsoft.Extensions.Logging.Abstractions;
using Microsoft.Extensions.Options;
using MQTTnet;
using MQTTnet.Formatter;
using WearableEdge.EdgeService.Ingest;

namespace WearableEdge.EdgeService.Tests.Ingest;

/// <summary>The embedded MQTTnet broker, started for real on a free loopback port.</summary>
public sealed class EmbeddedBrokerSecurityTests : IDisposable
{
    private readonly TestCertificateFiles _files = new();

    public void Dispose() => _files.Dispose();

    private static async Task<MqttClientConnectResultCode> ConnectAsync(BrokerEndpoint endpoint, string? username, string? password)
    {
        using var client = new MqttClientFactory().CreateMqttClient();
        var builder = new MqttClientOptionsBuilder()
            .WithTcpServer(endpoint.Host, endpoint.Port)
            .WithProtocolVersion(MqttProtocolVersion.V500)
            .WithTimeout(TimeSpan.FromSeconds(10));
        if (username is not null)
        {
            builder = builder.WithCredentials(username, password);
        }

        var result = await client.ConnectAsync(builder.Build(), TestContext.Current.CancellationToken);
        if (client.IsConnected)
        {
            await client.DisconnectAsync(cancellationToken: TestContext.Current.CancellationToken);
        }

        return result.ResultCode;
    }

    private static async Task<(EmbeddedBroker Broker, BrokerEndpoint Endpoint)> StartAsync(MqttOptions options)
    {
        Assert.True(new MqttOptionsValidator().Validate(null, options).Succeeded);
        var endpoint = EmbeddedBroker.ResolveEndpoint(options);
        var broker = new EmbeddedBroker(endpoint, Options.Create(options), TestMeterFactory.NewMetrics(), NullLogger<EmbeddedBroker>.Instance);
        await broker.StartAsync(TestContext.Current.CancellationToken);
        return (broker, endpoint);
    }

    [Fact]
    public async Task StartAsync_WithCredentials_RefusesAnonymousAndWrongPasswordAndAcceptsTheAccount()
    {
        var (broker, endpoint) = await StartAsync(new MqttOptions { EmbeddedPort = 0, Username = "ward", PasswordFile = _files.PasswordFile });
        await using (broker)
        {
            Assert.Equal(MqttClientConnectResultCode.BadUserNameOrPassword, await ConnectAsync(endpoint, null, null));
            Assert.Equal(MqttClientConnectResultCode.BadUserNameOrPassword, await ConnectAsync(endpoint, "ward", "guess"));
            Assert.Equal(MqttClientConnectResultCode.Success, await ConnectAsync(endpoint, "ward", "s3cret-password"));
            await broker.StopAsync(TestContext.Current.CancellationToken);
        }
    }

    [Fact]
    public async Task StartAsync_LoopbackWithoutCredentials_AcceptsAnonymousLocalClients()
    {
        var (broker, endpoint) = await StartAsync(new MqttOptions { EmbeddedPort = 0 });
        await using (broker)
        {
            Assert.Equal(MqttClientConnectResultCode.Success, await ConnectAsync(endpoint, null, null));
            await broker.StopAsync(TestContext.Current.CancellationToken);
        }
    }

    [Fact]
    public async Task StartAsync_AllInterfacesWithCredentials_RefusesAnonymous()
    {
        var (broker, endpoint) = await StartAsync(new MqttOptions
        {
            EmbeddedPort = 0,
            EmbeddedBindAddress = "0.0.0.0",
            Username = "ward",
            PasswordFile = _files.PasswordFile,
        });
        await using (broker)
        {
            Assert.Equal("127.0.0.1", endpoint.Host);
            Assert.Equal(MqttClientConnectResultCode.BadUserNameOrPassword, await ConnectAsync(endpoint, null, null));
            await broker.StopAsync(TestContext.Current.CancellationToken);
        }
    }
}

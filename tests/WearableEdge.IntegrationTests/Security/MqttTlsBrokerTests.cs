using System.Globalization;
using System.Security.Authentication;
using System.Text;
using System.Text.Json;
using MQTTnet;
using MQTTnet.Formatter;
using MQTTnet.Protocol;
using WearableEdge.Contracts;
using WearableEdge.DeviceSim;
using WearableEdge.DeviceSim.Publishing;
using WearableEdge.EdgeService;
using WearableEdge.EdgeService.Ingest;
using WearableEdge.IntegrationTests.EndToEnd;
using WearableEdge.IntegrationTests.Fixtures;
using Xunit;

namespace WearableEdge.IntegrationTests.Security;

/// <summary>
/// MQTT security against a real Mosquitto running the committed deploy/mosquitto configuration
/// over TLS, with certificates and a password file made by the test. Clients connect through
/// the service's own <see cref="MqttClientSecurity"/>, so what passes here is what the service does.
/// </summary>
public sealed class MqttTlsBrokerTests : IAsyncLifetime
{
    private static readonly TimeSpan Patience = TimeSpan.FromSeconds(60);
    private const MqttClientPublishReasonCode Allowed = MqttClientPublishReasonCode.Success;
    private static readonly MqttClientConnectResultCode?[] Refusals =
        [MqttClientConnectResultCode.NotAuthorized, MqttClientConnectResultCode.BadUserNameOrPassword];
    private MqttSecureBroker? _broker;

    private MqttSecureBroker Broker => _broker!;

    public async ValueTask InitializeAsync() => _broker = await MqttSecureBroker.StartAsync(TestContext.Current.CancellationToken);

    public async ValueTask DisposeAsync()
    {
        if (_broker is not null)
        {
            await _broker.DisposeAsync();
        }
    }

    [Fact]
    public async Task Connect_RightCaWithoutCredentials_IsRefused()
    {
        var outcome = await TryConnectAsync(Broker.BrokerUri, new MqttOptions { CaFile = Broker.CaFile });

        Assert.Null(outcome.Exception);
        Assert.Contains(outcome.ResultCode, Refusals);
    }

    [Fact]
    public async Task Connect_RightCaWrongPassword_IsRefused()
    {
        var outcome = await TryConnectAsync(Broker.BrokerUri, new MqttOptions { CaFile = Broker.CaFile, Username = "wearable-edge", Password = "guess" });

        Assert.Contains(outcome.ResultCode, Refusals);
    }

    [Fact]
    public async Task Connect_WrongCaWithRightCredentials_FailsClosedInTheHandshake()
    {
        var outcome = await TryConnectAsync(Broker.BrokerUri, Secure("wearable-edge", Broker.OtherCaFile));

        Assert.NotNull(outcome.Exception);
        Assert.True(HasInner<AuthenticationException>(outcome.Exception), $"expected a TLS authentication failure, got {outcome.Exception}");
        Assert.DoesNotContain("u'wearable-edge'", Broker.Log, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Connect_NoCaFileAndATestCa_FailsClosedAgainstTheSystemStore()
    {
        var outcome = await TryConnectAsync(Broker.BrokerUri, Secure("wearable-edge", caFile: null));

        Assert.True(HasInner<AuthenticationException>(outcome.Exception), $"expected a TLS authentication failure, got {outcome.Exception}");
    }

    [Fact]
    public async Task Connect_HostNameNotInTheCertificate_FailsClosed()
    {
        var byAddress = new Uri($"mqtts://127.0.0.1:{Broker.Port.ToString(CultureInfo.InvariantCulture)}");

        var outcome = await TryConnectAsync(byAddress, Secure("wearable-edge", Broker.CaFile));

        Assert.True(HasInner<AuthenticationException>(outcome.Exception), $"expected a TLS authentication failure, got {outcome.Exception}");
    }

    [Fact]
    public async Task Connect_RightCaCredentialsAndClientCertificate_Connects()
    {
        var options = Secure("wearable-edge", Broker.CaFile);
        options.ClientCertificateFile = Broker.ClientCertificateFile;
        options.ClientKeyFile = Broker.ClientKeyFile;

        var outcome = await TryConnectAsync(Broker.BrokerUri, options);

        Assert.Null(outcome.Exception);
        Assert.Equal(MqttClientConnectResultCode.Success, outcome.ResultCode);
    }

    [Fact]
    public async Task Acl_DevicePublishesOnlyItsOwnPatient_NurseAppOnlyCommands_GatewayOnlyAlerts()
    {
        var ct = TestContext.Current.CancellationToken;
        using var device = await ConnectAsync("patient-001", ct);
        using var nurseApp = await ConnectAsync("nurse-app", ct);
        using var gateway = await ConnectAsync("wearable-edge", ct);
        const string payload = """{"schemaVersion":1,"deviceId":"dev-001","samples":[]}""";

        Assert.Equal(Allowed, await PublishAsync(device, Topics.Vitals("patient-001"), payload, ct));
        Assert.Equal(MqttClientPublishReasonCode.NotAuthorized, await PublishAsync(device, Topics.Vitals("patient-002"), payload, ct));
        Assert.Equal(MqttClientPublishReasonCode.NotAuthorized, await PublishAsync(device, Topics.Alerts("patient-001"), "{}", ct));
        Assert.Equal(MqttClientPublishReasonCode.NotAuthorized, await PublishAsync(device, "wearable-edge/commands/alerts/a1/ack", "{}", ct));

        Assert.Equal(Allowed, await PublishAsync(nurseApp, "wearable-edge/commands/alerts/a1/ack", "{}", ct));
        Assert.Equal(MqttClientPublishReasonCode.NotAuthorized, await PublishAsync(nurseApp, Topics.Vitals("nurse-app"), payload, ct));
        Assert.Equal(MqttClientPublishReasonCode.NotAuthorized, await PublishAsync(nurseApp, Topics.Alerts("patient-001"), "{}", ct));

        Assert.Equal(Allowed, await PublishAsync(gateway, Topics.Alerts("patient-001"), "{}", ct));
        Assert.Equal(MqttClientPublishReasonCode.NotAuthorized, await PublishAsync(gateway, Topics.Vitals("wearable-edge"), payload, ct));
        Assert.Equal(MqttClientPublishReasonCode.NotAuthorized, await PublishAsync(gateway, Topics.Vitals("patient-001"), payload, ct));
    }

    [Fact]
    public async Task Service_OverTlsWithCredentials_IngestsTheSimulatorsSamples()
    {
        var ct = TestContext.Current.CancellationToken;
        var dataDirectory = Directory.CreateTempSubdirectory("wearable-edge-tls-").FullName;
        var port = FreePort.Next();
        var baseUri = new Uri($"http://127.0.0.1:{port.ToString(CultureInfo.InvariantCulture)}/");
        var app = EdgeServiceHost.Build(
        [
            $"--urls={baseUri}",
            $"--Mqtt:BrokerUrl={Broker.BrokerUri}",
            $"--Mqtt:CaFile={Broker.CaFile}",
            $"--Mqtt:ClientCertificateFile={Broker.ClientCertificateFile}",
            $"--Mqtt:ClientKeyFile={Broker.ClientKeyFile}",
            "--Mqtt:Username=wearable-edge",
            $"--Mqtt:PasswordFile={Broker.PasswordFileOf("wearable-edge")}",
            $"--Mqtt:ClientId=edge-tls-{Guid.NewGuid():N}",
            "--Mqtt:MaxReconnectDelay=00:00:02",
            $"--Storage:DataDirectory={dataDirectory}",
            "--Logging:LogLevel:Default=Warning",
        ]);
        await app.StartAsync(ct);
        try
        {
            using var http = new HttpClient { BaseAddress = baseUri };
            await Eventually.ValueAsync(
                token => HealthAsync(http, token),
                json => json.GetProperty("broker").GetProperty("connected").GetBoolean(),
                Patience,
                $"the service connecting over TLS. Broker log:{Environment.NewLine}{Broker.Log}",
                ct);

            // The simulator as a wearable would run it: its own account, which the ACL lets publish patient-001 only.
            var simulator = new WardSimulator(
                new SimulationOptions
                {
                    Broker = Broker.BrokerUri,
                    CaFile = Broker.CaFile,
                    Username = "patient-001",
                    PasswordFile = Broker.PasswordFileOf("patient-001"),
                    Patients = 1,
                    Motion = false,
                    Speed = 30,
                    Duration = TimeSpan.FromSeconds(30),
                    ClientId = $"sim-{Guid.NewGuid():N}",
                },
                TimeProvider.System);
            await simulator.RunAsync(ct);
            Assert.True(simulator.MessagesPublished > 0);

            var health = await Eventually.ValueAsync(
                token => HealthAsync(http, token),
                json => AcceptedVitals(json) > 0,
                Patience,
                "vitals from the simulator reaching the service",
                ct);
            Assert.True(AcceptedVitals(health) > 0);
            Assert.Equal("mqtts", new Uri(health.GetProperty("broker").GetProperty("endpoint").GetString()!).Scheme);
        }
        finally
        {
            using var stop = new CancellationTokenSource(TimeSpan.FromSeconds(15));
            await app.StopAsync(stop.Token);
            await app.DisposeAsync();
            Microsoft.Data.Sqlite.SqliteConnection.ClearAllPools();
            Directory.Delete(dataDirectory, recursive: true);
        }
    }

    [Fact]
    public async Task Simulator_WrongCa_EndsWithBrokerRefusedInsteadOfRetrying()
    {
        var simulator = new WardSimulator(
            new SimulationOptions
            {
                Broker = Broker.BrokerUri,
                CaFile = Broker.OtherCaFile,
                Username = "patient-001",
                PasswordFile = Broker.PasswordFileOf("patient-001"),
                Patients = 1,
                Duration = TimeSpan.FromSeconds(5),
            },
            TimeProvider.System);
        using var bound = CancellationTokenSource.CreateLinkedTokenSource(TestContext.Current.CancellationToken);
        bound.CancelAfter(Patience);

        var refused = await Assert.ThrowsAsync<BrokerRefusedException>(() => simulator.RunAsync(bound.Token));

        Assert.True(HasInner<AuthenticationException>(refused), refused.ToString());
    }

    [Fact]
    public async Task Simulator_WithoutCredentials_EndsWithBrokerRefused()
    {
        var simulator = new WardSimulator(
            new SimulationOptions { Broker = Broker.BrokerUri, CaFile = Broker.CaFile, Patients = 1, Duration = TimeSpan.FromSeconds(5) },
            TimeProvider.System);
        using var bound = CancellationTokenSource.CreateLinkedTokenSource(TestContext.Current.CancellationToken);
        bound.CancelAfter(Patience);

        await Assert.ThrowsAsync<BrokerRefusedException>(() => simulator.RunAsync(bound.Token));
    }

    private static MqttOptions Secure(string user, string? caFile) => new()
    {
        Username = user,
        Password = MqttSecureBroker.PasswordOf(user),
        CaFile = caFile,
    };

    private static long AcceptedVitals(JsonElement health) =>
        health.GetProperty("ingest").GetProperty("messagesAccepted").TryGetProperty("vitals", out var vitals) ? vitals.GetInt64() : 0;

    private static async Task<JsonElement> HealthAsync(HttpClient http, CancellationToken cancellationToken)
    {
        using var document = await JsonDocument.ParseAsync(await http.GetStreamAsync("health", cancellationToken), cancellationToken: cancellationToken);
        return document.RootElement.Clone();
    }

    private static bool HasInner<T>(Exception? exception)
        where T : Exception
    {
        for (var e = exception; e is not null; e = e.InnerException)
        {
            if (e is T)
            {
                return true;
            }
        }

        return false;
    }

    private static MqttClientOptions ClientOptions(Uri broker, MqttOptions options)
    {
        Assert.True(BrokerEndpoint.TryParse(broker.ToString(), out var endpoint, out var error), error);
        var builder = new MqttClientOptionsBuilder()
            .WithTcpServer(endpoint.Host, endpoint.Port)
            .WithProtocolVersion(MqttProtocolVersion.V500)
            .WithClientId($"tls-test-{Guid.NewGuid():N}")
            .WithTimeout(TimeSpan.FromSeconds(10));
        return MqttClientSecurity.Apply(builder, endpoint, options).Build();
    }

    private static async Task<(MqttClientConnectResultCode? ResultCode, Exception? Exception)> TryConnectAsync(Uri broker, MqttOptions options)
    {
        using var client = new MqttClientFactory().CreateMqttClient();
        try
        {
            var result = await client.ConnectAsync(ClientOptions(broker, options), TestContext.Current.CancellationToken);
            if (client.IsConnected)
            {
                await client.DisconnectAsync(cancellationToken: TestContext.Current.CancellationToken);
            }

            return (result.ResultCode, null);
        }
        catch (Exception e) when (e is not OperationCanceledException)
        {
            Assert.False(client.IsConnected);
            return (null, e);
        }
    }

    private async Task<IMqttClient> ConnectAsync(string user, CancellationToken cancellationToken)
    {
        var client = new MqttClientFactory().CreateMqttClient();
        var result = await client.ConnectAsync(ClientOptions(Broker.BrokerUri, Secure(user, Broker.CaFile)), cancellationToken);
        Assert.Equal(MqttClientConnectResultCode.Success, result.ResultCode);
        return client;
    }

    /// <summary>Publishes at QoS 1 and returns the PUBACK reason, with <c>NoMatchingSubscribers</c> (a success) as <see cref="Allowed"/>.</summary>
    private static async Task<MqttClientPublishReasonCode> PublishAsync(IMqttClient client, string topic, string payload, CancellationToken cancellationToken)
    {
        var result = await client.PublishAsync(
            new MqttApplicationMessageBuilder()
                .WithTopic(topic)
                .WithPayload(Encoding.UTF8.GetBytes(payload))
                .WithQualityOfServiceLevel(MqttQualityOfServiceLevel.AtLeastOnce)
                .Build(),
            cancellationToken);
        return result.ReasonCode is MqttClientPublishReasonCode.NoMatchingSubscribers ? Allowed : result.ReasonCode;
    }
}

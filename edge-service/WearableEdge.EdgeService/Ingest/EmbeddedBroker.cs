using System.Net;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;
using MQTTnet.Server;

namespace WearableEdge.EdgeService.Ingest;

/// <summary>
/// The in-process MQTTnet broker used when no external broker is configured, so the service runs
/// with no set-up. Binds to <see cref="MqttOptions.EmbeddedBindAddress"/> (loopback by default).
/// With <see cref="MqttOptions.Username"/> and a password configured, it accepts only clients
/// that give them; beyond loopback the options validator makes that configuration mandatory, so
/// the broker never serves anonymous clients on the network. It has no TLS and no ACL: for
/// wearables on a ward network use Mosquitto with deploy/mosquitto (docs/mqtt-security.md).
/// </summary>
internal sealed class EmbeddedBroker(
    BrokerEndpoint endpoint,
    IOptions<MqttOptions> options,
    EdgeMetrics metrics,
    ILogger<EmbeddedBroker> logger) : IHostedService, IAsyncDisposable
{
    /// <summary>Reason counted when the embedded broker refuses a payload above <see cref="MqttOptions.EmbeddedMaxPayloadBytes"/>.</summary>
    public const string BrokerPayloadTooLarge = "broker-payload-too-large";

    private MqttServer? _server;

    public async Task StartAsync(CancellationToken cancellationToken)
    {
        if (!endpoint.IsEmbedded)
        {
            return;
        }

        var serverOptions = new MqttServerOptionsBuilder()
            .WithDefaultEndpoint()
            .WithDefaultEndpointBoundIPAddress(IPAddress.Parse(options.Value.EmbeddedBindAddress))
            .WithDefaultEndpointBoundIPV6Address(IPAddress.None)
            .WithDefaultEndpointPort(endpoint.Port)
            .WithPersistentSessions()
            .WithMaxPendingMessagesPerClient(options.Value.EmbeddedMaxPendingMessagesPerClient)
            .WithPendingMessagesOverflowStrategy(MqttPendingMessagesOverflowStrategy.DropOldestQueuedMessage)
            .Build();
        _server = new MqttServerFactory().CreateMqttServer(serverOptions);
        if (MqttClientSecurity.HasCredentials(options.Value))
        {
            var credentials = new EmbeddedBrokerCredentials(options.Value.Username!, MqttClientSecurity.ResolvePassword(options.Value)!);
            _server.ValidatingConnectionAsync += e =>
            {
                if (!credentials.Accepts(e.UserName, e.Password))
                {
                    e.ReasonCode = MQTTnet.Protocol.MqttConnectReasonCode.BadUserNameOrPassword;
                    metrics.Sample("broker-client-refused");
                }

                return Task.CompletedTask;
            };
        }

        var maxPayload = options.Value.EmbeddedMaxPayloadBytes;
        _server.InterceptingPublishAsync += e =>
        {
            if (e.ApplicationMessage.Payload.Length > maxPayload)
            {
                // Not forwarded to any subscriber; acknowledged (MQTT 5: quota exceeded) so the sender does not resend it for ever.
                e.ProcessPublish = false;
                e.Response.ReasonCode = MQTTnet.Protocol.MqttPubAckReasonCode.QuotaExceeded;
                metrics.MessageRejected(BrokerPayloadTooLarge);
                EmbeddedBrokerLog.RefusedPayload(logger, e.ApplicationMessage.Payload.Length, maxPayload);
            }

            return Task.CompletedTask;
        };

        _server.QueuedApplicationMessageOverwrittenAsync += e =>
        {
            metrics.Sample("broker-queue-overflow");
            Log.EmbeddedBrokerDroppedMessage(logger, e.ReceiverClientId);
            return Task.CompletedTask;
        };

        try
        {
            await _server.StartAsync().ConfigureAwait(false);
        }
        catch (Exception e) when (e is System.Net.Sockets.SocketException or IOException)
        {
            throw new InvalidOperationException(
                $"Mqtt:EmbeddedPort: the embedded broker cannot listen on {options.Value.EmbeddedBindAddress}:{endpoint.Port} ({e.Message}). " +
                "Choose another port, 0 for any free port, or set Mqtt:BrokerUrl to use an external broker.", e);
        }

        Log.EmbeddedBrokerStarted(logger, endpoint.ToString());
    }

    public async Task StopAsync(CancellationToken cancellationToken)
    {
        if (_server is { IsStarted: true })
        {
            await _server.StopAsync(new MqttServerStopOptions()).ConfigureAwait(false);
        }
    }

    public ValueTask DisposeAsync()
    {
        _server?.Dispose();
        return ValueTask.CompletedTask;
    }

    /// <summary>Resolves where the service's MQTT client connects: the configured broker, or the embedded one.</summary>
    internal static BrokerEndpoint ResolveEndpoint(MqttOptions options)
    {
        if (!string.IsNullOrWhiteSpace(options.BrokerUrl))
        {
            return BrokerEndpoint.TryParse(options.BrokerUrl, out var external, out var error)
                ? external
                : throw new OptionsValidationException(MqttOptions.SectionName, typeof(MqttOptions), [$"Mqtt:BrokerUrl: {error}"]);
        }

        var port = options.EmbeddedPort;
        if (port == 0)
        {
            using var probe = new System.Net.Sockets.TcpListener(IPAddress.Parse(options.EmbeddedBindAddress), 0);
            probe.Start();
            port = ((IPEndPoint)probe.LocalEndpoint).Port;
        }

        var host = options.EmbeddedBindAddress is "0.0.0.0" ? "127.0.0.1" : options.EmbeddedBindAddress;
        return new BrokerEndpoint(host, port, IsEmbedded: true);
    }
}

/// <summary>The one account the embedded broker accepts; compares in constant time.</summary>
internal sealed class EmbeddedBrokerCredentials(string username, string password)
{
    private readonly byte[] _username = System.Text.Encoding.UTF8.GetBytes(username);
    private readonly byte[] _password = System.Text.Encoding.UTF8.GetBytes(password);

    public bool Accepts(string? username, string? password)
    {
        // Both comparisons always run, so the timing does not tell which one failed.
        var userMatches = System.Security.Cryptography.CryptographicOperations.FixedTimeEquals(
            System.Text.Encoding.UTF8.GetBytes(username ?? ""), _username);
        var passwordMatches = System.Security.Cryptography.CryptographicOperations.FixedTimeEquals(
            System.Text.Encoding.UTF8.GetBytes(password ?? ""), _password);
        return userMatches & passwordMatches;
    }
}

/// <summary>The embedded broker's messages kept beside it (ids in <c>Log.cs</c>'s broker range, 1000–1009).</summary>
internal static partial class EmbeddedBrokerLog
{
    [LoggerMessage(1002, LogLevel.Warning, "Embedded broker refused a {Bytes}-byte payload: above Mqtt:EmbeddedMaxPayloadBytes ({Max})")]
    public static partial void RefusedPayload(ILogger logger, long bytes, int max);
}

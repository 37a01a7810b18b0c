using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;
using MQTTnet;
using MQTTnet.Formatter;
using MQTTnet.Protocol;
using WearableEdge.Contracts;

namespace WearableEdge.EdgeService.Ingest;

/// <summary>
/// The service's one MQTT connection: MQTT 5, QoS 1, a fixed client id and no clean start, so the
/// broker keeps the session and queues messages while the service is away. A supervised loop
/// reconnects with back-off and subscribes again after every connect (a restarted broker without
/// persistence has forgotten the subscription). MQTTnet 5 has no managed client (FACTS.md).
/// </summary>
public sealed class MqttGatewayClient : BackgroundService
{
    private readonly IMqttClient _client;
    private readonly BrokerEndpoint _endpoint;
    private readonly MqttOptions _options;
    private readonly TimeProvider _timeProvider;
    private readonly ILogger<MqttGatewayClient> _logger;
    /// <summary>TCP send and receive buffer of the broker connection.</summary>
    private const int SocketBufferBytes = 1024 * 1024;

    private readonly AlertCommandHandler? _commands;
    private volatile bool _stopping;
    private TaskCompletionSource _disconnected = new(TaskCreationOptions.RunContinuationsAsynchronously);

    public MqttGatewayClient(
        BrokerEndpoint endpoint,
        IOptions<MqttOptions> options,
        MqttIngestHandler handler,
        TimeProvider timeProvider,
        ILogger<MqttGatewayClient> logger,
        AlertCommandHandler? commands = null)
    {
        ArgumentNullException.ThrowIfNull(options);
        ArgumentNullException.ThrowIfNull(handler);
        _endpoint = endpoint;
        _options = options.Value;
        _timeProvider = timeProvider;
        _logger = logger;
        _client = new MqttClientFactory().CreateMqttClient();
        _commands = commands;
        _client.ApplicationMessageReceivedAsync += e => commands is not null && AlertCommandHandler.IsCommandTopic(e.ApplicationMessage.Topic)
            ? commands.HandleAsync(e)
            : handler.HandleAsync(e);
        _client.DisconnectedAsync += e =>
        {
            if (e.ClientWasConnected && !_stopping)
            {
                Log.MqttDisconnected(_logger, e.Reason.ToString());
            }

            _disconnected.TrySetResult();
            return Task.CompletedTask;
        };
    }

    public bool IsConnected => _client.IsConnected;

    /// <summary>Successful connects since start; more than one means the loop reconnected.</summary>
    public int Connects { get; private set; }

    public BrokerEndpoint Endpoint => _endpoint;

    /// <summary>Publishes at QoS 1 and waits for the broker's acknowledgement; throws when not connected or refused.</summary>
    public async Task PublishAsync(string topic, byte[] payload, CancellationToken cancellationToken = default)
    {
        if (!_client.IsConnected)
        {
            throw new InvalidOperationException("The MQTT connection is down.");
        }

        var message = new MqttApplicationMessageBuilder()
            .WithTopic(topic)
            .WithPayload(payload)
            .WithContentType("application/json")
            .WithQualityOfServiceLevel(MqttQualityOfServiceLevel.AtLeastOnce)
            .Build();
        var result = await _client.PublishAsync(message, cancellationToken).ConfigureAwait(false);
        if (!result.IsSuccess)
        {
            throw new InvalidOperationException($"The broker refused the publish: {result.ReasonCode}.");
        }
    }

    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        var delay = _options.ReconnectDelay;
        while (!stoppingToken.IsCancellationRequested)
        {
            try
            {
                _disconnected = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
                await ConnectAndSubscribeAsync(stoppingToken).ConfigureAwait(false);
                delay = _options.ReconnectDelay;
                await _disconnected.Task.WaitAsync(stoppingToken).ConfigureAwait(false);
            }
            catch (OperationCanceledException) when (stoppingToken.IsCancellationRequested)
            {
                break;
            }
            catch (Exception e)
            {
                Log.MqttConnectFailed(_logger, e, _endpoint.ToString(), delay);
                await Task.Delay(delay, _timeProvider, stoppingToken).ConfigureAwait(false);
                delay = TimeSpan.FromTicks(Math.Min(delay.Ticks * 2, _options.MaxReconnectDelay.Ticks));
            }
        }
    }

    public override async Task StopAsync(CancellationToken cancellationToken)
    {
        _stopping = true;
        await base.StopAsync(cancellationToken).ConfigureAwait(false);
        if (_client.IsConnected)
        {
            // A normal disconnect keeps the persistent session on the broker (no clean start).
            await _client.DisconnectAsync(new MqttClientDisconnectOptionsBuilder().Build(), cancellationToken).ConfigureAwait(false);
        }
    }

    public override void Dispose()
    {
        _client.Dispose();
        base.Dispose();
    }

    private async Task ConnectAndSubscribeAsync(CancellationToken cancellationToken)
    {
        var builder = new MqttClientOptionsBuilder()
            .WithTcpServer(_endpoint.Host, _endpoint.Port)
            .WithProtocolVersion(MqttProtocolVersion.V500)
            .WithClientId(_options.ClientId)
            .WithCleanStart(false)
            .WithSessionExpiryInterval((uint)_options.SessionExpiry.TotalSeconds)
            .WithKeepAlivePeriod(TimeSpan.FromSeconds(15))
            .WithTimeout(TimeSpan.FromSeconds(10));
        var options = MqttClientSecurity.Apply(builder, _endpoint, _options).Build();

        // MQTTnet's default 8 KiB socket buffers let Linux TCP stall on loopback under load: the
        // advertised window drops below one segment and the broker stops sending (measured with
        // ss during the fault tests). A 1 MiB buffer keeps a busy ward flowing.
        ((MqttClientTcpOptions)options.ChannelOptions).BufferSize = SocketBufferBytes;
        var connected = await _client.ConnectAsync(options, cancellationToken).ConfigureAwait(false);
        if (connected.ResultCode != MqttClientConnectResultCode.Success)
        {
            throw new InvalidOperationException($"The broker refused the connection: {connected.ResultCode} {connected.ReasonString}");
        }

        var subscribing = new MqttClientSubscribeOptionsBuilder()
            .WithTopicFilter(Topics.AllWearableStreams, MqttQualityOfServiceLevel.AtLeastOnce);
        if (_commands is not null)
        {
            // Staff commands (acknowledge, resolve) from nurse apps; the broker's ACL says who may publish them.
            subscribing = subscribing.WithTopicFilter(AlertCommandHandler.TopicFilter, MqttQualityOfServiceLevel.AtLeastOnce);
        }

        var subscription = subscribing.Build();
        var subscribed = await _client.SubscribeAsync(subscription, cancellationToken).ConfigureAwait(false);
        foreach (var item in subscribed.Items)
        {
            if (item.ResultCode > MqttClientSubscribeResultCode.GrantedQoS2)
            {
                throw new InvalidOperationException($"The broker refused the subscription to {item.TopicFilter.Topic}: {item.ResultCode}");
            }
        }

        Connects++;
        Log.MqttConnected(_logger, _endpoint.ToString(), connected.IsSessionPresent, Topics.AllWearableStreams);
    }
}

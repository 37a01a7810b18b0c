using System.Security.Authentication;
using MQTTnet;
using MQTTnet.Adapter;
using MQTTnet.Protocol;
using WearableEdge.DeviceSim.Generation;

namespace WearableEdge.DeviceSim.Publishing;

/// <summary>
/// One MQTT connection publishing at QoS 1. MQTTnet 5 has no managed client (FACTS.md), so
/// connecting retries with a capped back-off here, and a publish that finds the connection lost
/// reconnects the same way and publishes again. A refusal — the broker's certificate fails
/// verification, or the credentials are wrong — is not retried: it throws <see cref="BrokerRefusedException"/>.
/// </summary>
internal sealed class MqttConnection : IAsyncDisposable
{
    private static readonly TimeSpan FirstRetryDelay = TimeSpan.FromMilliseconds(200);
    private static readonly TimeSpan MaxRetryDelay = TimeSpan.FromSeconds(5);
    private static readonly TimeSpan DisconnectTimeout = TimeSpan.FromSeconds(5);

    private readonly IMqttClient _client = new MqttClientFactory().CreateMqttClient();
    private readonly MqttClientOptions _clientOptions;
    private readonly TimeProvider _timeProvider;
    private readonly Uri _broker;

    public MqttConnection(MqttClientOptions clientOptions, Uri broker, TimeProvider timeProvider)
    {
        _clientOptions = clientOptions;
        _broker = broker;
        _timeProvider = timeProvider;
    }

    public async Task ConnectAsync(CancellationToken cancellationToken)
    {
        var delay = FirstRetryDelay;
        while (true)
        {
            try
            {
                var result = await _client.ConnectAsync(_clientOptions, cancellationToken).ConfigureAwait(false);
                if (result.ResultCode != MqttClientConnectResultCode.Success)
                {
                    throw new BrokerRefusedException($"The broker at {_broker} refused the connection: {result.ResultCode} {result.ReasonString}", null);
                }

                return;
            }
            catch (Exception e) when (e is not BrokerRefusedException && IsRefusal(e))
            {
                // Retrying cannot fix a certificate the CA does not vouch for or wrong credentials.
                throw new BrokerRefusedException($"The broker at {_broker} refused the connection: {e.Message}", e);
            }
            catch (Exception e) when (e is not BrokerRefusedException && !cancellationToken.IsCancellationRequested)
            {
                // The demo starts its broker at the same moment as the simulator: wait and try again.
                await Task.Delay(delay, _timeProvider, cancellationToken).ConfigureAwait(false);
                delay = TimeSpan.FromTicks(Math.Min(delay.Ticks * 2, MaxRetryDelay.Ticks));
            }
        }
    }

    private static bool IsRefusal(Exception e) => e switch
    {
        // Thrown without an inner exception when the broker answered CONNACK with a refusal code.
        MqttConnectingFailedException { InnerException: null } => true,
        AuthenticationException => true,
        { InnerException: { } inner } => IsRefusal(inner),
        _ => false,
    };

    public async Task PublishAsync(OutgoingMessage message, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(message);
        var applicationMessage = new MqttApplicationMessageBuilder()
            .WithTopic(message.Topic)
            .WithPayload(message.Payload)
            .WithQualityOfServiceLevel(MqttQualityOfServiceLevel.AtLeastOnce)
            .Build();
        MqttClientPublishResult result;
        try
        {
            result = await _client.PublishAsync(applicationMessage, cancellationToken).ConfigureAwait(false);
        }
        catch (Exception) when (!cancellationToken.IsCancellationRequested && !_client.IsConnected)
        {
            await ConnectAsync(cancellationToken).ConfigureAwait(false);
            result = await _client.PublishAsync(applicationMessage, cancellationToken).ConfigureAwait(false);
        }

        if (!result.IsSuccess)
        {
            throw new InvalidOperationException($"The broker refused a message on {message.Topic}: {result.ReasonCode} {result.ReasonString}");
        }
    }

    public async ValueTask DisposeAsync()
    {
        try
        {
            if (_client.IsConnected)
            {
                // A clean DISCONNECT, bounded: the run may be ending because the host is stopping.
                using var timeout = new CancellationTokenSource(DisconnectTimeout, _timeProvider);
                await _client.DisconnectAsync(new MqttClientDisconnectOptionsBuilder().Build(), timeout.Token).ConfigureAwait(false);
            }
        }
        finally
        {
            _client.Dispose();
        }
    }
}

using MQTTnet;
using MQTTnet.Protocol;
using WearableEdge.DeviceSim.Generation;

namespace WearableEdge.DeviceSim.Publishing;

/// <summary>
/// Publishes to an MQTT broker at QoS 1 with MQTTnet. MQTTnet 5 has no managed client
/// (FACTS.md), so connecting retries with a capped back-off here, and a publish that finds the
/// connection lost reconnects the same way and publishes again.
/// </summary>
internal sealed class MqttMessageSink : IMessageSink
{
    private static readonly TimeSpan FirstRetryDelay = TimeSpan.FromMilliseconds(200);
    private static readonly TimeSpan MaxRetryDelay = TimeSpan.FromSeconds(5);
    private static readonly TimeSpan DisconnectTimeout = TimeSpan.FromSeconds(5);

    private readonly IMqttClient _client = new MqttClientFactory().CreateMqttClient();
    private readonly MqttClientOptions _clientOptions;
    private readonly TimeProvider _timeProvider;

    public MqttMessageSink(Uri broker, string clientId, TimeProvider timeProvider)
    {
        ArgumentNullException.ThrowIfNull(broker);
        _timeProvider = timeProvider;
        _clientOptions = new MqttClientOptionsBuilder()
            .WithTcpServer(broker.Host, broker.IsDefaultPort ? 1883 : broker.Port)
            .WithClientId(clientId)
            .WithCleanSession(true)
            .WithTimeout(TimeSpan.FromSeconds(10))
            .Build();
    }

    public async Task ConnectAsync(CancellationToken cancellationToken)
    {
        var delay = FirstRetryDelay;
        while (true)
        {
            try
            {
                await _client.ConnectAsync(_clientOptions, cancellationToken).ConfigureAwait(false);
                return;
            }
            catch (Exception) when (!cancellationToken.IsCancellationRequested)
            {
                // The demo starts its broker at the same moment as the simulator: wait and try again.
                await Task.Delay(delay, _timeProvider, cancellationToken).ConfigureAwait(false);
                delay = TimeSpan.FromTicks(Math.Min(delay.Ticks * 2, MaxRetryDelay.Ticks));
            }
        }
    }

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

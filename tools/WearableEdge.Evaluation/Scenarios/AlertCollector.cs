using System.Buffers;
using System.Text.Json;
using MQTTnet;
using MQTTnet.Protocol;
using WearableEdge.Contracts;

namespace WearableEdge.Evaluation.Scenarios;

/// <summary>
/// Subscribes to <c>wearable-edge/alerts/+</c> at QoS 1 before the simulator starts and keeps one
/// <see cref="ObservedAlert"/> per alert id (the service republishes an alert on every state change).
/// </summary>
internal sealed class AlertCollector : IAsyncDisposable
{
    public const string Filter = "wearable-edge/alerts/+";

    private readonly IMqttClient _client;
    private readonly Dictionary<string, ObservedAlert> _alerts = new(StringComparer.Ordinal);
    private readonly Lock _lock = new();
    private readonly TimeProvider _time;
    private int _malformed;

    private AlertCollector(IMqttClient client, TimeProvider time)
    {
        _client = client;
        _time = time;
        LastMessageAt = time.GetUtcNow();
    }

    /// <summary>Messages received, every state change counted.</summary>
    public int Messages { get; private set; }

    /// <summary>Payloads that were not alert messages.</summary>
    public int Malformed => _malformed;

    /// <summary>
    /// <c>no-data</c> alerts first raised after <see cref="EndOfData"/>: the simulator had stopped, so
    /// they report the end of the run, not an event; they are left out of the results and counted here.
    /// </summary>
    public int NoDataAfterEnd { get; private set; }

    private bool _dataEnded;

    /// <summary>The simulator has stopped sending: a <c>no-data</c> alert raised from now on is the run's end.</summary>
    public void EndOfData()
    {
        lock (_lock)
        {
            _dataEnded = true;
        }
    }

    /// <summary>Wall-clock time of the last alert message.</summary>
    public DateTimeOffset LastMessageAt { get; private set; }

    public static async Task<AlertCollector> StartAsync(Uri broker, TimeProvider time, CancellationToken cancellationToken)
    {
        var client = new MqttClientFactory().CreateMqttClient();
        var collector = new AlertCollector(client, time);
        client.ApplicationMessageReceivedAsync += e =>
        {
            collector.Receive(e.ApplicationMessage.Payload);
            return Task.CompletedTask;
        };
        var options = new MqttClientOptionsBuilder()
            .WithTcpServer(broker.Host, broker.Port)
            .WithClientId($"wearable-edge-eval-{Guid.NewGuid():N}")
            .WithCleanSession()
            .Build();
        await client.ConnectAsync(options, cancellationToken).ConfigureAwait(false);
        await client.SubscribeAsync(
            new MqttClientSubscribeOptionsBuilder().WithTopicFilter(Filter, MqttQualityOfServiceLevel.AtLeastOnce).Build(),
            cancellationToken).ConfigureAwait(false);
        return collector;
    }

    /// <summary>The alerts seen so far, by raise time.</summary>
    public IReadOnlyList<ObservedAlert> Snapshot()
    {
        lock (_lock)
        {
            return [.. _alerts.Values.OrderBy(a => a.RaisedAt).ThenBy(a => a.Id, StringComparer.Ordinal)];
        }
    }

    public async ValueTask DisposeAsync()
    {
        if (_client.IsConnected)
        {
            await _client.DisconnectAsync().ConfigureAwait(false);
        }

        _client.Dispose();
    }

    private void Receive(ReadOnlySequence<byte> payload)
    {
        AlertMessage? message;
        try
        {
            var reader = new Utf8JsonReader(payload);
            message = JsonSerializer.Deserialize(ref reader, ContractJsonContext.Default.AlertMessage);
        }
        catch (JsonException)
        {
            message = null;
        }

        lock (_lock)
        {
            Messages++;
            LastMessageAt = _time.GetUtcNow();
            if (message is null)
            {
                _malformed++;
                return;
            }

            if (_alerts.TryGetValue(message.Id, out var seen))
            {
                _alerts[message.Id] = seen.Update(message);
            }
            else if (_dataEnded && message.Type == "no-data")
            {
                NoDataAfterEnd++;
            }
            else
            {
                _alerts[message.Id] = ObservedAlert.From(message);
            }
        }
    }
}

using System.Buffers;
using System.Collections.Concurrent;
using System.Globalization;
using System.Text;
using MQTTnet;
using MQTTnet.Formatter;

namespace WearableEdge.Benchmarks.EndToEnd;

/// <summary>
/// Mosquitto's own counters (<c>$SYS/broker/…</c>, published every second with <c>sys_interval 1</c>):
/// PUBLISH packets received from and sent to all clients, and messages dropped because a client's
/// queue was full (<c>max_queued_messages</c>).
/// </summary>
internal sealed class BrokerStats : IAsyncDisposable
{
    public const string Sent = "$SYS/broker/publish/messages/sent";
    public const string Received = "$SYS/broker/publish/messages/received";
    public const string Dropped = "$SYS/broker/publish/messages/dropped";

    private readonly IMqttClient _client = new MqttClientFactory().CreateMqttClient();
    private readonly ConcurrentDictionary<string, double> _values = new(StringComparer.Ordinal);

    public static async Task<BrokerStats> StartAsync(int port, CancellationToken cancellationToken)
    {
        var stats = new BrokerStats();
        stats._client.ApplicationMessageReceivedAsync += e =>
        {
            if (double.TryParse(Encoding.UTF8.GetString(e.ApplicationMessage.Payload.ToArray()), NumberStyles.Float, CultureInfo.InvariantCulture, out var value))
            {
                stats._values[e.ApplicationMessage.Topic] = value;
            }

            return Task.CompletedTask;
        };
        await stats._client.ConnectAsync(
            new MqttClientOptionsBuilder().WithTcpServer("127.0.0.1", port).WithProtocolVersion(MqttProtocolVersion.V311).WithClientId($"e2e-sys-{Environment.ProcessId}").Build(),
            cancellationToken).ConfigureAwait(false);
        await stats._client.SubscribeAsync(
            new MqttClientSubscribeOptionsBuilder().WithTopicFilter(Sent).WithTopicFilter(Received).WithTopicFilter(Dropped).Build(),
            cancellationToken).ConfigureAwait(false);
        return stats;
    }

    /// <summary>The latest value of a counter (NaN before the first).</summary>
    public double Value(string topic) => _values.TryGetValue(topic, out var value) ? value : double.NaN;

    public async ValueTask DisposeAsync()
    {
        if (_client.IsConnected)
        {
            await _client.DisconnectAsync().ConfigureAwait(false);
        }

        _client.Dispose();
    }
}

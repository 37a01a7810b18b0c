using System.Buffers;
using System.Diagnostics;
using System.Text.Json;
using MQTTnet;
using MQTTnet.Formatter;
using MQTTnet.Protocol;
using WearableEdge.Contracts;

namespace WearableEdge.Benchmarks.EndToEnd;

/// <summary>
/// Processing latency seen from outside the service. One MQTTnet client subscribes to the vitals of
/// the desaturating patients and to the alert topic. A sliding window closes when a sample at least
/// the allowed lateness past its end arrives (Clinical/Features/EventTimeWindower.cs), so the message
/// that completed the window behind an alert is the first vitals message of that patient holding a
/// sample at or after <c>windowEnd + AllowedLateness</c>. Latency to publish is the alert's arrival
/// here minus that message's arrival here (both on this client's clock, so both include one broker
/// hop); latency to store is the alert's <c>storedAt</c> (the service's wall clock) minus that
/// message's arrival time here (this machine's wall clock).
/// </summary>
internal sealed class LatencyProbe : IAsyncDisposable
{
    private readonly IMqttClient _client = new MqttClientFactory().CreateMqttClient();
    private readonly TimeSpan _allowedLateness;
    private readonly Dictionary<string, List<Arrival>> _vitals = new(StringComparer.Ordinal);
    private readonly List<Sample> _published = [];
    private readonly List<Sample> _stored = [];
    private readonly Lock _gate = new();
    private bool _measuring;
    private int _unmatched;
    private int _alerts;

    private LatencyProbe(TimeSpan allowedLateness) => _allowedLateness = allowedLateness;

    public static async Task<LatencyProbe> StartAsync(int port, IEnumerable<string> patientIds, TimeSpan allowedLateness, CancellationToken cancellationToken)
    {
        var probe = new LatencyProbe(allowedLateness);
        probe._client.ApplicationMessageReceivedAsync += e =>
        {
            probe.OnMessage(e.ApplicationMessage.Topic, e.ApplicationMessage.Payload);
            return Task.CompletedTask;
        };
        var options = new MqttClientOptionsBuilder()
            .WithTcpServer("127.0.0.1", port)
            .WithProtocolVersion(MqttProtocolVersion.V500)
            .WithClientId($"e2e-latency-{Environment.ProcessId}")
            .WithCleanStart(true)
            .Build();
        await probe._client.ConnectAsync(options, cancellationToken).ConfigureAwait(false);
        var subscribe = new MqttClientSubscribeOptionsBuilder().WithTopicFilter("wearable-edge/alerts/+", MqttQualityOfServiceLevel.AtLeastOnce);
        foreach (var id in patientIds)
        {
            subscribe = subscribe.WithTopicFilter(Topics.Vitals(id), MqttQualityOfServiceLevel.AtLeastOnce);
        }

        await probe._client.SubscribeAsync(subscribe.Build(), cancellationToken).ConfigureAwait(false);
        return probe;
    }

    /// <summary>From now on, alerts count towards the figures (earlier ones belong to the warm-up).</summary>
    public void StartMeasuring()
    {
        lock (_gate)
        {
            _measuring = true;
        }
    }

    /// <summary>Latencies in milliseconds, and how many raised alerts had no completing message seen here.</summary>
    public (IReadOnlyList<double> ToPublishMs, IReadOnlyList<double> ToStoreMs, int Alerts, int Unmatched) Results()
    {
        lock (_gate)
        {
            return ([.. _published.Select(s => s.Milliseconds)], [.. _stored.Select(s => s.Milliseconds)], _alerts, _unmatched);
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

    private void OnMessage(string topic, ReadOnlySequence<byte> payload)
    {
        var at = Stopwatch.GetTimestamp();
        var utc = TimeProvider.System.GetUtcNow();
        if (topic.StartsWith("wearable-edge/alerts/", StringComparison.Ordinal))
        {
            OnAlert(JsonSerializer.Deserialize(payload.ToArray(), ContractJsonContext.Default.AlertMessage), at);
            return;
        }

        if (!Topics.TryParseWearableTopic(topic, out var patientId, out _))
        {
            return;
        }

        // The newest sample time in the batch.
        var newest = DateTimeOffset.MinValue;
        var reader = new Utf8JsonReader(payload);
        while (reader.Read())
        {
            if (reader.TokenType == JsonTokenType.PropertyName && reader.ValueTextEquals("ts"u8) && reader.Read() && reader.TryGetDateTimeOffset(out var ts) && ts > newest)
            {
                newest = ts;
            }
        }

        lock (_gate)
        {
            if (!_vitals.TryGetValue(patientId, out var arrivals))
            {
                _vitals[patientId] = arrivals = [];
            }

            arrivals.Add(new Arrival(newest, at, utc));
            if (arrivals.Count > 400)
            {
                arrivals.RemoveRange(0, 100);
            }
        }
    }

    private void OnAlert(AlertMessage? alert, long at)
    {
        if (alert is null || alert.Status != "active" || alert.Type is not ("desaturation" or "news2"))
        {
            return;
        }

        lock (_gate)
        {
            if (!_measuring || !_vitals.TryGetValue(alert.PatientId, out var arrivals))
            {
                return;
            }

            _alerts++;
            var closesAt = alert.WindowEnd + _allowedLateness;
            var completing = arrivals.FirstOrDefault(a => a.Newest >= closesAt);
            if (completing is null)
            {
                _unmatched++;
                return;
            }

            _published.Add(new Sample(Stopwatch.GetElapsedTime(completing.At, at).TotalMilliseconds));
            _stored.Add(new Sample((alert.StoredAt - completing.Utc).TotalMilliseconds));
        }
    }

    private sealed record Arrival(DateTimeOffset Newest, long At, DateTimeOffset Utc);

    private sealed record Sample(double Milliseconds);
}

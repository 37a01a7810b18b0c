using System.Collections.Concurrent;
using System.Diagnostics.Metrics;
using System.Globalization;
using System.Text;

namespace WearableEdge.EdgeService;

/// <summary>
/// The service's counters: one <see cref="Meter"/> named <c>WearableEdge</c> for exporters, and a
/// snapshot of the same counts for <c>/health</c> and the Prometheus text at <c>/metrics</c>.
/// </summary>
public sealed class EdgeMetrics : IDisposable
{
    public const string MeterName = "WearableEdge";

    private readonly Meter _meter;
    private readonly Counter<long> _samples;
    private readonly Counter<long> _rejected;
    private readonly Counter<long> _alerts;
    private readonly Counter<long> _sync;
    private readonly ConcurrentDictionary<string, long> _counts = new(StringComparer.Ordinal);

    public EdgeMetrics(IMeterFactory meterFactory)
    {
        ArgumentNullException.ThrowIfNull(meterFactory);
        _meter = meterFactory.Create(MeterName);
        _samples = _meter.CreateCounter<long>("wearable_edge_samples", description: "Samples by outcome");
        _rejected = _meter.CreateCounter<long>("wearable_edge_messages_rejected", description: "MQTT messages rejected, by reason");
        _alerts = _meter.CreateCounter<long>("wearable_edge_alert_transitions", description: "Alert transitions, by action");
        _sync = _meter.CreateCounter<long>("wearable_edge_outbox_deliveries", description: "Outbox deliveries, by target and outcome");
    }

    /// <summary>A sample was accepted, or dropped for a named reason (duplicate, too-late, queue-full).</summary>
    public void Sample(string outcome, long count = 1)
    {
        _samples.Add(count, new KeyValuePair<string, object?>("outcome", outcome));
        Add("samples", "outcome", outcome, count);
    }

    /// <summary>A whole MQTT message was accepted on a stream.</summary>
    public void MessageAccepted(string stream) => Add("messages_accepted", "stream", stream, 1);

    /// <summary>A whole MQTT message was rejected and dead-lettered.</summary>
    public void MessageRejected(string reason)
    {
        _rejected.Add(1, new KeyValuePair<string, object?>("reason", reason));
        Add("messages_rejected", "reason", reason, 1);
    }

    public void AlertTransition(string action)
    {
        _alerts.Add(1, new KeyValuePair<string, object?>("action", action));
        Add("alert_transitions", "action", action, 1);
    }

    public void Delivery(string target, string outcome, long count)
    {
        _sync.Add(count, new KeyValuePair<string, object?>("target", target), new KeyValuePair<string, object?>("outcome", outcome));
        Add("outbox_deliveries", "target_outcome", $"{target}:{outcome}", count);
    }

    /// <summary>Minute summaries queued for the store, or shed at the outbox bound.</summary>
    public void Summary(string outcome, long count) => Add("minute_summaries", "outcome", outcome, count);

    public void DeadLetterDropped() => Add("dead_letters_unpublished", "reason", "publish-failed", 1);

    /// <summary>Counts of one family, by label value.</summary>
    public IReadOnlyDictionary<string, long> Family(string family)
    {
        var prefix = family + "|";
        return _counts
            .Where(kv => kv.Key.StartsWith(prefix, StringComparison.Ordinal))
            .ToDictionary(kv => kv.Key[(kv.Key.LastIndexOf('=') + 1)..], kv => kv.Value, StringComparer.Ordinal);
    }

    /// <summary>All counters in the Prometheus text exposition format.</summary>
    public string ToPrometheusText()
    {
        var text = new StringBuilder();
        foreach (var (key, value) in _counts.OrderBy(kv => kv.Key, StringComparer.Ordinal))
        {
            var parts = key.Split('|');
            var label = parts[1].Split('=', 2);
            text.Append(CultureInfo.InvariantCulture, $"wearable_edge_{parts[0]}_total{{{label[0]}=\"{label[1]}\"}} {value}\n");
        }

        return text.ToString();
    }

    public void Dispose() => _meter.Dispose();

    private void Add(string family, string label, string value, long count) =>
        _counts.AddOrUpdate($"{family}|{label}={value}", count, (_, old) => old + count);
}

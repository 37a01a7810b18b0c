using System.Collections.Concurrent;
using System.Diagnostics;
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
    private readonly Histogram<double> _inferenceSeconds;
    private readonly Histogram<int> _inferenceRows;
    // Keyed by (family, label, value) without building a string: counters are bumped per message and per sample.
    private readonly ConcurrentDictionary<(string Family, string Label, string Value), long> _counts = new();
    private readonly ConcurrentDictionary<(string Model, string Purpose), InferenceStats> _inference = new();

    public EdgeMetrics(IMeterFactory meterFactory)
    {
        ArgumentNullException.ThrowIfNull(meterFactory);
        _meter = meterFactory.Create(MeterName);
        _samples = _meter.CreateCounter<long>("wearable_edge_samples", description: "Samples by outcome");
        _rejected = _meter.CreateCounter<long>("wearable_edge_messages_rejected", description: "MQTT messages rejected, by reason");
        _alerts = _meter.CreateCounter<long>("wearable_edge_alert_transitions", description: "Alert transitions, by action");
        _sync = _meter.CreateCounter<long>("wearable_edge_outbox_deliveries", description: "Outbox deliveries, by target and outcome");
        _inferenceSeconds = _meter.CreateHistogram<double>("wearable_edge_model_inference_duration", unit: "s", description: "ONNX Runtime call latency, by model and purpose");
        _inferenceRows = _meter.CreateHistogram<int>("wearable_edge_model_batch_rows", description: "Rows per ONNX Runtime call, by model and purpose");
    }

    /// <summary>
    /// One batched model call: <paramref name="purpose"/> <c>score</c> (live windows) or
    /// <c>explain</c> (occlusion variants of one row, at most one per feature).
    /// </summary>
    public void ModelInference(string modelId, string purpose, int rows, TimeSpan elapsed)
    {
        var tags = new TagList { { "model", modelId }, { "purpose", purpose } };
        _inferenceSeconds.Record(elapsed.TotalSeconds, tags);
        _inferenceRows.Record(rows, tags);
        _inference.GetOrAdd((modelId, purpose), _ => new InferenceStats()).Record(rows, elapsed.TotalSeconds);
    }

    /// <summary>A new model version failed its checks on reload; the old one keeps serving.</summary>
    public void ModelReloadFailed(string modelId) => Add("model_reload_failures", "model", modelId, 1);

    /// <summary>ONNX Runtime failed on a batch; its windows went unscored.</summary>
    public void ModelScoringFailed(string modelId) => Add("model_scoring_failures", "model", modelId, 1);

    /// <summary>A motion batch reached the fall model's buffer, or was not usable (for example at another sample rate).</summary>
    public void MotionBatch(string outcome) => Add("motion_batches", "outcome", outcome, 1);

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
        return _counts
            .Where(kv => string.Equals(kv.Key.Family, family, StringComparison.Ordinal))
            .ToDictionary(kv => kv.Key.Value, kv => kv.Value, StringComparer.Ordinal);
    }

    /// <summary>All counters in the Prometheus text exposition format.</summary>
    public string ToPrometheusText()
    {
        var text = new StringBuilder();
        var ordered = _counts
            .OrderBy(kv => kv.Key.Family, StringComparer.Ordinal)
            .ThenBy(kv => kv.Key.Label, StringComparer.Ordinal)
            .ThenBy(kv => kv.Key.Value, StringComparer.Ordinal);
        foreach (var ((family, label, labelValue), value) in ordered)
        {
            text.Append(CultureInfo.InvariantCulture, $"wearable_edge_{family}_total{{{label}=\"{labelValue}\"}} {value}\n");
        }

        foreach (var ((model, purpose), stats) in _inference.OrderBy(kv => kv.Key.Model, StringComparer.Ordinal).ThenBy(kv => kv.Key.Purpose, StringComparer.Ordinal))
        {
            stats.AppendPrometheus(text, $"model=\"{model}\",purpose=\"{purpose}\"");
        }

        return text.ToString();
    }

    public void Dispose() => _meter.Dispose();

    /// <summary>Histograms of one model's calls: latency (seconds) and rows per call.</summary>
    private sealed class InferenceStats
    {
        private static readonly double[] SecondsBounds = [0.00005, 0.0001, 0.00025, 0.0005, 0.001, 0.0025, 0.005, 0.01, 0.05];
        private static readonly double[] RowsBounds = [1, 2, 4, 8, 16, 32, 64, 128];
        private readonly Lock _gate = new();
        private readonly long[] _secondsBuckets = new long[SecondsBounds.Length];
        private readonly long[] _rowsBuckets = new long[RowsBounds.Length];
        private long _calls;
        private long _rows;
        private double _seconds;

        public void Record(int rows, double seconds)
        {
            lock (_gate)
            {
                _calls++;
                _rows += rows;
                _seconds += seconds;
                Bucket(_secondsBuckets, SecondsBounds, seconds);
                Bucket(_rowsBuckets, RowsBounds, rows);
            }
        }

        public void AppendPrometheus(StringBuilder text, string labels)
        {
            lock (_gate)
            {
                text.Append(CultureInfo.InvariantCulture, $"wearable_edge_model_inferences_total{{{labels}}} {_calls}\n");
                text.Append(CultureInfo.InvariantCulture, $"wearable_edge_model_rows_total{{{labels}}} {_rows}\n");
                Histogram(text, "wearable_edge_model_inference_seconds", labels, SecondsBounds, _secondsBuckets, _seconds);
                Histogram(text, "wearable_edge_model_batch_rows", labels, RowsBounds, _rowsBuckets, _rows);
            }
        }

        private void Histogram(StringBuilder text, string name, string labels, double[] bounds, long[] buckets, double sum)
        {
            long cumulative = 0;
            for (var i = 0; i < bounds.Length; i++)
            {
                cumulative += buckets[i];
                text.Append(CultureInfo.InvariantCulture, $"{name}_bucket{{{labels},le=\"{bounds[i]}\"}} {cumulative}\n");
            }

            text.Append(CultureInfo.InvariantCulture, $"{name}_bucket{{{labels},le=\"+Inf\"}} {_calls}\n");
            text.Append(CultureInfo.InvariantCulture, $"{name}_sum{{{labels}}} {sum}\n");
            text.Append(CultureInfo.InvariantCulture, $"{name}_count{{{labels}}} {_calls}\n");
        }

        private static void Bucket(long[] buckets, double[] bounds, double value)
        {
            var index = Array.FindIndex(bounds, b => value <= b);
            if (index >= 0)
            {
                buckets[index]++;
            }
        }
    }

    private void Add(string family, string label, string value, long count) =>
        _counts.AddOrUpdate((family, label, value), static (_, added) => added, static (_, old, added) => old + added, count);
}

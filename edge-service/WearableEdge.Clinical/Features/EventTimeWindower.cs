using WearableEdge.Clinical.Samples;

namespace WearableEdge.Clinical.Features;

/// <summary>What became of one sample offered to an <see cref="EventTimeWindower"/>.</summary>
public enum SampleDisposition
{
    /// <summary>Buffered for the windows it belongs to.</summary>
    Accepted,

    /// <summary>A sample with the same device time was already buffered (a re-sent batch).</summary>
    Duplicate,

    /// <summary>Every window it belongs to was already emitted; it is counted, not merged.</summary>
    TooLate,

    /// <summary>The device flagged poor signal quality (<see cref="SampleScreen"/>): counted, kept out of features and alerts.</summary>
    PoorSignal,

    /// <summary>A value outside <see cref="PlausibilityRanges"/>: counted, kept out of features and alerts.</summary>
    Implausible,
}

/// <summary>The outcome of offering one sample: its disposition and the windows it closed.</summary>
public sealed record WindowerResult(SampleDisposition Disposition, IReadOnlyList<FeatureVector> ClosedWindows);

/// <summary>
/// Sliding event-time windows over one patient's samples. A window closes when the watermark
/// (newest device time seen minus <see cref="WindowSpec.AllowedLateness"/>) passes its end, so
/// samples that arrive out of order within the lateness bound give the same features as in-order
/// ones. Windows with no sample are not emitted. Not thread-safe: one instance per patient.
/// </summary>
public sealed class EventTimeWindower
{
    private readonly string _patientId;
    private readonly WindowSpec _spec;
    private readonly double _minSignalQuality;
    private readonly SortedList<DateTimeOffset, WearableSample> _buffer = [];
    private DateTimeOffset? _nextWindowEnd;
    private DateTimeOffset _newestSeen = DateTimeOffset.MinValue;

    /// <param name="patientId">The patient whose samples this windower takes.</param>
    /// <param name="spec">Window length, hop, lateness and sample interval.</param>
    /// <param name="minSignalQuality">A sample whose signal quality is below this is not windowed (<see cref="SampleDisposition.PoorSignal"/>).</param>
    public EventTimeWindower(string patientId, WindowSpec spec, double minSignalQuality = SampleScreen.DefaultMinSignalQuality)
    {
        ArgumentException.ThrowIfNullOrEmpty(patientId);
        ArgumentNullException.ThrowIfNull(spec);
        _patientId = patientId;
        _spec = spec;
        _minSignalQuality = minSignalQuality;
    }

    /// <summary>Samples held for windows not yet closed.</summary>
    public int BufferedCount => _buffer.Count;

    /// <summary>Offers one sample of this windower's patient.</summary>
    public WindowerResult Add(WearableSample sample)
    {
        ArgumentNullException.ThrowIfNull(sample);
        if (sample.PatientId != _patientId)
        {
            throw new ArgumentException("The sample belongs to another patient.", nameof(sample));
        }

        switch (SampleScreen.Assess(sample, _minSignalQuality))
        {
            case SampleQuality.PoorSignal:
                return new WindowerResult(SampleDisposition.PoorSignal, []);
            case SampleQuality.Implausible:
                return new WindowerResult(SampleDisposition.Implausible, []);
        }

        // Start early enough that a sample up to the allowed lateness before the first arrival still
        // lands in the same windows as it would have in order.
        _nextWindowEnd ??= _spec.FirstEndAfter(sample.DeviceTime - _spec.AllowedLateness);
        if (sample.DeviceTime < _nextWindowEnd.Value - _spec.Length)
        {
            return new WindowerResult(SampleDisposition.TooLate, []);
        }

        if (!_buffer.TryAdd(sample.DeviceTime, sample))
        {
            return new WindowerResult(SampleDisposition.Duplicate, []);
        }

        if (sample.DeviceTime > _newestSeen)
        {
            _newestSeen = sample.DeviceTime;
        }

        return new WindowerResult(SampleDisposition.Accepted, CloseWindows(_newestSeen - _spec.AllowedLateness));
    }

    /// <summary>Closes every window that ends at or before <paramref name="watermark"/>.</summary>
    private List<FeatureVector> CloseWindows(DateTimeOffset watermark)
    {
        var closed = new List<FeatureVector>();
        while (_nextWindowEnd is { } end && end <= watermark)
        {
            var start = end - _spec.Length;
            if (_buffer.Count > 0 && _buffer.Keys[0] >= end)
            {
                // A gap longer than a window: skip the empty windows in one step, but never past a
                // window that is still open, where a sample within the lateness bound may yet land.
                var firstWithData = _spec.FirstEndAfter(_buffer.Keys[0]);
                var firstOpen = _spec.FirstEndAfter(watermark);
                _nextWindowEnd = firstWithData < firstOpen ? firstWithData : firstOpen;
                continue;
            }

            var inWindow = _buffer.Values.TakeWhile(s => s.DeviceTime < end).Where(s => s.DeviceTime >= start).ToList();
            if (inWindow.Count > 0)
            {
                closed.Add(FeatureExtractor.Compute(_patientId, start, end, inWindow, _spec.SampleInterval));
            }

            _nextWindowEnd = end + _spec.Hop;
            var keepFrom = _nextWindowEnd.Value - _spec.Length;
            while (_buffer.Count > 0 && _buffer.Keys[0] < keepFrom)
            {
                _buffer.RemoveAt(0);
            }
        }

        return closed;
    }
}

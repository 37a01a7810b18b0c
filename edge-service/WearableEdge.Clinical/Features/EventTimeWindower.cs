using WearableEdge.Clinical.Samples;

namespace WearableEdge.Clinical.Features;

/// <summary>What became of one sample offered to an <see cref="EventTimeWindower"/>.</summary>
public enum SampleDisposition
{
    /// <summary>Buffered for the windows it belongs to.</summary>
    Accepted,

    /// <summary>
    /// Every vital sign it carries was already buffered from the same device at the same device time
    /// (a re-sent batch). Samples of other devices, or of other signs, at the same time are not duplicates.
    /// </summary>
    Duplicate,

    /// <summary>Every window it belongs to was already emitted; it is counted, not merged.</summary>
    TooLate,

    /// <summary>The device flagged poor signal quality (<see cref="SampleScreen"/>): counted, kept out of features and alerts.</summary>
    PoorSignal,

    /// <summary>A value outside <see cref="PlausibilityRanges"/>: counted, kept out of features and alerts.</summary>
    Implausible,
}

/// <summary>The outcome of offering one sample: its disposition and the windows it closed.</summary>
public readonly record struct WindowerResult(SampleDisposition Disposition, IReadOnlyList<FeatureVector> ClosedWindows);

/// <summary>
/// Sliding event-time windows over one patient's samples. A window closes when the watermark
/// (newest device time seen minus <see cref="WindowSpec.AllowedLateness"/>) passes its end, so
/// samples that arrive out of order within the lateness bound give the same features as in-order
/// ones. Windows with no sample are not emitted. Not thread-safe: one instance per patient.
/// <para>
/// Duplicates are keyed by device, stream and device time, as a re-sent batch gives (issue 4). A
/// windower only sees vital-sign samples (motion batches go to the fall model), so the stream is the
/// vital sign: a sample is a duplicate when every sign it carries was already buffered from the same
/// device at the same device time. Two devices of one patient (a swap mid-stay: the old device's late
/// samples beside the new device's) are never duplicates of each other, nor are a heart-rate and an
/// SpO2 sample of one device at one time (Open mHealth and FHIR give one sign per data point). When a
/// sample repeats some of its signs and adds others, the repeated signs are dropped from it and the
/// new ones are accepted; the first value of a device, sign and time wins.
/// </para>
/// <para>
/// Non-duplicate samples at the same device time all feed the window: each value is one point of
/// its sign's mean, minimum, maximum and slope, and the time counts once for coverage. They reach
/// <see cref="FeatureExtractor"/> ordered by device time, then device id (ordinal), then signs, so the
/// features (including "last") do not depend on arrival order.
/// </para>
/// </summary>
public sealed class EventTimeWindower
{
    private readonly string _patientId;
    private readonly WindowSpec _spec;
    private readonly double _minSignalQuality;
    private readonly SortedList<SampleKey, WearableSample> _buffer = new(SampleKey.Comparer);
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

        var signs = SignsOf(sample.Vitals);
        var repeated = SignsBuffered(sample.DeviceTime, sample.DeviceId) & signs;
        if (repeated == signs)
        {
            return new WindowerResult(SampleDisposition.Duplicate, []);
        }

        if (repeated != 0)
        {
            signs &= ~repeated;
            sample = sample with { Vitals = Only(sample.Vitals, signs) };
        }

        _buffer.Add(new SampleKey(sample.DeviceTime, sample.DeviceId, signs), sample);

        if (sample.DeviceTime > _newestSeen)
        {
            _newestSeen = sample.DeviceTime;
        }

        return new WindowerResult(SampleDisposition.Accepted, CloseWindows(_newestSeen - _spec.AllowedLateness));
    }

    /// <summary>Closes every window that ends at or before <paramref name="watermark"/>.</summary>
    private IReadOnlyList<FeatureVector> CloseWindows(DateTimeOffset watermark)
    {
        // Called for every accepted sample and most close nothing: the list is made only when one closes.
        List<FeatureVector>? closed = null;
        while (_nextWindowEnd is { } end && end <= watermark)
        {
            var start = end - _spec.Length;
            if (_buffer.Count > 0 && _buffer.Keys[0].DeviceTime >= end)
            {
                // A gap longer than a window: skip the empty windows in one step, but never past a
                // window that is still open, where a sample within the lateness bound may yet land.
                var firstWithData = _spec.FirstEndAfter(_buffer.Keys[0].DeviceTime);
                var firstOpen = _spec.FirstEndAfter(watermark);
                _nextWindowEnd = firstWithData < firstOpen ? firstWithData : firstOpen;
                continue;
            }

            // The buffer is in time order: the window is one run of it, copied without LINQ.
            var buffered = _buffer.Values;
            var first = 0;
            while (first < buffered.Count && buffered[first].DeviceTime < start)
            {
                first++;
            }

            var last = first;
            while (last < buffered.Count && buffered[last].DeviceTime < end)
            {
                last++;
            }

            var inWindow = new List<WearableSample>(last - first);
            for (var i = first; i < last; i++)
            {
                inWindow.Add(buffered[i]);
            }

            if (inWindow.Count > 0)
            {
                (closed ??= []).Add(FeatureExtractor.Compute(_patientId, start, end, inWindow, _spec.SampleInterval));
            }

            _nextWindowEnd = end + _spec.Hop;
            var keepFrom = _nextWindowEnd.Value - _spec.Length;
            while (_buffer.Count > 0 && _buffer.Keys[0].DeviceTime < keepFrom)
            {
                _buffer.RemoveAt(0);
            }
        }

        return closed ?? (IReadOnlyList<FeatureVector>)[];
    }

    /// <summary>The signs already buffered from <paramref name="deviceId"/> at <paramref name="time"/>, as a mask.</summary>
    private int SignsBuffered(DateTimeOffset time, string deviceId)
    {
        var keys = _buffer.Keys;
        var from = new SampleKey(time, deviceId, 0);
        int low = 0, high = keys.Count;
        while (low < high)
        {
            var mid = (low + high) >>> 1;
            if (SampleKey.Comparer.Compare(keys[mid], from) < 0)
            {
                low = mid + 1;
            }
            else
            {
                high = mid;
            }
        }

        var signs = 0;
        for (var i = low; i < keys.Count && keys[i].DeviceTime == time && string.Equals(keys[i].DeviceId, deviceId, StringComparison.Ordinal); i++)
        {
            signs |= keys[i].Signs;
        }

        return signs;
    }

    /// <summary>One bit per vital sign the sample carries (bit <c>1 &lt;&lt; (int)sign</c>).</summary>
    private static int SignsOf(VitalSigns vitals)
    {
        var signs = 0;
        foreach (var sign in VitalSignCodes.All)
        {
            if (vitals.Get(sign) is not null)
            {
                signs |= 1 << (int)sign;
            }
        }

        return signs;
    }

    private static VitalSigns Only(VitalSigns vitals, int signs)
    {
        double? Keep(VitalSign sign) => (signs & (1 << (int)sign)) != 0 ? vitals.Get(sign) : null;
        return new VitalSigns(
            Keep(VitalSign.HeartRate), Keep(VitalSign.SpO2), Keep(VitalSign.RespirationRate), Keep(VitalSign.Temperature), Keep(VitalSign.SystolicBp));
    }

    /// <summary>A buffered sample's identity: device time, then device, then the signs it carries.</summary>
    private readonly record struct SampleKey(DateTimeOffset DeviceTime, string DeviceId, int Signs)
    {
        public static IComparer<SampleKey> Comparer { get; } = Comparer<SampleKey>.Create((a, b) =>
        {
            var byTime = a.DeviceTime.UtcTicks.CompareTo(b.DeviceTime.UtcTicks);
            if (byTime != 0)
            {
                return byTime;
            }

            var byDevice = string.CompareOrdinal(a.DeviceId, b.DeviceId);
            return byDevice != 0 ? byDevice : a.Signs.CompareTo(b.Signs);
        });
    }
}

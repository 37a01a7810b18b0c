using WearableEdge.Clinical.Samples;

namespace WearableEdge.Clinical.Features;

/// <summary>
/// Computes window features from samples. The one implementation of features, used by the live
/// service and by model training alike.
/// </summary>
public static class FeatureExtractor
{
    /// <summary>
    /// Summarizes the samples that fall in [<paramref name="start"/>, <paramref name="end"/>).
    /// Samples outside the span are ignored; order does not matter.
    /// </summary>
    public static FeatureVector Compute(
        string patientId,
        DateTimeOffset start,
        DateTimeOffset end,
        IEnumerable<WearableSample> samples,
        TimeSpan sampleInterval)
    {
        ArgumentException.ThrowIfNullOrEmpty(patientId);
        ArgumentNullException.ThrowIfNull(samples);
        ArgumentOutOfRangeException.ThrowIfLessThanOrEqual(end, start);
        ArgumentOutOfRangeException.ThrowIfLessThanOrEqual(sampleInterval, TimeSpan.Zero);

        var inWindow = new List<WearableSample>(samples.TryGetNonEnumeratedCount(out var offered) ? offered : 0);
        var sorted = true;
        foreach (var sample in samples)
        {
            if (sample.DeviceTime >= start && sample.DeviceTime < end)
            {
                sorted &= inWindow.Count == 0 || inWindow[^1].DeviceTime <= sample.DeviceTime;
                inWindow.Add(sample);
            }
        }

        if (!sorted)
        {
            // Stable: samples at the same device time keep the order they were given in.
            inWindow = [.. inWindow.OrderBy(s => s.DeviceTime)];
        }

        var slots = Math.Max(1, (int)((end - start).Ticks / sampleInterval.Ticks));

        // The samples are in time order from here on, so a slot index never goes back: a slot is
        // new exactly when it differs from the previous one (no set of slots is needed).
        var vitals = new Dictionary<VitalSign, VitalSummary>();
        var points = new List<(double Minutes, double Value)>(inWindow.Count);
        foreach (var sign in VitalSignCodes.All)
        {
            points.Clear();
            var slotsWithValue = 0;
            var lastSlot = -1L;
            foreach (var sample in inWindow)
            {
                if (sample.Vitals.Get(sign) is { } value && double.IsFinite(value))
                {
                    points.Add(((sample.DeviceTime - start).TotalMinutes, value));
                    var slot = (sample.DeviceTime - start).Ticks / sampleInterval.Ticks;
                    if (slot != lastSlot)
                    {
                        slotsWithValue++;
                        lastSlot = slot;
                    }
                }
            }

            if (points.Count > 0)
            {
                vitals[sign] = Summarize(points, Math.Min(1.0, (double)slotsWithValue / slots));
            }
        }

        var occupied = 0;
        var previous = -1L;
        foreach (var sample in inWindow)
        {
            var slot = (sample.DeviceTime - start).Ticks / sampleInterval.Ticks;
            if (slot != previous)
            {
                occupied++;
                previous = slot;
            }
        }

        return new FeatureVector(patientId, start, end, inWindow.Count, Math.Min(1.0, (double)occupied / slots), vitals);
    }

    private static VitalSummary Summarize(List<(double Minutes, double Value)> points, double coverage)
    {
        double sum = 0, min = double.MaxValue, max = double.MinValue;
        foreach (var (_, value) in points)
        {
            sum += value;
            min = Math.Min(min, value);
            max = Math.Max(max, value);
        }

        var mean = sum / points.Count;
        return new VitalSummary(points.Count, mean, min, max, points[^1].Value, Slope(points), coverage);
    }

    /// <summary>Ordinary least-squares slope of value over minutes; null when time does not vary.</summary>
    private static double? Slope(List<(double Minutes, double Value)> points)
    {
        if (points.Count < 2)
        {
            return null;
        }

        double meanT = 0, meanV = 0;
        foreach (var (t, v) in points)
        {
            meanT += t;
            meanV += v;
        }

        meanT /= points.Count;
        meanV /= points.Count;
        double covariance = 0, variance = 0;
        foreach (var (t, v) in points)
        {
            covariance += (t - meanT) * (v - meanV);
            variance += (t - meanT) * (t - meanT);
        }

        return variance > 0 ? covariance / variance : null;
    }
}

namespace WearableEdge.Clinical.Features.Motion;

/// <summary>
/// The inputs of the fall-detection model, computed over one window of tri-axial acceleration
/// (g). A fall shows as a drop of the magnitude below 1 g (free fall), a spike of several g
/// (impact), a change of orientation, then little movement (lying still). Training (from
/// simulator streams) and the service (from live motion batches) both call
/// <see cref="Compute"/>.
/// </summary>
public static class FallFeatures
{
    /// <summary>Version of the feature definitions; a manifest names the set it was trained on.</summary>
    public const string FeatureSetId = "fall-accel-v1";

    /// <summary>The sample rate the features are defined at: the motion stream's 50 Hz.</summary>
    public const double SampleRateHz = 50;

    /// <summary>Window length: 4 s, long enough to hold the fall and a second of lying still after it.</summary>
    public static TimeSpan Window { get; } = TimeSpan.FromSeconds(4);

    /// <summary>Windows start every 0.5 s.</summary>
    public static TimeSpan Hop { get; } = TimeSpan.FromSeconds(0.5);

    /// <summary>Samples in one window at <see cref="SampleRateHz"/>.</summary>
    public static int WindowSamples { get; } = (int)Math.Round(Window.TotalSeconds * SampleRateHz);

    /// <summary>Magnitude below which the device counts as falling freely, g.</summary>
    public const double FreeFallThreshold = 0.6;

    /// <summary>The features in model input order.</summary>
    public static IReadOnlyList<ModelFeature> Features { get; } =
    [
        new("accel_min", "g", "PT4S", "Lowest acceleration"),
        new("accel_max", "g", "PT4S", "Peak acceleration"),
        new("accel_mean", "g", "PT4S", "Mean acceleration"),
        new("accel_std", "g", "PT4S", "Acceleration spread"),
        new("freefall_duration", "s", "PT4S", "Free fall"),
        new("impact_after_freefall", "g", "PT4S", "Impact after free fall"),
        new("peak_time", "s", "PT4S", "Time of peak in window"),
        new("jerk_max", "g/s", "PT4S", "Peak jerk"),
        new("post_peak_std", "g", "PT4S", "Movement after the peak"),
        new("last_second_std", "g", "PT1S", "Movement in the last second"),
        new("last_second_mean", "g", "PT1S", "Mean acceleration in the last second"),
        new("tilt_change", "deg", "PT4S", "Orientation change"),
    ];

    /// <summary>
    /// Computes the features of one window of samples taken at <see cref="SampleRateHz"/> into
    /// <paramref name="destination"/>, which must hold <see cref="Features"/>.Count values.
    /// The window must hold at least two seconds of samples.
    /// </summary>
    public static void Compute(ReadOnlySpan<float> x, ReadOnlySpan<float> y, ReadOnlySpan<float> z, Span<float> destination)
    {
        var n = x.Length;
        if (y.Length != n || z.Length != n)
        {
            throw new ArgumentException("The three axes must hold the same number of samples.", nameof(y));
        }

        var second = (int)SampleRateHz;
        if (n < 2 * second)
        {
            throw new ArgumentException($"A window needs at least {2 * second} samples; it has {n}.", nameof(x));
        }

        if (destination.Length != Features.Count)
        {
            throw new ArgumentException($"Destination holds {destination.Length} values; the features are {Features.Count}.", nameof(destination));
        }

        Span<double> magnitude = n <= 1024 ? stackalloc double[n] : new double[n];
        double min = double.MaxValue, max = double.MinValue, sum = 0;
        var peakIndex = 0;
        for (var i = 0; i < n; i++)
        {
            var m = Math.Sqrt((x[i] * (double)x[i]) + (y[i] * (double)y[i]) + (z[i] * (double)z[i]));
            magnitude[i] = m;
            sum += m;
            min = Math.Min(min, m);
            if (m > max)
            {
                max = m;
                peakIndex = i;
            }
        }

        var mean = sum / n;
        var std = StdDev(magnitude, mean);

        // Longest run below the free-fall threshold, and the highest magnitude in the half second after it ends.
        int longestRun = 0, run = 0, longestEnd = -1;
        var jerkMax = 0.0;
        for (var i = 0; i < n; i++)
        {
            run = magnitude[i] < FreeFallThreshold ? run + 1 : 0;
            if (run > longestRun)
            {
                longestRun = run;
                longestEnd = i;
            }

            if (i > 0)
            {
                jerkMax = Math.Max(jerkMax, Math.Abs(magnitude[i] - magnitude[i - 1]) * SampleRateHz);
            }
        }

        var impact = 0.0;
        if (longestEnd >= 0)
        {
            var until = Math.Min(n, longestEnd + 1 + (second / 2));
            for (var i = longestEnd + 1; i < until; i++)
            {
                impact = Math.Max(impact, magnitude[i]);
            }
        }

        var afterPeak = Math.Min(n, peakIndex + (second / 2));
        var postPeak = magnitude[afterPeak..];
        var postPeakStd = postPeak.Length >= 2 ? StdDev(postPeak, Mean(postPeak)) : 0.0;

        var lastSecond = magnitude[(n - second)..];
        var lastMean = Mean(lastSecond);
        var lastStd = StdDev(lastSecond, lastMean);

        destination[0] = (float)min;
        destination[1] = (float)max;
        destination[2] = (float)mean;
        destination[3] = (float)std;
        destination[4] = (float)(longestRun / SampleRateHz);
        destination[5] = (float)impact;
        destination[6] = (float)(peakIndex / SampleRateHz);
        destination[7] = (float)jerkMax;
        destination[8] = (float)postPeakStd;
        destination[9] = (float)lastStd;
        destination[10] = (float)lastMean;
        destination[11] = (float)TiltChange(x, y, z, second);
    }

    /// <summary>Angle, degrees, between the mean acceleration (gravity) direction of the first and the last second.</summary>
    private static double TiltChange(ReadOnlySpan<float> x, ReadOnlySpan<float> y, ReadOnlySpan<float> z, int second)
    {
        var n = x.Length;
        var (ax, ay, az) = MeanVector(x[..second], y[..second], z[..second]);
        var (bx, by, bz) = MeanVector(x[(n - second)..], y[(n - second)..], z[(n - second)..]);
        var normA = Math.Sqrt((ax * ax) + (ay * ay) + (az * az));
        var normB = Math.Sqrt((bx * bx) + (by * by) + (bz * bz));
        if (normA < 1e-6 || normB < 1e-6)
        {
            return 0;
        }

        var cos = Math.Clamp(((ax * bx) + (ay * by) + (az * bz)) / (normA * normB), -1, 1);
        return Math.Acos(cos) * 180 / Math.PI;
    }

    private static (double X, double Y, double Z) MeanVector(ReadOnlySpan<float> x, ReadOnlySpan<float> y, ReadOnlySpan<float> z)
    {
        double sx = 0, sy = 0, sz = 0;
        for (var i = 0; i < x.Length; i++)
        {
            sx += x[i];
            sy += y[i];
            sz += z[i];
        }

        return (sx / x.Length, sy / x.Length, sz / x.Length);
    }

    private static double Mean(ReadOnlySpan<double> values)
    {
        var sum = 0.0;
        foreach (var v in values)
        {
            sum += v;
        }

        return sum / values.Length;
    }

    private static double StdDev(ReadOnlySpan<double> values, double mean)
    {
        var sum = 0.0;
        foreach (var v in values)
        {
            sum += (v - mean) * (v - mean);
        }

        return Math.Sqrt(sum / values.Length);
    }
}

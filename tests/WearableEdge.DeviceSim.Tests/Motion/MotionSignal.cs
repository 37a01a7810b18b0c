namespace WearableEdge.DeviceSim.Tests.Motion;

/// <summary>Measurements on an accelerometer signal, g, at 50 Hz, for assertions.</summary>
internal static class MotionSignal
{
    public const int RateHz = 50;

    public static double[] Magnitudes(float[] x, float[] y, float[] z) =>
        [.. x.Select((v, i) => Math.Sqrt((v * (double)v) + (y[i] * (double)y[i]) + (z[i] * (double)z[i])))];

    public static double Max(double[] m, int from, int to) => m[from..to].Max();

    public static double Min(double[] m, int from, int to) => m[from..to].Min();

    public static double Std(double[] m, int from, int to)
    {
        var part = m[from..to];
        var mean = part.Average();
        return Math.Sqrt(part.Average(v => (v - mean) * (v - mean)));
    }

    /// <summary>Seconds of the run of samples below <paramref name="threshold"/> that ends within <paramref name="slack"/> samples before <paramref name="index"/>.</summary>
    public static double RunBelowBefore(double[] m, int index, double threshold, int slack)
    {
        var best = 0;
        for (var end = index - 1; end >= Math.Max(0, index - 1 - slack); end--)
        {
            var run = 0;
            for (var i = end; i >= 0 && m[i] < threshold; i--)
            {
                run++;
            }

            best = Math.Max(best, run);
        }

        return best / (double)RateHz;
    }

    /// <summary>Longest run below <paramref name="threshold"/>, seconds.</summary>
    public static double LongestRunBelow(double[] m, int from, int to, double threshold)
    {
        int best = 0, run = 0;
        for (var i = from; i < to; i++)
        {
            run = m[i] < threshold ? run + 1 : 0;
            best = Math.Max(best, run);
        }

        return best / (double)RateHz;
    }

    /// <summary>Angle, degrees, between the mean acceleration of the second starting at <paramref name="a"/> and the one starting at <paramref name="b"/>.</summary>
    public static double TiltDegrees(float[] x, float[] y, float[] z, int a, int b)
    {
        (double X, double Y, double Z) Mean(int s) => (x[s..(s + RateHz)].Average(), y[s..(s + RateHz)].Average(), z[s..(s + RateHz)].Average());
        var p = Mean(a);
        var q = Mean(b);
        var cos = ((p.X * q.X) + (p.Y * q.Y) + (p.Z * q.Z))
            / Math.Sqrt(((p.X * p.X) + (p.Y * p.Y) + (p.Z * p.Z)) * ((q.X * q.X) + (q.Y * q.Y) + (q.Z * q.Z)));
        return Math.Acos(Math.Clamp(cos, -1, 1)) * 180 / Math.PI;
    }

    /// <summary>The lag, in the 0.3–1 s range, where the magnitude's autocorrelation peaks, and that peak.</summary>
    public static (double PeriodSeconds, double Correlation) Periodicity(double[] m, int from, int to)
    {
        var part = m[from..to];
        var mean = part.Average();
        var variance = part.Sum(v => (v - mean) * (v - mean));
        var best = (Lag: 0, Correlation: double.MinValue);
        for (var lag = (int)(0.3 * RateHz); lag <= RateHz; lag++)
        {
            var sum = 0.0;
            for (var i = 0; i + lag < part.Length; i++)
            {
                sum += (part[i] - mean) * (part[i + lag] - mean);
            }

            var correlation = sum / variance;
            if (correlation > best.Correlation)
            {
                best = (lag, correlation);
            }
        }

        return (best.Lag / (double)RateHz, best.Correlation);
    }
}

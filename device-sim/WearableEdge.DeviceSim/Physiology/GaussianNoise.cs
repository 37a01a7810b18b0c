namespace WearableEdge.DeviceSim.Physiology;

/// <summary>Normally distributed draws from a seeded <see cref="Random"/>.</summary>
internal static class GaussianNoise
{
    /// <summary>A draw from N(0, <paramref name="standardDeviation"/>²), by the Box–Muller transform.</summary>
    public static double Next(Random random, double standardDeviation)
    {
        // 1 − u keeps the logarithm's argument in (0, 1].
        var u1 = 1.0 - random.NextDouble();
        var u2 = random.NextDouble();
        return standardDeviation * Math.Sqrt(-2.0 * Math.Log(u1)) * Math.Cos(2.0 * Math.PI * u2);
    }

    /// <summary>A draw uniform in [<paramref name="min"/>, <paramref name="max"/>).</summary>
    public static double Uniform(Random random, double min, double max) => min + (random.NextDouble() * (max - min));
}

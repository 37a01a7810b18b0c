using WearableEdge.Clinical.Features.Motion;

namespace WearableEdge.Clinical.Tests.Features.Motion;

public sealed class FallFeaturesTests
{
    private static readonly int N = FallFeatures.WindowSamples;

    private static float Feature(float[] values, string name) =>
        values[FallFeatures.Features.ToList().FindIndex(f => f.Name == name)];

    private static float[] Compute(float[] x, float[] y, float[] z)
    {
        var values = new float[FallFeatures.Features.Count];
        FallFeatures.Compute(x, y, z, values);
        return values;
    }

    [Fact]
    public void A_still_device_reads_one_g_no_free_fall_and_no_tilt()
    {
        var x = new float[N];
        var y = new float[N];
        var z = Enumerable.Repeat(1f, N).ToArray();

        var values = Compute(x, y, z);

        Assert.Equal(1, Feature(values, "accel_min"), 5);
        Assert.Equal(1, Feature(values, "accel_max"), 5);
        Assert.Equal(0, Feature(values, "accel_std"), 5);
        Assert.Equal(0, Feature(values, "freefall_duration"));
        Assert.Equal(0, Feature(values, "impact_after_freefall"));
        Assert.Equal(0, Feature(values, "tilt_change"), 3);
    }

    [Fact]
    public void A_fall_shows_free_fall_then_impact_then_stillness_on_the_side()
    {
        // 1 s upright (gravity on z), 0.4 s free fall (0.1 g), a 6 g impact sample, then lying on the side (gravity on x).
        var x = new float[N];
        var y = new float[N];
        var z = new float[N];
        const int freeFallStart = 50, freeFallEnd = 70, impact = 70;
        for (var i = 0; i < N; i++)
        {
            if (i < freeFallStart)
            {
                z[i] = 1f;
            }
            else if (i < freeFallEnd)
            {
                z[i] = 0.1f;
            }
            else if (i == impact)
            {
                x[i] = 6f;
            }
            else
            {
                x[i] = 1f;
            }
        }

        var values = Compute(x, y, z);

        Assert.Equal(0.1, Feature(values, "accel_min"), 4);
        Assert.Equal(6, Feature(values, "accel_max"), 4);
        Assert.Equal(20 / FallFeatures.SampleRateHz, Feature(values, "freefall_duration"), 4);
        Assert.Equal(6, Feature(values, "impact_after_freefall"), 4);
        Assert.Equal(impact / FallFeatures.SampleRateHz, Feature(values, "peak_time"), 4);
        Assert.Equal(0, Feature(values, "last_second_std"), 4);
        Assert.Equal(1, Feature(values, "last_second_mean"), 4);
        Assert.Equal(90, Feature(values, "tilt_change"), 2);
        // The sharpest step is from free fall (0.1 g) to the impact (6 g) in one sample.
        Assert.Equal(5.9 * FallFeatures.SampleRateHz, Feature(values, "jerk_max"), 2);
    }

    [Fact]
    public void Mismatched_axes_short_windows_and_wrong_destinations_are_refused()
    {
        var full = new float[N];
        Assert.Throws<ArgumentException>(() => FallFeatures.Compute(full, new float[N - 1], full, new float[FallFeatures.Features.Count]));
        Assert.Throws<ArgumentException>(() => FallFeatures.Compute(new float[10], new float[10], new float[10], new float[FallFeatures.Features.Count]));
        Assert.Throws<ArgumentException>(() => FallFeatures.Compute(full, full, full, new float[2]));
    }
}

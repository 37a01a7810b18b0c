using WearableEdge.Clinical.Features.Motion;
using WearableEdge.EdgeService.Scoring;

namespace WearableEdge.EdgeService.Tests.Scoring;

public sealed class FallWindowSchedulerTests
{
    private static readonly DateTimeOffset T0 = new(2026, 1, 1, 8, 0, 0, TimeSpan.Zero);

    /// <summary>Still, upright: 1 g on z, with a sample counter in x so windows can be told apart.</summary>
    private static (float[] X, float[] Y, float[] Z) Batch(int samples, int firstIndex = 0) =>
        ([.. Enumerable.Range(firstIndex, samples).Select(i => i * 1e-4f)], new float[samples], [.. Enumerable.Repeat(1f, samples)]);

    private static List<FallWindow> Feed(FallWindowScheduler scheduler, DateTimeOffset start, int samples, int firstIndex = 0)
    {
        var due = new List<FallWindow>();
        var (x, y, z) = Batch(samples, firstIndex);
        Assert.True(scheduler.Add(start, 50, x, y, z, due));
        return due;
    }

    [Fact]
    public void Add_HalfSecondBatches_FirstWindowAfterFourSecondsThenEveryHalfSecond()
    {
        var scheduler = new FallWindowScheduler();
        var counts = new List<int>();
        var windows = new List<FallWindow>();
        for (var b = 0; b < 12; b++)
        {
            var due = Feed(scheduler, T0.AddSeconds(b * 0.5), 25, b * 25);
            counts.Add(due.Count);
            windows.AddRange(due);
        }

        Assert.Equal([0, 0, 0, 0, 0, 0, 0, 1, 1, 1, 1, 1], counts);
        Assert.Equal([.. Enumerable.Range(0, 5).Select(k => T0.AddSeconds(4 + (k * 0.5)))], windows.Select(w => w.End));
        Assert.All(windows, w => Assert.Equal(FallFeatures.Window, w.End - w.Start));
        Assert.All(windows, w => Assert.Equal(FallFeatures.Features.Count, w.Features.Length));
    }

    [Fact]
    public void Add_OneSecondBatch_MakesTwoWindowsDue()
    {
        var scheduler = new FallWindowScheduler();
        Assert.Single(Feed(scheduler, T0, 100, 0).Concat(Feed(scheduler, T0.AddSeconds(2), 100, 100)));

        var due = Feed(scheduler, T0.AddSeconds(4), 50, 200);

        Assert.Equal([T0.AddSeconds(4.5), T0.AddSeconds(5)], due.Select(w => w.End));
    }

    [Fact]
    public void Add_WindowFeatures_EqualClinicalComputeOverSameSamples()
    {
        var scheduler = new FallWindowScheduler();
        var due = new List<FallWindow>();
        for (var b = 0; b < 9; b++)
        {
            due.AddRange(Feed(scheduler, T0.AddSeconds(b * 0.5), 25, b * 25));
        }

        var last = due[^1];
        var (x, y, z) = Batch(200, 25);
        var expected = new float[FallFeatures.Features.Count];
        FallFeatures.Compute(x, y, z, expected);
        Assert.Equal(expected, last.Features);
    }

    [Fact]
    public void Add_Gap_RestartsTheBuffer()
    {
        var scheduler = new FallWindowScheduler();
        Assert.Single(Feed(scheduler, T0, 100).Concat(Feed(scheduler, T0.AddSeconds(2), 100)));

        var afterGap = Feed(scheduler, T0.AddSeconds(10), 100);

        Assert.Empty(afterGap);
        Assert.Equal(1, scheduler.Gaps);
        Assert.Equal([T0.AddSeconds(14)], Feed(scheduler, T0.AddSeconds(12), 100).Select(w => w.End).Take(1));
    }

    [Fact]
    public void Add_ResentBatch_IsSkippedAsOverlap()
    {
        var scheduler = new FallWindowScheduler();
        Feed(scheduler, T0, 100);
        Feed(scheduler, T0.AddSeconds(2), 100);

        var again = Feed(scheduler, T0.AddSeconds(2), 100);

        Assert.Empty(again);
        Assert.Equal(100, scheduler.OverlappingSamples);
    }

    [Fact]
    public void Add_OtherSampleRate_IsRefused()
    {
        var scheduler = new FallWindowScheduler();
        var due = new List<FallWindow>();

        Assert.False(scheduler.Add(T0, 25, new float[25], new float[25], new float[25], due));
        Assert.Empty(due);
    }
}

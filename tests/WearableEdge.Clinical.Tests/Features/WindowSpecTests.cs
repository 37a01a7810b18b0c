using WearableEdge.Clinical.Features;

namespace WearableEdge.Clinical.Tests.Features;

public sealed class WindowSpecTests
{
    [Fact]
    public void Default_SixtySecondWindowFiveSecondHopFiveSecondLatenessOneHertz()
    {
        var spec = WindowSpec.Default;

        Assert.Equal(TimeSpan.FromSeconds(60), spec.Length);
        Assert.Equal(TimeSpan.FromSeconds(5), spec.Hop);
        Assert.Equal(TimeSpan.FromSeconds(5), spec.AllowedLateness);
        Assert.Equal(TimeSpan.FromSeconds(1), spec.SampleInterval);
        Assert.Equal(60, spec.ExpectedSamples);
    }

    [Theory]
    [InlineData(0, 5)]
    [InlineData(0.001, 5)]
    [InlineData(4.999, 5)]
    [InlineData(5, 10)]
    [InlineData(-0.5, 0)]
    public void FirstEndAfter_Time_NextHopMultiple(double secondsAfterT0, double expectedSecondsAfterT0)
    {
        var end = WindowSpec.Default.FirstEndAfter(TestSamples.T0.AddSeconds(secondsAfterT0));

        Assert.Equal(TestSamples.T0.AddSeconds(expectedSecondsAfterT0), end);
    }

    [Fact]
    public void FirstEndAfter_NonUtcOffset_AlignedInUtc()
    {
        var local = new DateTimeOffset(2025, 3, 1, 9, 30, 2, TimeSpan.FromHours(1.5));

        var end = WindowSpec.Default.FirstEndAfter(local);

        Assert.Equal(local.AddSeconds(3), end);
        Assert.Equal(0, (end - DateTimeOffset.UnixEpoch).Ticks % TimeSpan.FromSeconds(5).Ticks);
    }

    [Fact]
    public void Constructor_InvalidShape_Throws()
    {
        var s = TimeSpan.FromSeconds(1);
        Assert.Throws<ArgumentOutOfRangeException>(() => new WindowSpec(60 * s, TimeSpan.Zero, 5 * s, s));
        Assert.Throws<ArgumentOutOfRangeException>(() => new WindowSpec(4 * s, 5 * s, 5 * s, s));
        Assert.Throws<ArgumentOutOfRangeException>(() => new WindowSpec(60 * s, 5 * s, -s, s));
        Assert.Throws<ArgumentOutOfRangeException>(() => new WindowSpec(60 * s, 5 * s, 5 * s, TimeSpan.Zero));
        Assert.Throws<ArgumentOutOfRangeException>(() => new WindowSpec(60 * s, 5 * s, 5 * s, 61 * s));
    }
}

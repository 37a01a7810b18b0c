using WearableEdge.DeviceSim.Motion;
using WearableEdge.Training.Falls;

namespace WearableEdge.Training.Tests.Falls;

public sealed class FallWindowsTests
{
    /// <summary>20 s of a device lying still (1 g on z) with a labelled fall whose impact is at 10 s.</summary>
    internal static MotionRecording StillRecording(double impactSeconds = 10, double seconds = 20)
    {
        var n = (int)(seconds * 50);
        return new MotionRecording(
            50, new float[n], new float[n], Enumerable.Repeat(1f, n).ToArray(),
            [
                new MotionEpisode(MotionActivity.Resting, TimeSpan.Zero, TimeSpan.FromSeconds(impactSeconds - 1)),
                new MotionEpisode(MotionActivity.Fall, TimeSpan.FromSeconds(impactSeconds - 1), TimeSpan.FromSeconds(seconds)) { Impact = TimeSpan.FromSeconds(impactSeconds) },
            ]);
    }

    [Fact]
    public void From_ImpactAtTenSeconds_WindowsStartingSevenToTenSecondsArePositive_SixPointFiveIsAmbiguous()
    {
        var windows = FallWindows.From(StillRecording());
        Assert.Equal(33, windows.Count); // (20 s − 4 s) / 0.5 s + 1
        var positiveStarts = Enumerable.Range(0, windows.Count).Where(w => windows.Positive[w]).Select(w => windows.Start(w).TotalSeconds).ToArray();
        Assert.Equal([7, 7.5, 8, 8.5, 9, 9.5, 10], positiveStarts); // impact 10 s ≥ start and ≤ end − 1 s
        var ambiguousStarts = Enumerable.Range(0, windows.Count).Where(w => windows.Ambiguous[w]).Select(w => windows.Start(w).TotalSeconds).ToArray();
        Assert.Equal([6.5], ambiguousStarts); // impact 0.5 s before the end
    }

    [Fact]
    public void From_StillDevice_FeaturesComeFromTheClinicalCode()
    {
        var windows = FallWindows.From(StillRecording());
        var expected = new float[WearableEdge.Clinical.Features.Motion.FallFeatures.Features.Count];
        var r = windows.Recording;
        WearableEdge.Clinical.Features.Motion.FallFeatures.Compute(r.X.AsSpan(100, 200), r.Y.AsSpan(100, 200), r.Z.AsSpan(100, 200), expected);
        Assert.Equal(expected, windows.Row(4).ToArray());
    }
}

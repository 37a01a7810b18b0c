using WearableEdge.DeviceSim.Motion;

namespace WearableEdge.DeviceSim.Tests.Motion;

/// <summary>
/// The motion library's recordings must look like the published physics of falls and of the
/// everyday events that resemble them. Every recording here is seeded, so each assertion is
/// deterministic; the thresholds are those the brief and the fall-detection literature name
/// (free fall below 0.6 g, impact of several g, stillness after).
/// </summary>
public sealed class MotionLibraryTests
{
    private static readonly MotionMix Mix = new(FallsPerHour: 6, HardNegativesPerHour: 20);

    /// <summary>Four 2 h recordings (48 falls, 160 hard negatives), generated once for the class.</summary>
    private static readonly Lazy<IReadOnlyList<(MotionRecording Recording, double[] Magnitude)>> Recordings = new(() =>
        [.. Enumerable.Range(1, 4).Select(seed =>
        {
            var recording = MotionLibrary.Generate(seed, TimeSpan.FromHours(2), Mix);
            return (recording, MotionSignal.Magnitudes(recording.X, recording.Y, recording.Z));
        })]);

    private static IEnumerable<(MotionRecording Recording, double[] Magnitude, MotionEpisode Episode)> Episodes(MotionActivity activity) =>
        Recordings.Value.SelectMany(r => r.Recording.Episodes.Where(e => e.Activity == activity).Select(e => (r.Recording, r.Magnitude, e)));

    private static int Index(TimeSpan offset) => MotionLibrary.SampleIndex(offset);

    [Fact]
    public void Generate_SameSeed_SameSamplesAndEpisodes()
    {
        var first = MotionLibrary.Generate(7, TimeSpan.FromMinutes(20), Mix);
        var second = MotionLibrary.Generate(7, TimeSpan.FromMinutes(20), Mix);
        var other = MotionLibrary.Generate(8, TimeSpan.FromMinutes(20), Mix);

        Assert.Equal(first.X, second.X);
        Assert.Equal(first.Y, second.Y);
        Assert.Equal(first.Z, second.Z);
        Assert.Equal(first.Episodes, second.Episodes);
        Assert.NotEqual(first.X, other.X);
    }

    [Fact]
    public void Generate_Episodes_CoverTheRecordingInOrderWithImpactsInside()
    {
        foreach (var (recording, _) in Recordings.Value)
        {
            Assert.Equal(50, recording.SampleRateHz);
            Assert.Equal(2 * 3600 * 50, recording.X.Length);
            Assert.Equal(recording.X.Length, recording.Y.Length);
            Assert.Equal(recording.X.Length, recording.Z.Length);
            Assert.Equal(TimeSpan.Zero, recording.Episodes[0].Start);
            Assert.Equal(TimeSpan.FromHours(2), recording.Episodes[^1].End);
            Assert.All(recording.Episodes.Zip(recording.Episodes.Skip(1)), p => Assert.Equal(p.First.End, p.Second.Start));
            Assert.All(recording.Episodes, e =>
            {
                Assert.True(e.End > e.Start, $"{e} is empty");
                Assert.Equal(e.Activity is MotionActivity.Fall or MotionActivity.DeviceDropped, e.Impact is not null);
                if (e.Impact is { } impact)
                {
                    Assert.InRange(impact, e.Start, e.End - TimeSpan.FromTicks(1));
                }
            });
            Assert.All(recording.X.Concat(recording.Y).Concat(recording.Z), v => Assert.InRange(v, -16f, 16f));
        }
    }

    [Fact]
    public void Generate_Falls_FreeFallBelow06gThenImpactOfSeveralGThenStillness()
    {
        var falls = Episodes(MotionActivity.Fall).ToList();

        Assert.Equal(48, falls.Count);
        Assert.All(falls, f =>
        {
            var (recording, m, episode) = f;
            var impact = Index(episode.Impact!.Value);
            var freeFall = MotionSignal.RunBelowBefore(m, impact, 0.6, slack: 2);
            var peak = MotionSignal.Max(m, impact - 2, impact + 3);
            var stillAfter = MotionSignal.Std(m, impact + (2 * 50), impact + (10 * 50));
            var tilt = MotionSignal.TiltDegrees(recording.X, recording.Y, recording.Z, Index(episode.Start), impact + (2 * 50));

            Assert.True(freeFall >= 0.25, $"{episode}: {freeFall:F2} s below 0.6 g before impact");
            Assert.True(peak >= 2.5, $"{episode}: impact peak {peak:F2} g");
            Assert.True(stillAfter < 0.05, $"{episode}: |a| std {stillAfter:F3} g from 2 to 10 s after impact");
            Assert.True(episode.End - episode.Impact!.Value >= TimeSpan.FromSeconds(10), $"{episode}: down less than 10 s");
            Assert.True(tilt >= 0 && double.IsFinite(tilt));
        });

        // Falls change the body's orientation: most land lying, far from the orientation they started in.
        var tilts = falls.Select(f => MotionSignal.TiltDegrees(f.Recording.X, f.Recording.Y, f.Recording.Z, Index(f.Episode.Start), Index(f.Episode.Impact!.Value) + 100)).ToList();
        Assert.True(tilts.Count(t => t > 45) >= falls.Count * 0.8, $"tilts: {string.Join(", ", tilts.Select(t => t.ToString("F0", System.Globalization.CultureInfo.InvariantCulture)))}");
    }

    [Fact]
    public void Generate_TwoHoursAt20PerHour_40HardNegativesOfEveryKind()
    {
        foreach (var (recording, _) in Recordings.Value)
        {
            var negatives = recording.Episodes.Where(e => MotionLibrary.HardNegatives.Contains(e.Activity)).ToList();

            Assert.Equal(40, negatives.Count);
            Assert.Equal(12, recording.Episodes.Count(e => e.Activity == MotionActivity.Fall));
            Assert.All(MotionLibrary.HardNegatives, kind => Assert.InRange(negatives.Count(e => e.Activity == kind), 7, 9));
            Assert.Contains(recording.Episodes, e => e.Activity == MotionActivity.Walking);
            Assert.Contains(recording.Episodes, e => e.Activity == MotionActivity.Resting);
        }

        Assert.Contains(Recordings.Value, r => r.Recording.Episodes.Any(e => e.Activity == MotionActivity.Running));
        Assert.Contains(Recordings.Value, r => r.Recording.Episodes.Any(e => e.Activity == MotionActivity.Stairs));
    }

    [Fact]
    public void Generate_NoEventsAsked_OnlyEverydayActivity()
    {
        var recording = MotionLibrary.Generate(3, TimeSpan.FromMinutes(30), new MotionMix(0, 0));

        Assert.All(recording.Episodes, e => Assert.Contains(e.Activity, new[] { MotionActivity.Resting, MotionActivity.Walking, MotionActivity.Stairs, MotionActivity.Running }));
    }

    [Fact]
    public void Generate_DeviceDropped_NearZeroGFallHardImpactThenStillNoiseOnly()
    {
        var drops = Episodes(MotionActivity.DeviceDropped).ToList();

        Assert.NotEmpty(drops);
        Assert.All(drops, d =>
        {
            var (_, m, episode) = d;
            var impact = Index(episode.Impact!.Value);
            var freeFall = MotionSignal.RunBelowBefore(m, impact, 0.2, slack: 0);
            var still = MotionSignal.Std(m, impact + (2 * 50), Index(episode.End));

            Assert.True(freeFall >= 0.25, $"{episode}: {freeFall:F2} s below 0.2 g before impact");
            Assert.True(m[impact] >= 8, $"{episode}: impact {m[impact]:F1} g");
            Assert.True(still < 0.02, $"{episode}: |a| std {still:F4} g after the drop");
        });
    }

    [Fact]
    public void Generate_HardNegatives_LookLikeTheirPhysics()
    {
        Assert.All(Episodes(MotionActivity.SittingDownHard), e =>
        {
            var (recording, m, episode) = e;
            int start = Index(episode.Start), end = Index(episode.End);
            Assert.InRange(MotionSignal.Max(m, start, end), 1.4, 3.2);
            Assert.InRange(MotionSignal.TiltDegrees(recording.X, recording.Y, recording.Z, start, end - 50), 0, 40);
        });
        Assert.All(Episodes(MotionActivity.LyingDown), e =>
        {
            var (recording, m, episode) = e;
            int start = Index(episode.Start), end = Index(episode.End);
            Assert.InRange(MotionSignal.Max(m, start, end), 1.0, 1.3);
            Assert.InRange(MotionSignal.Min(m, start, end), 0.8, 1.0);
            Assert.InRange(MotionSignal.TiltDegrees(recording.X, recording.Y, recording.Z, start, end - 50), 55, 105);
        });
        Assert.All(Episodes(MotionActivity.Jumping), e =>
        {
            var (recording, m, episode) = e;
            int start = Index(episode.Start), end = Index(episode.End);
            Assert.True(MotionSignal.LongestRunBelow(m, start, end, 0.6) >= 0.15, $"{episode}: no flight");
            Assert.True(MotionSignal.Max(m, start, end) >= 2.5, $"{episode}: no landing");
            Assert.InRange(MotionSignal.TiltDegrees(recording.X, recording.Y, recording.Z, start, end - 50), 0, 45);
        });
        Assert.All(Episodes(MotionActivity.DeviceRemoved), e =>
        {
            var (_, m, episode) = e;
            int start = Index(episode.Start), end = Index(episode.End);
            Assert.InRange(MotionSignal.Max(m, start, end), 1.0, 1.6);
            Assert.True(MotionSignal.Std(m, end - (5 * 50), end) < 0.02, $"{episode}: not still on the table");
        });
        Assert.All(Episodes(MotionActivity.Running).Where(e => e.Episode.End - e.Episode.Start > TimeSpan.FromSeconds(10)), e =>
        {
            var (_, m, episode) = e;
            int start = Index(episode.Start), end = Index(episode.End);
            Assert.InRange(MotionSignal.Max(m, start, end), 2.2, 5);
            // The magnitude repeats every step (2.4–3.1 Hz), or every stride (two steps) when the wrist's arm swing dominates.
            var period = MotionSignal.Periodicity(m, start + 50, end - 50).PeriodSeconds;
            Assert.True(period is >= 0.3 and <= 0.45 or >= 0.6 and <= 0.9, $"{episode}: period {period:F2} s");
        });
    }

    [Fact]
    public void Generate_Walking_StepPeriodOf1point6To2point1Hz()
    {
        var walks = Episodes(MotionActivity.Walking).Where(e => e.Episode.End - e.Episode.Start >= TimeSpan.FromSeconds(12)).ToList();

        Assert.True(walks.Count >= 20, $"{walks.Count} walks");
        Assert.All(walks, w =>
        {
            var (_, m, episode) = w;
            var start = Index(episode.Start) + 50;
            var (period, correlation) = MotionSignal.Periodicity(m, start, start + (10 * 50));

            Assert.InRange(1 / period, 1.55, 2.2);
            Assert.True(correlation > 0.4, $"{episode}: autocorrelation {correlation:F2} at {period:F2} s");
            Assert.InRange(MotionSignal.Max(m, start, start + (10 * 50)), 1.15, 2.0);
        });
    }

    [Theory]
    [InlineData(-1.0, 0.0)]
    [InlineData(0.0, double.NaN)]
    [InlineData(double.PositiveInfinity, 0.0)]
    public void Generate_BadRate_Throws(double fallsPerHour, double hardNegativesPerHour)
    {
        Assert.Throws<ArgumentOutOfRangeException>(() => MotionLibrary.Generate(1, TimeSpan.FromMinutes(1), new MotionMix(fallsPerHour, hardNegativesPerHour)));
    }

    [Fact]
    public void Generate_ZeroLength_Throws()
    {
        Assert.Throws<ArgumentOutOfRangeException>(() => MotionLibrary.Generate(1, TimeSpan.Zero, new MotionMix(0, 0)));
    }
}

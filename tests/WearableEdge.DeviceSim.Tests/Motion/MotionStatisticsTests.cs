using System.Globalization;
using System.Text;
using WearableEdge.DeviceSim.Motion;

namespace WearableEdge.DeviceSim.Tests.Motion;

/// <summary>
/// Measures every kind of episode over 40 h of motion (20 seeds × 2 h, 5 falls and 25 hard
/// negatives an hour: about 200 events of each kind), prints the table that
/// device-sim/README.md quotes, and holds the library to the ranges documented there.
/// </summary>
public sealed class MotionStatisticsTests
{
    private const int Hz = MotionSignal.RateHz;

    [Fact]
    public void Generate_20SeedsOf2Hours_EveryActivityWithinItsDocumentedRanges()
    {
        var rows = new Dictionary<MotionActivity, List<Row>>();
        for (var seed = 1; seed <= 20; seed++)
        {
            var recording = MotionLibrary.Generate(seed, TimeSpan.FromHours(2), new MotionMix(5, 25));
            var m = MotionSignal.Magnitudes(recording.X, recording.Y, recording.Z);
            foreach (var episode in recording.Episodes)
            {
                int start = MotionLibrary.SampleIndex(episode.Start), end = MotionLibrary.SampleIndex(episode.End);
                if (end - start < 2 * Hz)
                {
                    continue;
                }

                double? impactPeak = null, freeFall = null, stillAfter = null;
                if (episode.Impact is { } at)
                {
                    var impact = MotionLibrary.SampleIndex(at);
                    impactPeak = m[impact];
                    freeFall = MotionSignal.RunBelowBefore(m, impact, 0.6, slack: 0);
                    stillAfter = MotionSignal.Std(m, impact + (2 * Hz), Math.Min(end, impact + (10 * Hz)));
                }

                var row = new Row(
                    MotionSignal.Max(m, start, end),
                    MotionSignal.Min(m, start, end),
                    MotionSignal.LongestRunBelow(m, start, end, 0.6),
                    MotionSignal.TiltDegrees(recording.X, recording.Y, recording.Z, start, end - Hz),
                    impactPeak,
                    freeFall,
                    stillAfter,
                    (end - start) / (double)Hz);
                if (!rows.TryGetValue(episode.Activity, out var list))
                {
                    rows[episode.Activity] = list = [];
                }

                list.Add(row);
            }
        }

        TestContext.Current.TestOutputHelper?.WriteLine(Table(rows));

        Assert.InRange(rows[MotionActivity.Fall].Count, 190, 200);
        Assert.All(rows[MotionActivity.Fall], r =>
        {
            Assert.InRange(r.ImpactPeak!.Value, 3, 9.1);
            Assert.InRange(r.FreeFallBeforeImpact!.Value, 0.3, 0.6);
            Assert.InRange(r.MinG, 0.02, 0.5);
            Assert.True(r.StillAfter < 0.02);
        });
        Assert.True(rows[MotionActivity.Fall].Count(r => r.TiltDegrees > 45) >= 0.9 * rows[MotionActivity.Fall].Count);
        Assert.All(rows[MotionActivity.DeviceDropped], r =>
        {
            Assert.InRange(r.ImpactPeak!.Value, 8, 16 * Math.Sqrt(3));
            Assert.InRange(r.MinG, 0, 0.2);
            Assert.InRange(r.FreeFallBeforeImpact!.Value, 0.3, 0.6);
            Assert.True(r.StillAfter < 0.02);
        });
        Assert.All(rows[MotionActivity.SittingDownHard], r => Assert.InRange(r.PeakG, 1.4, 3.1));
        Assert.All(rows[MotionActivity.LyingDown], r =>
        {
            Assert.InRange(r.PeakG, 1, 1.3);
            Assert.InRange(r.MinG, 0.8, 1);
            Assert.InRange(r.TiltDegrees, 55, 105);
        });
        Assert.All(rows[MotionActivity.Jumping], r =>
        {
            Assert.InRange(r.PeakG, 2.5, 7.5);
            Assert.InRange(r.LongestUnder06, 0.15, 0.5);
        });
        Assert.All(rows[MotionActivity.DeviceRemoved], r => Assert.InRange(r.PeakG, 1, 1.6));
        Assert.All(rows[MotionActivity.Running], r => Assert.InRange(r.PeakG, 2.2, 5));
        Assert.All(rows[MotionActivity.Stairs], r => Assert.InRange(r.PeakG, 1.1, 3));
        Assert.All(rows[MotionActivity.Walking], r => Assert.InRange(r.PeakG, 1.1, 2));
        Assert.All(rows[MotionActivity.Resting], r =>
        {
            Assert.InRange(r.PeakG, 1, 1.6);
            Assert.Equal(0, r.LongestUnder06);
        });
    }

    private static string Table(Dictionary<MotionActivity, List<Row>> rows)
    {
        var text = new StringBuilder();
        text.AppendLine("| activity | n | peak g | min g | longest < 0.6 g, s | tilt first→last s, ° | peak at Impact, g | under 0.6 g before Impact, s | std of magnitude 2–10 s after Impact, g | length, s |");
        text.AppendLine("|---|---|---|---|---|---|---|---|---|---|");
        foreach (var (activity, list) in rows.OrderBy(p => p.Key))
        {
            text.Append(CultureInfo.InvariantCulture, $"| {activity} | {list.Count} ");
            foreach (var column in new Func<Row, double?>[] { r => r.PeakG, r => r.MinG, r => r.LongestUnder06, r => r.TiltDegrees, r => r.ImpactPeak, r => r.FreeFallBeforeImpact, r => r.StillAfter, r => r.Seconds })
            {
                var values = list.Select(column).OfType<double>().Order().ToArray();
                text.Append(values.Length == 0
                    ? "| – "
                    : string.Create(CultureInfo.InvariantCulture, $"| {values[(int)(values.Length * 0.05)]:0.###}–{values[(int)(values.Length * 0.95)]:0.###} ({values[0]:0.###}–{values[^1]:0.###}) "));
            }

            text.AppendLine("|");
        }

        return text.ToString();
    }

    private sealed record Row(
        double PeakG, double MinG, double LongestUnder06, double TiltDegrees, double? ImpactPeak, double? FreeFallBeforeImpact, double? StillAfter, double Seconds);
}

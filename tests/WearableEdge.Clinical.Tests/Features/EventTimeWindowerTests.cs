using WearableEdge.Clinical.Features;
using WearableEdge.Clinical.Samples;

namespace WearableEdge.Clinical.Tests.Features;

public sealed class EventTimeWindowerTests
{
    private static readonly TimeSpan Hop = WindowSpec.Default.Hop;

    private static EventTimeWindower NewWindower() => new(TestSamples.PatientId, WindowSpec.Default);

    /// <summary>Offers every sample; returns the windows closed, in order, and asserts each sample was accepted.</summary>
    private static List<FeatureVector> FeedAccepted(EventTimeWindower windower, IEnumerable<WearableSample> samples)
    {
        var closed = new List<FeatureVector>();
        foreach (var sample in samples)
        {
            var result = windower.Add(sample);
            Assert.Equal(SampleDisposition.Accepted, result.Disposition);
            closed.AddRange(result.ClosedWindows);
        }

        return closed;
    }

    private static List<FeatureVector> RunAccepted(IEnumerable<WearableSample> samples) =>
        FeedAccepted(NewWindower(), samples);

    /// <summary>
    /// Shuffles so that no sample moves more than <paramref name="maxDisplacementSeconds"/> from
    /// its place in time: each sample is keyed by its time plus a jitter in [0, max).
    /// </summary>
    private static List<WearableSample> ShuffleWithin(List<WearableSample> samples, double maxDisplacementSeconds, int seed)
    {
        var random = new Random(seed);
        return samples
            .Select(s => (Key: s.DeviceTime.AddSeconds(random.NextDouble() * maxDisplacementSeconds), Sample: s))
            .OrderBy(x => x.Key)
            .Select(x => x.Sample)
            .ToList();
    }

    private static DateTimeOffset At(double seconds) => TestSamples.T0.AddSeconds(seconds);

    [Fact]
    public void Add_WatermarkNotPastWindowEnd_WindowStaysOpen()
    {
        var windower = NewWindower();

        var closed = FeedAccepted(windower, TestSamples.VaryingStream(0, 65));

        // Newest 64 s → watermark 59 s: the window [0, 60) must still be open.
        Assert.DoesNotContain(closed, w => w.WindowEnd >= At(60));
        Assert.Equal(At(55), closed[^1].WindowEnd);
    }

    [Fact]
    public void Add_WatermarkReachesWindowEnd_WindowCloses()
    {
        var windower = NewWindower();
        FeedAccepted(windower, TestSamples.VaryingStream(0, 65));

        var result = windower.Add(TestSamples.Varying(65));

        var window = Assert.Single(result.ClosedWindows);
        Assert.Equal(At(0), window.WindowStart);
        Assert.Equal(At(60), window.WindowEnd);
        Assert.Equal(60, window.SampleCount);
        Assert.Equal(1.0, window.Coverage);
    }

    [Fact]
    public void Add_ClosedWindow_SameFeaturesAsFeatureExtractorOverItsSpan()
    {
        var stream = TestSamples.VaryingStream(0, 70);

        var window = RunAccepted(stream).Single(w => w.WindowEnd == At(60));

        var direct = FeatureExtractor.Compute(
            TestSamples.PatientId, At(0), At(60), stream, WindowSpec.Default.SampleInterval);
        FeatureVectorAssert.Equal(direct, window);
    }

    [Fact]
    public void Add_UnalignedStream_WindowEndsOnHopMultiplesSixtySecondsLong()
    {
        var closed = RunAccepted(TestSamples.VaryingStream(2.3, 300.3, 0.7));

        Assert.NotEmpty(closed);
        Assert.All(closed, w =>
        {
            Assert.Equal(0, (w.WindowEnd - DateTimeOffset.UnixEpoch).Ticks % Hop.Ticks);
            Assert.Equal(WindowSpec.Default.Length, w.WindowEnd - w.WindowStart);
            Assert.True(w.SampleCount > 0);
        });
        Assert.All(closed.Zip(closed.Skip(1)), pair => Assert.Equal(Hop, pair.Second.WindowEnd - pair.First.WindowEnd));
    }

    [Fact]
    public void Add_SameDeviceTimeTwice_Duplicate()
    {
        var windower = NewWindower();
        FeedAccepted(windower, TestSamples.VaryingStream(0, 20));
        var buffered = windower.BufferedCount;

        var result = windower.Add(TestSamples.AtSecond(10, new VitalSigns(HeartRate: 180)));

        Assert.Equal(SampleDisposition.Duplicate, result.Disposition);
        Assert.Empty(result.ClosedWindows);
        Assert.Equal(buffered, windower.BufferedCount);
    }

    [Fact]
    public void Add_DuplicateValue_NotMergedIntoWindow()
    {
        var windower = NewWindower();
        FeedAccepted(windower, TestSamples.VaryingStream(0, 30));
        windower.Add(TestSamples.AtSecond(10, new VitalSigns(HeartRate: 180)));

        var closed = FeedAccepted(windower, TestSamples.VaryingStream(30, 70));

        var window = closed.Single(w => w.WindowEnd == At(60));
        Assert.Equal(60, window.SampleCount);
        Assert.True(window.Get(VitalSign.HeartRate)!.Max < 180);
    }

    [Fact]
    public void Add_OlderThanOldestOpenWindow_TooLate()
    {
        var windower = NewWindower();
        // Newest 125 s → watermark 120 s: windows up to end 120 s closed; oldest open is [65, 125).
        FeedAccepted(windower, TestSamples.VaryingStream(0, 126));
        var buffered = windower.BufferedCount;

        var result = windower.Add(TestSamples.AtSecond(64.5, new VitalSigns(HeartRate: 180)));

        Assert.Equal(SampleDisposition.TooLate, result.Disposition);
        Assert.Empty(result.ClosedWindows);
        Assert.Equal(buffered, windower.BufferedCount);
    }

    [Fact]
    public void Add_LateButInsideOldestOpenWindow_AcceptedIntoOpenWindows()
    {
        var windower = NewWindower();
        FeedAccepted(windower, TestSamples.VaryingStream(0, 126));

        var late = windower.Add(TestSamples.AtSecond(65.5, new VitalSigns(HeartRate: 180)));
        var closed = FeedAccepted(windower, TestSamples.VaryingStream(126, 131));

        Assert.Equal(SampleDisposition.Accepted, late.Disposition);
        var window = Assert.Single(closed);
        Assert.Equal(At(125), window.WindowEnd);
        Assert.Equal(61, window.SampleCount);
        Assert.Equal(180, window.Get(VitalSign.HeartRate)!.Max);
    }

    [Theory]
    [InlineData(1)]
    [InlineData(2)]
    [InlineData(3)]
    [InlineData(42)]
    [InlineData(1234)]
    public void Add_ShuffledWithinLateness_SameWindowsAsInOrder(int seed)
    {
        var inOrder = TestSamples.VaryingStream(0, 600);
        var shuffled = ShuffleWithin(inOrder, maxDisplacementSeconds: 4, seed);
        Assert.NotEqual(inOrder.Select(s => s.DeviceTime), shuffled.Select(s => s.DeviceTime));

        var expected = RunAccepted(inOrder);
        var actual = RunAccepted(shuffled);

        Assert.Equal(118, expected.Count);
        FeatureVectorAssert.Equal(expected, actual);
    }

    // The first sample to arrive is not the earliest: the window that holds the earlier ones
    // (here [-55 s, 5 s) with the samples at 3 s and 4 s) must still be emitted.
    [Fact]
    public void Add_FirstArrivalNotEarliestWithinLateness_SameWindowsAsInOrder()
    {
        var inOrder = TestSamples.VaryingStream(3, 120);
        var reordered = inOrder.ToList();
        var sampleAtFive = reordered[2];
        reordered.RemoveAt(2);
        reordered.Insert(0, sampleAtFive);

        var expected = RunAccepted(inOrder);
        var actual = RunAccepted(reordered);

        Assert.Equal(At(5), expected[0].WindowEnd);
        FeatureVectorAssert.Equal(expected, actual);
    }

    // After a gap, the first sample to arrive is not the earliest: a sample 1 s older (within the
    // 5 s lateness) must land in the same windows as when it arrives in order.
    [Fact]
    public void Add_AfterGapFirstArrivalNotEarliestWithinLateness_SameWindowsAsInOrder()
    {
        var inOrder = TestSamples.VaryingStream(0, 101).Concat(TestSamples.VaryingStream(999, 1100)).ToList();
        var reordered = inOrder.ToList();
        var at999 = reordered.FindIndex(s => s.DeviceTime == At(999));
        (reordered[at999], reordered[at999 + 1]) = (reordered[at999 + 1], reordered[at999]);

        var expected = RunAccepted(inOrder);
        var actual = RunAccepted(reordered);

        Assert.Contains(expected, w => w.WindowEnd == At(1000) && w.SampleCount == 1);
        FeatureVectorAssert.Equal(expected, actual);
    }

    [Fact]
    public void Add_LongGap_NoEmptyWindows()
    {
        var stream = TestSamples.VaryingStream(0, 120).Concat(TestSamples.VaryingStream(3600, 3720));

        var closed = RunAccepted(stream);

        Assert.All(closed, w => Assert.True(w.SampleCount > 0));
        // The last window holding the sample at 119 s ends at 175 s; the next one holding 3600 s ends at 3605 s.
        Assert.DoesNotContain(closed, w => w.WindowEnd > At(175) && w.WindowEnd < At(3605));
        Assert.Contains(closed, w => w.WindowEnd == At(175));
        Assert.Contains(closed, w => w.WindowEnd == At(3605));
        Assert.Equal(35 + 22, closed.Count);
    }

    [Fact]
    public void Add_TwoHourStream_BufferStaysBounded()
    {
        var windower = NewWindower();
        var maxBuffered = 0;
        var windows = 0;

        foreach (var sample in TestSamples.VaryingStream(0, 2 * 3600))
        {
            var result = windower.Add(sample);
            Assert.Equal(SampleDisposition.Accepted, result.Disposition);
            windows += result.ClosedWindows.Count;
            maxBuffered = Math.Max(maxBuffered, windower.BufferedCount);
        }

        Assert.InRange(maxBuffered, 60, 70);
        Assert.InRange(windower.BufferedCount, 60, 70);
        Assert.Equal((2 * 3600 / 5) - 2, windows);
    }

    [Fact]
    public void Add_SampleOfAnotherPatient_Throws()
    {
        var windower = NewWindower();
        var other = TestSamples.Varying(0) with { PatientId = "p-002" };

        Assert.Throws<ArgumentException>(() => windower.Add(other));
    }
}

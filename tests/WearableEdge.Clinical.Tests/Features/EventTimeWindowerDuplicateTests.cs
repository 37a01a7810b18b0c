using FsCheck.Xunit;
using WearableEdge.Clinical.Features;
using WearableEdge.Clinical.Samples;

namespace WearableEdge.Clinical.Tests.Features;

/// <summary>
/// Duplicates are keyed by device, stream (vital sign) and device time, as a re-sent batch gives
/// (issue 4, event time); other samples of one patient at the same time all feed the window.
/// </summary>
public sealed class EventTimeWindowerDuplicateTests
{
    private const string Patient = TestSamples.PatientId;

    /// <summary>10 s windows every 2 s, 5 s lateness, 1 Hz: short runs close many windows.</summary>
    private static readonly WindowSpec Spec = new(
        TimeSpan.FromSeconds(10), TimeSpan.FromSeconds(2), TimeSpan.FromSeconds(5), TimeSpan.FromSeconds(1));

    private static DateTimeOffset At(double seconds) => TestSamples.T0.AddSeconds(seconds);

    private static WearableSample Sample(string device, double seconds, VitalSigns vitals) => new(Patient, device, At(seconds), vitals);

    [Fact]
    public void Add_TwoDevicesAtTheSameSecond_BothAcceptedAndBothFeedTheWindow()
    {
        var windower = new EventTimeWindower(Patient, Spec);
        var closed = new List<FeatureVector>();
        for (var s = 0; s < 10; s++)
        {
            // A swap mid-stay: the old watch's backfill and the new watch's live samples share seconds.
            Assert.Equal(SampleDisposition.Accepted, windower.Add(Sample("old-watch", s, new VitalSigns(HeartRate: 80))).Disposition);
            Assert.Equal(SampleDisposition.Accepted, windower.Add(Sample("new-watch", s, new VitalSigns(HeartRate: 90))).Disposition);
        }

        closed.AddRange(windower.Add(Sample("new-watch", 30, new VitalSigns(HeartRate: 90))).ClosedWindows);

        var window = closed.Single(w => w.WindowStart == At(0));
        Assert.Equal(20, window.SampleCount);
        Assert.Equal(1.0, window.Coverage);
        var heartRate = window.Get(VitalSign.HeartRate)!;
        Assert.Equal(20, heartRate.Count);
        Assert.Equal(85, heartRate.Mean, 9);
        Assert.Equal(80, heartRate.Min);
        Assert.Equal(90, heartRate.Max);
        Assert.Equal(1.0, heartRate.Coverage);
    }

    [Fact]
    public void Add_HeartRateAndSpO2DataPointsOfOneDeviceAtOneTime_AreDifferentStreams()
    {
        var windower = new EventTimeWindower(Patient, Spec);

        var heartRate = windower.Add(Sample("watch", 1, new VitalSigns(HeartRate: 72)));
        var spO2 = windower.Add(Sample("watch", 1, new VitalSigns(SpO2: 96)));
        var closed = windower.Add(Sample("watch", 30, new VitalSigns(HeartRate: 72))).ClosedWindows;

        Assert.Equal(SampleDisposition.Accepted, heartRate.Disposition);
        Assert.Equal(SampleDisposition.Accepted, spO2.Disposition);
        var window = closed.First(w => w.WindowStart <= At(1) && At(1) < w.WindowEnd);
        Assert.Equal(72, window.Get(VitalSign.HeartRate)!.Mean);
        Assert.Equal(96, window.Get(VitalSign.SpO2)!.Mean);
    }

    [Fact]
    public void Add_ExactResentBatch_EverySampleDuplicate()
    {
        var windower = new EventTimeWindower(Patient, Spec);
        var batch = Enumerable.Range(0, 4).Select(s => Sample("watch", s, new VitalSigns(HeartRate: 70 + s, SpO2: 97))).ToList();
        Assert.All(batch, s => Assert.Equal(SampleDisposition.Accepted, windower.Add(s).Disposition));
        var buffered = windower.BufferedCount;

        var again = batch.Select(s => windower.Add(s with { }).Disposition).ToList();

        Assert.All(again, d => Assert.Equal(SampleDisposition.Duplicate, d));
        Assert.Equal(buffered, windower.BufferedCount);
    }

    [Fact]
    public void Add_SingleSignDataPointsResent_Duplicate()
    {
        var windower = new EventTimeWindower(Patient, Spec);
        windower.Add(Sample("watch", 1, new VitalSigns(HeartRate: 72, SpO2: 96)));

        // The same measurements re-sent as one data point per sign (Open mHealth, FHIR).
        Assert.Equal(SampleDisposition.Duplicate, windower.Add(Sample("watch", 1, new VitalSigns(HeartRate: 72))).Disposition);
        Assert.Equal(SampleDisposition.Duplicate, windower.Add(Sample("watch", 1, new VitalSigns(SpO2: 96))).Disposition);
    }

    [Fact]
    public void Add_PartlyRepeatedSigns_OnlyTheNewSignsFeedTheWindow()
    {
        var windower = new EventTimeWindower(Patient, Spec);
        windower.Add(Sample("watch", 1, new VitalSigns(HeartRate: 72, SpO2: 96)));

        var result = windower.Add(Sample("watch", 1, new VitalSigns(HeartRate: 150, RespirationRate: 16)));
        var closed = windower.Add(Sample("watch", 30, new VitalSigns(SpO2: 97))).ClosedWindows;

        Assert.Equal(SampleDisposition.Accepted, result.Disposition);
        var window = closed.First(w => w.WindowStart <= At(1) && At(1) < w.WindowEnd);
        Assert.Equal(1, window.Get(VitalSign.HeartRate)!.Count);
        Assert.Equal(72, window.Get(VitalSign.HeartRate)!.Max);
        Assert.Equal(16, window.Get(VitalSign.RespirationRate)!.Mean);
    }

    [Fact]
    public void Add_TwoDevicesAtOneSecond_FeaturesDoNotDependOnArrivalOrder()
    {
        var a = Enumerable.Range(0, 12).Select(s => Sample("watch-a", s, new VitalSigns(HeartRate: 70 + s))).ToList();
        var b = Enumerable.Range(0, 12).Select(s => Sample("watch-b", s, new VitalSigns(HeartRate: 100 - s))).ToList();

        var aFirst = Run(a.Zip(b).SelectMany(p => new[] { p.First, p.Second }), out _);
        var bFirst = Run(a.Zip(b).SelectMany(p => new[] { p.Second, p.First }), out _);

        Assert.NotEmpty(aFirst);
        FeatureVectorAssert.Equal(aFirst, bFirst);
    }

    /// <summary>
    /// Property: re-sending any subset of batches (as an MQTT QoS 1 redelivery or a device retry
    /// does, at once or a few batches later) gives the same windows with the same features; every
    /// re-sent sample is counted as a duplicate, except one whose windows had all closed, which is
    /// counted too late; within the lateness bound the duplicate count equals the re-sent samples.
    /// Each second carries one-sign samples of one device (Open mHealth style) and, where
    /// generated, a second device's sample (a swap).
    /// </summary>
    /// <param name="values">Heart rates, one per second; their count sets the run length.</param>
    /// <param name="secondDevice">Which seconds also carry a sample of a second device, cycled.</param>
    /// <param name="resend">Which batches are re-sent, cycled.</param>
    /// <param name="batchSize">Samples per batch, 1–4 seconds' worth.</param>
    /// <param name="delays">How many batches later (0–7) each re-sent batch arrives, cycled.</param>
    [Property(MaxTest = 300)]
    public void ResendingAnySubsetOfBatches_SameFeatures_ResentSamplesCountedDuplicateOrTooLate(byte[] values, bool[] secondDevice, bool[] resend, byte batchSize, byte[] delays)
    {
        var seconds = values.Length;
        var perBatch = 1 + (batchSize % 4);
        var batches = new List<List<WearableSample>>();
        for (var first = 0; first < seconds; first += perBatch)
        {
            var batch = new List<WearableSample>();
            for (var s = first; s < Math.Min(seconds, first + perBatch); s++)
            {
                batch.Add(Sample("watch-1", s, new VitalSigns(HeartRate: 40 + values[s])));
                batch.Add(Sample("watch-1", s, new VitalSigns(SpO2: 90 + (values[s] % 10))));
                if (secondDevice.Length > 0 && secondDevice[s % secondDevice.Length])
                {
                    batch.Add(Sample("watch-2", s, new VitalSigns(HeartRate: 60 + (values[s] % 50), SpO2: 95)));
                }
            }

            batches.Add(batch);
        }

        var once = batches.SelectMany(b => b).ToList();

        // A re-sent batch arrives right after its original or up to 7 batches later. When its oldest
        // sample is then less than the allowed lateness (5 s) behind the newest one, it must be a
        // duplicate; later, it may instead be too late (its windows closed): never accepted again.
        var arrivals = new List<(double Position, List<WearableSample> Batch)>();
        var resentCount = 0;
        var resentWithinLateness = 0;
        for (var i = 0; i < batches.Count; i++)
        {
            arrivals.Add((i, batches[i]));
            if (resend.Length > 0 && resend[i % resend.Length])
            {
                var delay = delays.Length == 0 ? 0 : delays[i % delays.Length] % 8;
                // A copy, not the same instance: a redelivery is decoded afresh.
                arrivals.Add((i + delay + 0.5, [.. batches[i].Select(s => s with { })]));
                resentCount += batches[i].Count;
                var newestAhead = Math.Min(seconds - 1, ((i + delay + 1) * perBatch) - 1) - (i * perBatch);
                resentWithinLateness += newestAhead < 5 ? batches[i].Count : 0;
            }
        }

        var withResends = arrivals.OrderBy(a => a.Position).SelectMany(a => a.Batch).ToList();

        var expected = Run(once, out var onceDispositions);
        var actual = Run(withResends, out var dispositions);

        Assert.All(onceDispositions, d => Assert.Equal(SampleDisposition.Accepted, d));
        var duplicates = dispositions.Count(d => d == SampleDisposition.Duplicate);
        Assert.Equal(once.Count, dispositions.Count(d => d == SampleDisposition.Accepted));
        Assert.Equal(resentCount, duplicates + dispositions.Count(d => d == SampleDisposition.TooLate));
        Assert.InRange(duplicates, resentWithinLateness, resentCount);
        FeatureVectorAssert.Equal(expected, actual);
    }

    private static List<FeatureVector> Run(IEnumerable<WearableSample> samples, out List<SampleDisposition> dispositions) =>
        WindowerRun.Run(Patient, Spec, samples, out dispositions);
}

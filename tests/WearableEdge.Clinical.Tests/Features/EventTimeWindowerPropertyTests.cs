using FsCheck.Xunit;
using WearableEdge.Clinical.Features;
using WearableEdge.Clinical.Samples;

namespace WearableEdge.Clinical.Tests.Features;

/// <summary>
/// Property: samples that arrive out of order, but never later than the allowed lateness, give the
/// same windows with the same features as the same samples in order (issue 4, event time).
/// </summary>
public sealed class EventTimeWindowerPropertyTests
{
    private const string PatientId = "p-prop";
    private static readonly DateTimeOffset Start = new(2025, 3, 1, 8, 0, 3, TimeSpan.Zero);

    /// <summary>A small spec so short generated runs still close many windows: 10 s every 2 s, 5 s lateness, 1 Hz.</summary>
    private static readonly WindowSpec Spec = new(
        TimeSpan.FromSeconds(10), TimeSpan.FromSeconds(2), TimeSpan.FromSeconds(5), TimeSpan.FromSeconds(1));

    /// <param name="delays">One per sample: how many sample slots (modulo the lateness bound) it arrives late.</param>
    /// <param name="values">Heart rates, cycled over the samples.</param>
    /// <param name="gaps">Which slots have no sample (a skipped reading), cycled.</param>
    [Property(MaxTest = 300)]
    public void ShuffledWithinLateness_GivesTheSameFeaturesAsInOrder(byte[] delays, byte[] values, bool[] gaps)
    {
        var samples = Samples(delays.Length, values, gaps);

        // Arrival order: slot index plus a delay below the lateness bound (in slots). A sample then
        // arrives before any sample more than (bound − 1) slots newer, so the watermark (newest − lateness)
        // is still before it and no window that holds it has closed.
        var bound = (int)(Spec.AllowedLateness.Ticks / Spec.SampleInterval.Ticks);
        var shuffled = samples
            .Select((sample, i) => (sample, arrivalSlot: Slot(sample) + (delays[i] % bound), tie: delays[i]))
            .OrderBy(x => x.arrivalSlot)
            .ThenBy(x => x.tie)
            .Select(x => x.sample)
            .ToList();

        var inOrder = Run(samples, out var inOrderDispositions);
        var outOfOrder = Run(shuffled, out var shuffledDispositions);

        Assert.All(inOrderDispositions, d => Assert.Equal(SampleDisposition.Accepted, d));
        Assert.All(shuffledDispositions, d => Assert.Equal(SampleDisposition.Accepted, d));
        FeatureVectorAssert.Equal(inOrder, outOfOrder);
    }

    /// <param name="values">Heart rates; their count sets the run length.</param>
    /// <param name="resend">How many of the last samples are re-sent (modulo 5: within the lateness bound).</param>
    [Property(MaxTest = 200)]
    public void ResentBatch_IsDroppedAsDuplicates_AndChangesNoFeature(byte[] values, byte resend)
    {
        var samples = Samples(values.Length, values, []);
        var tail = samples.TakeLast(resend % 5).ToList();
        var withCopies = samples.Concat(tail).ToList();

        var expected = Run(samples, out _);
        var actual = Run(withCopies, out var dispositions);

        Assert.Equal(tail.Count, dispositions.Count(d => d == SampleDisposition.Duplicate));
        FeatureVectorAssert.Equal(expected, actual);
    }

    private static long Slot(WearableSample sample) => (sample.DeviceTime - Start).Ticks / Spec.SampleInterval.Ticks;

    private static List<WearableSample> Samples(int count, byte[] values, bool[] gaps)
    {
        var samples = new List<WearableSample>(count);
        for (var i = 0; i < count; i++)
        {
            if (gaps.Length > 0 && gaps[i % gaps.Length] && i % 3 == 1)
            {
                continue;
            }

            var heartRate = values.Length == 0 ? 70 : 40 + values[i % values.Length];
            samples.Add(new WearableSample(PatientId, "watch-1", Start + (Spec.SampleInterval * i), new VitalSigns(HeartRate: heartRate, SpO2: 97)));
        }

        return samples;
    }

    private static List<FeatureVector> Run(IEnumerable<WearableSample> samples, out List<SampleDisposition> dispositions) =>
        WindowerRun.Run(PatientId, Spec, samples, out dispositions);
}

using System.Reactive.Subjects;
using WearableEdge.Clinical.Features;
using WearableEdge.Clinical.Samples;
using WearableEdge.EdgeService.Features;

namespace WearableEdge.EdgeService.Tests.Features;

public sealed class FeaturePipelineTests
{
    /// <summary>A whole minute, so on a multiple of the default 5 s hop.</summary>
    private static readonly DateTimeOffset T0 = new(2025, 3, 1, 8, 0, 0, TimeSpan.Zero);

    private static WearableSample Sample(string patientId, double seconds, double heartRate) =>
        new(patientId, "dev-" + patientId, T0.AddSeconds(seconds), new VitalSigns(HeartRate: heartRate, SpO2: 97));

    /// <summary>Pushes the samples through the Rx query; returns closed windows and each disposition.</summary>
    private static (List<FeatureVector> Windows, List<SampleDisposition> Dispositions) Run(IEnumerable<WearableSample> samples)
    {
        var windows = new List<FeatureVector>();
        var dispositions = new List<SampleDisposition>();
        using var input = new Subject<WearableSample>();
        using var subscription = FeaturePipeline.WindowPerPatient(input, WindowSpec.Default, dispositions.Add).Subscribe(windows.Add);
        foreach (var sample in samples)
        {
            input.OnNext(sample);
        }

        return (windows, dispositions);
    }

    /// <summary>The windows one patient's samples give through a windower of its own.</summary>
    private static List<FeatureVector> Alone(string patientId, IEnumerable<WearableSample> samples)
    {
        var windower = new EventTimeWindower(patientId, WindowSpec.Default);
        return samples.SelectMany(s => windower.Add(s).ClosedWindows).ToList();
    }

    private static void AssertSameWindows(IReadOnlyList<FeatureVector> expected, IReadOnlyList<FeatureVector> actual)
    {
        Assert.Equal(expected.Count, actual.Count);
        for (var i = 0; i < expected.Count; i++)
        {
            Assert.Equal(expected[i].PatientId, actual[i].PatientId);
            Assert.Equal(expected[i].WindowStart, actual[i].WindowStart);
            Assert.Equal(expected[i].WindowEnd, actual[i].WindowEnd);
            Assert.Equal(expected[i].SampleCount, actual[i].SampleCount);
            Assert.Equal(expected[i].Coverage, actual[i].Coverage);
            Assert.Equal(expected[i].Get(VitalSign.HeartRate), actual[i].Get(VitalSign.HeartRate));
        }
    }

    [Fact]
    public void WindowPerPatient_TwoInterleavedPatients_GetIndependentWindows()
    {
        // A at 60 /min from 0 s, B at 120 /min from 30 s: mixed windows would show both rates.
        var a = Enumerable.Range(0, 90).Select(s => Sample("p-a", s, 60)).ToList();
        var b = Enumerable.Range(30, 90).Select(s => Sample("p-b", s, 120)).ToList();
        var interleaved = a.Concat(b).OrderBy(s => s.DeviceTime).ThenBy(s => s.PatientId, StringComparer.Ordinal);

        var (windows, dispositions) = Run(interleaved);

        var ofA = windows.Where(w => w.PatientId == "p-a").ToList();
        var ofB = windows.Where(w => w.PatientId == "p-b").ToList();
        Assert.NotEmpty(ofA);
        Assert.NotEmpty(ofB);
        Assert.Equal(windows.Count, ofA.Count + ofB.Count);
        Assert.All(ofA, w => Assert.Equal(60, w.Get(VitalSign.HeartRate)!.Max));
        Assert.All(ofB, w => Assert.Equal(120, w.Get(VitalSign.HeartRate)!.Min));
        AssertSameWindows(Alone("p-a", a), ofA);
        AssertSameWindows(Alone("p-b", b), ofB);
        Assert.Equal(180, dispositions.Count);
        Assert.All(dispositions, d => Assert.Equal(SampleDisposition.Accepted, d));
    }

    [Fact]
    public void WindowPerPatient_ResentSample_IsReportedDuplicate()
    {
        var samples = Enumerable.Range(0, 20).Select(s => Sample("p-a", s, 70)).ToList();
        samples.Insert(10, Sample("p-a", 5, 70));

        var (_, dispositions) = Run(samples);

        Assert.Equal(1, dispositions.Count(d => d == SampleDisposition.Duplicate));
        Assert.Equal(20, dispositions.Count(d => d == SampleDisposition.Accepted));
    }

    [Fact]
    public void WindowPerPatient_SameTimeForTwoPatients_IsNotADuplicate()
    {
        var (_, dispositions) = Run([Sample("p-a", 0, 70), Sample("p-b", 0, 70)]);

        Assert.Equal([SampleDisposition.Accepted, SampleDisposition.Accepted], dispositions);
    }

    [Fact]
    public void WindowPerPatient_SampleAfterItsWindowsClosed_IsReportedTooLate()
    {
        var samples = Enumerable.Range(0, 200).Select(s => Sample("p-a", s, 70)).ToList();
        samples.Add(Sample("p-a", 10.5, 70));

        var (_, dispositions) = Run(samples);

        Assert.Equal(SampleDisposition.TooLate, dispositions[^1]);
    }

    [Fact]
    public void WindowPerPatient_OnePatientLate_DoesNotHoldBackAnother()
    {
        // B sends only at the start; A keeps streaming. A's windows must close on A's own watermark.
        var samples = new List<WearableSample> { Sample("p-b", 0, 120), Sample("p-b", 1, 120) };
        samples.AddRange(Enumerable.Range(0, 130).Select(s => Sample("p-a", s, 60)));

        var (windows, _) = Run(samples);

        Assert.Contains(windows, w => w.PatientId == "p-a" && w.WindowEnd == T0.AddSeconds(120));
        Assert.DoesNotContain(windows, w => w.PatientId == "p-b");
    }

    [Fact]
    public void WindowPerPatient_NullArguments_Throw()
    {
        using var input = new Subject<WearableSample>();

        Assert.Throws<ArgumentNullException>(() => FeaturePipeline.WindowPerPatient(null!, WindowSpec.Default, _ => { }));
        Assert.Throws<ArgumentNullException>(() => FeaturePipeline.WindowPerPatient(input, null!, _ => { }));
        Assert.Throws<ArgumentNullException>(() => FeaturePipeline.WindowPerPatient(input, WindowSpec.Default, null!));
    }
}

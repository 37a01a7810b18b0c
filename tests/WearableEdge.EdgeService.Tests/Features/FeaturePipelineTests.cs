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

    /// <summary>Pushes the samples through the query with one-minute summaries on; returns everything it emitted, in order.</summary>
    private static List<PatientWindow> RunWithMinutes(IEnumerable<WearableSample> samples)
    {
        var emitted = new List<PatientWindow>();
        using var input = new Subject<WearableSample>();
        using var subscription = FeaturePipeline
            .WindowPerPatient(input, WindowSpec.Default, MinuteSummary.Spec(WindowSpec.Default), _ => { })
            .Subscribe(emitted.Add);
        foreach (var sample in samples)
        {
            input.OnNext(sample);
        }

        return emitted;
    }

    /// <summary>Three minutes of 1 Hz samples from T0, and past the allowed lateness so the third minute closes too.</summary>
    private static List<WearableSample> ThreeMinutes(string patientId = "p-a") =>
        [.. Enumerable.Range(0, 186).Select(s => Sample(patientId, s, 60 + (s % 10)))];

    [Fact]
    public void WindowPerPatient_WithMinuteSpec_GivesFullMinuteSummariesOnMinuteStarts()
    {
        var emitted = RunWithMinutes(ThreeMinutes());

        var minutes = emitted.Where(w => w.IsMinuteSummary).Select(w => w.Window).ToList();
        Assert.Equal([T0, T0.AddMinutes(1), T0.AddMinutes(2)], minutes.Select(m => m.WindowStart));
        Assert.All(minutes, m =>
        {
            Assert.Equal(0, m.WindowStart.Second);
            Assert.Equal(0, m.WindowStart.Millisecond);
            Assert.Equal(TimeSpan.FromMinutes(1), m.WindowEnd - m.WindowStart);
            Assert.Equal(60, m.SampleCount);
            Assert.Equal(1, m.Coverage);
            Assert.Equal(1, m.Get(VitalSign.HeartRate)!.Coverage);
            Assert.Equal(64.5, m.Get(VitalSign.HeartRate)!.Mean, 9);
            Assert.Equal(60, m.Get(VitalSign.HeartRate)!.Min);
            Assert.Equal(69, m.Get(VitalSign.HeartRate)!.Max);
        });
    }

    [Fact]
    public void WindowPerPatient_WithMinuteSpec_AlertWindowsAreUnchanged()
    {
        var samples = ThreeMinutes("p-a").Concat(ThreeMinutes("p-b")).OrderBy(s => s.DeviceTime).ToList();

        var withMinutes = RunWithMinutes(samples).Where(w => !w.IsMinuteSummary).Select(w => w.Window).ToList();
        var (without, _) = Run(samples);

        Assert.NotEmpty(without);
        AssertSameWindows(without, withMinutes);
        Assert.All(withMinutes, w => Assert.Equal(TimeSpan.FromSeconds(60), w.WindowEnd - w.WindowStart));
    }

    [Fact]
    public void WindowPerPatient_WithMinuteSpec_DispositionsAreThoseOfAlertWindows()
    {
        var samples = ThreeMinutes();
        samples.Insert(100, Sample("p-a", 50, 200));
        var dispositions = new List<SampleDisposition>();
        using var input = new Subject<WearableSample>();
        using var subscription = FeaturePipeline
            .WindowPerPatient(input, WindowSpec.Default, MinuteSummary.Spec(WindowSpec.Default), dispositions.Add)
            .Subscribe(_ => { });

        foreach (var sample in samples)
        {
            input.OnNext(sample);
        }

        Assert.Equal(samples.Count, dispositions.Count);
        Assert.Equal(1, dispositions.Count(d => d == SampleDisposition.Duplicate));
    }

    [Fact]
    public void WindowPerPatient_WithMinuteSpec_DuplicatesAreNotCountedTwiceInSummaries()
    {
        var samples = ThreeMinutes();
        // A re-sent batch: the same device times again, with a value that would show if it were counted.
        samples.InsertRange(40, Enumerable.Range(10, 20).Select(s => Sample("p-a", s, 200)));

        var first = RunWithMinutes(samples).First(w => w.IsMinuteSummary).Window;

        Assert.Equal(T0, first.WindowStart);
        Assert.Equal(60, first.SampleCount);
        Assert.Equal(60, first.Get(VitalSign.HeartRate)!.Count);
        Assert.Equal(69, first.Get(VitalSign.HeartRate)!.Max);
        Assert.Equal(64.5, first.Get(VitalSign.HeartRate)!.Mean, 9);
        Assert.Equal(1, first.Coverage);
    }

    [Fact]
    public void WindowPerPatient_WithMinuteSpecAndGap_MinuteCoverageShowsMissingSamples()
    {
        // 45 of the first minute's 60 slots, then two full minutes.
        var samples = ThreeMinutes().Where(s => s.DeviceTime < T0.AddSeconds(45) || s.DeviceTime >= T0.AddSeconds(60)).ToList();

        var minutes = RunWithMinutes(samples).Where(w => w.IsMinuteSummary).Select(w => w.Window).ToList();

        Assert.Equal(0.75, minutes[0].Coverage, 9);
        Assert.Equal(1, minutes[1].Coverage);
    }

    [Fact]
    public void WindowPerPatient_WithoutMinuteSpec_EmitsNoSummaries()
    {
        var emitted = new List<PatientWindow>();
        using var input = new Subject<WearableSample>();
        using var subscription = FeaturePipeline.WindowPerPatient(input, WindowSpec.Default, minuteSpec: null, _ => { }).Subscribe(emitted.Add);

        foreach (var sample in ThreeMinutes())
        {
            input.OnNext(sample);
        }

        Assert.NotEmpty(emitted);
        Assert.DoesNotContain(emitted, w => w.IsMinuteSummary);
    }
}

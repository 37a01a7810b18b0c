using System.Reactive.Linq;
using WearableEdge.Clinical.Features;
using WearableEdge.Clinical.Samples;
using WearableEdge.EdgeService.Features;

namespace WearableEdge.EdgeService.Tests.Ingest;

/// <summary>Per-patient counts of samples the feature stage keeps out of the windows (issue 4).</summary>
public sealed class EventTimeSampleQualityTests
{
    private static readonly DateTimeOffset T0 = new(2025, 3, 1, 8, 0, 0, TimeSpan.Zero);

    [Fact]
    public async Task WindowPerPatient_CountsPoorImplausibleDuplicateAndTooLate_PerPatient()
    {
        var counts = new SampleQualityCounts();
        var spec = WindowSpec.Default;
        var good = Enumerable.Range(0, 120).Select(s => new WearableSample("p-a", "w-a", T0.AddSeconds(s), new VitalSigns(HeartRate: 72, SpO2: 97))).ToList();
        var samples = new List<WearableSample>(good)
        {
            good[100],                                                                               // re-sent: duplicate
            good[0] with { DeviceTime = T0.AddMilliseconds(500) },                                   // far behind the watermark: too late
            good[0] with { DeviceTime = T0.AddSeconds(118.5), SignalQuality = 0.1 },                 // poor signal
            good[0] with { DeviceTime = T0.AddSeconds(118.7), Vitals = new VitalSigns(SpO2: 20) },   // implausible
            new("p-b", "w-b", T0, new VitalSigns(HeartRate: 400)),                                   // another patient, implausible
        };

        await FeaturePipeline.WindowPerPatient(samples.ToObservable(), spec, null, (s, d) => counts.Record(s.PatientId, d)).ToList();

        Assert.Equal(new SampleQualityCount(PoorSignal: 1, Implausible: 1, Duplicate: 1, TooLate: 1), counts.For("p-a"));
        Assert.Equal(new SampleQualityCount(0, 1, 0, 0), counts.For("p-b"));
        Assert.Equal(new SampleQualityCount(0, 0, 0, 0), counts.For("p-unknown"));
    }
}

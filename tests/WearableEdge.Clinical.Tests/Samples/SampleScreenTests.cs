using WearableEdge.Clinical.Features;
using WearableEdge.Clinical.Samples;

namespace WearableEdge.Clinical.Tests.Samples;

public sealed class SampleScreenTests
{
    private static readonly DateTimeOffset T0 = new(2025, 3, 1, 8, 0, 0, TimeSpan.Zero);

    private static WearableSample Sample(VitalSigns vitals, double? quality = null, int second = 0) =>
        new("p-1", "watch-1", T0.AddSeconds(second), vitals, quality);

    [Theory]
    [InlineData(72, 97, SampleQuality.Usable)]
    [InlineData(35, 85, SampleQuality.Usable)] // abnormal but real: NEWS2 must see it
    [InlineData(19, 97, SampleQuality.Implausible)]
    [InlineData(301, 97, SampleQuality.Implausible)]
    [InlineData(72, 49, SampleQuality.Implausible)]
    [InlineData(72, 100.5, SampleQuality.Implausible)]
    [InlineData(double.NaN, 97, SampleQuality.Implausible)]
    public void Assess_ValuesAgainstPlausibilityRanges(double heartRate, double spO2, SampleQuality expected) =>
        Assert.Equal(expected, SampleScreen.Assess(Sample(new VitalSigns(HeartRate: heartRate, SpO2: spO2))));

    [Theory]
    [InlineData(null, SampleQuality.Usable)]
    [InlineData(0.9, SampleQuality.Usable)]
    [InlineData(0.5, SampleQuality.Usable)]
    [InlineData(0.49, SampleQuality.PoorSignal)]
    [InlineData(0.0, SampleQuality.PoorSignal)]
    public void Assess_SignalQualityBelowTheThreshold_IsPoor(double? quality, SampleQuality expected) =>
        Assert.Equal(expected, SampleScreen.Assess(Sample(new VitalSigns(HeartRate: 72), quality)));

    [Fact]
    public void Assess_ImplausibleWins_OverPoorSignal() =>
        Assert.Equal(SampleQuality.Implausible, SampleScreen.Assess(Sample(new VitalSigns(HeartRate: 500), 0.1)));

    [Fact]
    public void PlausibilityRanges_CoverEverySign() =>
        Assert.All(Enum.GetValues<VitalSign>(), sign => Assert.True(PlausibilityRanges.Of(sign).Min < PlausibilityRanges.Of(sign).Max));

    [Fact]
    public void Windower_PoorAndImplausibleSamples_AreCountedAndChangeNoFeature()
    {
        var spec = new WindowSpec(TimeSpan.FromSeconds(10), TimeSpan.FromSeconds(5), TimeSpan.FromSeconds(2), TimeSpan.FromSeconds(1));
        var clean = Enumerable.Range(0, 40).Select(s => Sample(new VitalSigns(HeartRate: 70 + (s % 7), SpO2: 96), 0.9, s)).ToList();
        // Interleave artefacts at half-seconds: a motion-artefact pulse of 180 with poor quality, and a 0 % SpO2.
        var noisy = clean.SelectMany(s => new[]
        {
            s,
            s with { DeviceTime = s.DeviceTime.AddMilliseconds(300), Vitals = new VitalSigns(HeartRate: 180), SignalQuality = 0.2 },
            s with { DeviceTime = s.DeviceTime.AddMilliseconds(600), Vitals = new VitalSigns(SpO2: 0) },
        }).ToList();

        var reference = new EventTimeWindower("p-1", spec);
        var expected = clean.SelectMany(s => reference.Add(s).ClosedWindows).ToList();
        var windower = new EventTimeWindower("p-1", spec);
        var results = noisy.Select(windower.Add).ToList();

        Assert.Equal(40, results.Count(r => r.Disposition == SampleDisposition.PoorSignal));
        Assert.Equal(40, results.Count(r => r.Disposition == SampleDisposition.Implausible));
        Assert.NotEmpty(expected);
        Features.FeatureVectorAssert.Equal(expected, results.SelectMany(r => r.ClosedWindows).ToList());
    }
}

using WearableEdge.Clinical.Features;
using WearableEdge.Clinical.Samples;

namespace WearableEdge.Clinical.Tests.Features;

public sealed class FeatureExtractorTests
{
    private static readonly TimeSpan OneSecond = TimeSpan.FromSeconds(1);
    private static readonly DateTimeOffset Start = TestSamples.T0;
    private static readonly DateTimeOffset End = TestSamples.T0.AddSeconds(60);

    private static FeatureVector Compute(IEnumerable<WearableSample> samples) =>
        FeatureExtractor.Compute(TestSamples.PatientId, Start, End, samples, OneSecond);

    private static WearableSample HeartRateAt(double seconds, double heartRate) =>
        TestSamples.AtSecond(seconds, new VitalSigns(HeartRate: heartRate));

    [Fact]
    public void Compute_FewSamples_MeanMinMaxLast()
    {
        var features = Compute([HeartRateAt(0, 60), HeartRateAt(10, 80), HeartRateAt(20, 70)]);

        var hr = Assert.IsType<VitalSummary>(features.Get(VitalSign.HeartRate));
        Assert.Equal(3, hr.Count);
        Assert.Equal(70, hr.Mean, 12);
        Assert.Equal(60, hr.Min);
        Assert.Equal(80, hr.Max);
        Assert.Equal(70, hr.Last);
        Assert.Equal(3, features.SampleCount);
    }

    [Fact]
    public void Compute_LastIsLatestDeviceTime_NotLastInList()
    {
        var features = Compute([HeartRateAt(30, 99), HeartRateAt(5, 61), HeartRateAt(10, 62)]);

        Assert.Equal(99, features.Get(VitalSign.HeartRate)!.Last);
    }

    [Fact]
    public void Compute_LinearRampOfOnePerMinute_SlopeOne()
    {
        var samples = Enumerable.Range(0, 60).Select(s => HeartRateAt(s, 60 + (s / 60.0)));

        var hr = Compute(samples).Get(VitalSign.HeartRate)!;

        Assert.NotNull(hr.SlopePerMinute);
        Assert.Equal(1.0, hr.SlopePerMinute.Value, 9);
        Assert.Equal(60 + (29.5 / 60), hr.Mean, 9);
        Assert.Equal(60, hr.Min);
        Assert.Equal(60 + (59 / 60.0), hr.Last, 12);
    }

    [Fact]
    public void Compute_FallingRamp_NegativeSlopeInUnitPerMinute()
    {
        // SpO2 dropping 2 % per minute, sampled every 5 s.
        var samples = Enumerable.Range(0, 12)
            .Select(i => TestSamples.AtSecond(i * 5, new VitalSigns(SpO2: 98 - (i * 5 * 2 / 60.0))));

        var spO2 = Compute(samples).Get(VitalSign.SpO2)!;

        Assert.Equal(-2.0, spO2.SlopePerMinute!.Value, 9);
    }

    [Fact]
    public void Compute_ConstantValue_SlopeZero()
    {
        var hr = Compute(Enumerable.Range(0, 10).Select(s => HeartRateAt(s, 72))).Get(VitalSign.HeartRate)!;

        Assert.Equal(0.0, hr.SlopePerMinute!.Value, 12);
    }

    [Fact]
    public void Compute_SingleSample_NoSlope()
    {
        var hr = Compute([HeartRateAt(12, 72)]).Get(VitalSign.HeartRate)!;

        Assert.Null(hr.SlopePerMinute);
        Assert.Equal(72, hr.Mean);
    }

    [Fact]
    public void Compute_ThirtySamplesEveryTwoSecondsInSixtySecondWindow_CoverageHalf()
    {
        var samples = Enumerable.Range(0, 30).Select(i => HeartRateAt(i * 2, 70));

        var features = Compute(samples);

        Assert.Equal(0.5, features.Coverage, 12);
        Assert.Equal(0.5, features.Get(VitalSign.HeartRate)!.Coverage, 12);
        Assert.Equal(30, features.SampleCount);
    }

    [Fact]
    public void Compute_FullWindowAtOneHertz_CoverageOne()
    {
        var features = Compute(TestSamples.VaryingStream(0, 60));

        Assert.Equal(1.0, features.Coverage);
        Assert.All(VitalSignCodes.All, sign => Assert.Equal(1.0, features.Get(sign)!.Coverage));
    }

    [Fact]
    public void Compute_TwoSamplesInOneSlot_CountedOnceForCoverage()
    {
        var features = Compute([HeartRateAt(0, 70), HeartRateAt(0.5, 71)]);

        Assert.Equal(2, features.SampleCount);
        Assert.Equal(1.0 / 60, features.Coverage, 12);
        Assert.Equal(2, features.Get(VitalSign.HeartRate)!.Count);
        Assert.Equal(1.0 / 60, features.Get(VitalSign.HeartRate)!.Coverage, 12);
    }

    [Fact]
    public void Compute_SignInSomeSamplesOnly_OwnCoverageAndAbsentSignsLeftOut()
    {
        var samples = Enumerable.Range(0, 60)
            .Select(s => TestSamples.AtSecond(s, new VitalSigns(HeartRate: 70, SpO2: s % 4 == 0 ? 97 : null)));

        var features = Compute(samples);

        Assert.Equal(1.0, features.Coverage);
        Assert.Equal(1.0, features.Get(VitalSign.HeartRate)!.Coverage);
        Assert.Equal(15, features.Get(VitalSign.SpO2)!.Count);
        Assert.Equal(0.25, features.Get(VitalSign.SpO2)!.Coverage, 12);
        Assert.Null(features.Get(VitalSign.Temperature));
        Assert.False(features.Vitals.ContainsKey(VitalSign.SystolicBp));
    }

    [Fact]
    public void Compute_SamplesOutsideWindow_Ignored()
    {
        var features = Compute(
        [
            HeartRateAt(-0.001, 200),
            HeartRateAt(0, 60),
            HeartRateAt(59.999, 62),
            HeartRateAt(60, 200),
            HeartRateAt(3600, 200),
        ]);

        var hr = features.Get(VitalSign.HeartRate)!;
        Assert.Equal(2, features.SampleCount);
        Assert.Equal(2, hr.Count);
        Assert.Equal(62, hr.Max);
        Assert.Equal(62, hr.Last);
    }

    [Fact]
    public void Compute_NonFiniteValue_IgnoredForThatSign()
    {
        var features = Compute(
        [
            TestSamples.AtSecond(0, new VitalSigns(HeartRate: 70, SpO2: double.NaN)),
            TestSamples.AtSecond(1, new VitalSigns(HeartRate: double.PositiveInfinity, SpO2: 96)),
            TestSamples.AtSecond(2, new VitalSigns(HeartRate: 80, SpO2: 98)),
        ]);

        Assert.Equal(2, features.Get(VitalSign.HeartRate)!.Count);
        Assert.Equal(75, features.Get(VitalSign.HeartRate)!.Mean);
        Assert.Equal(2, features.Get(VitalSign.SpO2)!.Count);
        Assert.Equal(97, features.Get(VitalSign.SpO2)!.Mean);
    }

    [Fact]
    public void Compute_NoSamples_EmptyVectorWithZeroCoverage()
    {
        var features = Compute([]);

        Assert.Equal(0, features.SampleCount);
        Assert.Equal(0, features.Coverage);
        Assert.Empty(features.Vitals);
        Assert.Equal(Start, features.WindowStart);
        Assert.Equal(End, features.WindowEnd);
        Assert.Equal(TestSamples.PatientId, features.PatientId);
    }

    [Theory]
    [InlineData(1)]
    [InlineData(7)]
    [InlineData(2024)]
    public void Compute_ShuffledInput_SameFeatures(int seed)
    {
        var inOrder = TestSamples.VaryingStream(-10, 70, 0.5);
        var shuffled = inOrder.ToArray();
        new Random(seed).Shuffle(shuffled);

        FeatureVectorAssert.Equal(Compute(inOrder), Compute(shuffled));
    }

    [Fact]
    public void Compute_EndNotAfterStart_Throws()
    {
        Assert.Throws<ArgumentOutOfRangeException>(
            () => FeatureExtractor.Compute(TestSamples.PatientId, Start, Start, [], OneSecond));
    }
}

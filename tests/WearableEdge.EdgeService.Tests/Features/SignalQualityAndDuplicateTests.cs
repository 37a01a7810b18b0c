using System.Buffers;
using System.Globalization;
using System.Reactive.Linq;
using System.Text;
using WearableEdge.Clinical.Features;
using WearableEdge.Clinical.Samples;
using WearableEdge.Contracts;
using WearableEdge.EdgeService.Features;
using WearableEdge.EdgeService.Ingest;
using WearableEdge.EdgeService.Tests.Ingest.Formats;

namespace WearableEdge.EdgeService.Tests.Features;

/// <summary>
/// Issue 4, event time and signal quality, from payload to windows: per-sample signal quality in
/// contract v1, duplicates keyed by device, stream and time, and the plausibility table shared by
/// the decoder and the feature stage.
/// </summary>
public sealed class SignalQualityAndDuplicateTests
{
    private const string PatientId = "patient-002";
    private const string SignalQualityHeading = "### Per-sample signal quality";
    private static readonly DateTimeOffset T0 = new(2026, 11, 25, 8, 0, 0, TimeSpan.Zero);

    private static DecodedPayload Decode(string topic, string json) =>
        PayloadDecoder.Decode(topic, new ReadOnlySequence<byte>(Encoding.UTF8.GetBytes(json)));

    private static DecodedPayload.Vitals DecodeVitals(string topic, string json) =>
        Decode(topic, json) as DecodedPayload.Vitals ?? throw new Xunit.Sdk.XunitException($"expected vitals, got {Decode(topic, json)}");

    private static async Task<(SampleQualityCount Counts, List<FeatureVector> Windows, List<SampleDisposition> Dispositions)> Window(IEnumerable<WearableSample> samples)
    {
        var counts = new SampleQualityCounts();
        var dispositions = new List<SampleDisposition>();
        var windows = await FeaturePipeline.WindowPerPatient(samples.ToObservable(), WindowSpec.Default, null, (s, d) =>
        {
            counts.Record(s.PatientId, d);
            dispositions.Add(d);
        }).ToList();
        return (counts.For(PatientId), [.. windows.Select(w => w.Window)], dispositions);
    }

    private static string VitalsBatch(string deviceId, int fromSecond, int count, int heartRate) =>
        $$"""{"schemaVersion":1,"deviceId":"{{deviceId}}","samples":[{{string.Join(',', Enumerable.Range(fromSecond, count).Select(s =>
            $$"""{"ts":"{{T0.AddSeconds(s).ToString("O", CultureInfo.InvariantCulture)}}","heartRate":{{heartRate}},"spO2":97}"""))}}]}""";

    [Fact]
    public void Decode_DocumentedSignalQualityExample_CarriesQualityPerSample()
    {
        var vitals = DecodeVitals(Topics.Vitals(PatientId), ContractExamples.Json(SignalQualityHeading));

        Assert.Equal([0.93, 0.21], vitals.Samples.Select(s => s.SignalQuality));
    }

    [Fact]
    public async Task WindowPerPatient_DocumentedSignalQualityExample_LowQualitySampleCountedPoorSignalAndKeptOut()
    {
        var vitals = DecodeVitals(Topics.Vitals(PatientId), ContractExamples.Json(SignalQualityHeading));
        var later = DecodeVitals(Topics.Vitals(PatientId), VitalsBatch("dev-002", 2, 120, heartRate: 72));

        var (counts, windows, _) = await Window(vitals.Samples.Concat(later.Samples));

        Assert.Equal(new SampleQualityCount(PoorSignal: 1, Implausible: 0, Duplicate: 0, TooLate: 0), counts);
        Assert.NotEmpty(windows);
        Assert.All(windows, w => Assert.Equal(72, w.Get(VitalSign.HeartRate)!.Max));
    }

    [Fact]
    public void Decode_VitalsWithoutSignalQuality_SampleQualityUnknown() =>
        Assert.All(DecodeVitals(Topics.Vitals(PatientId), ContractExamples.Json("## `wearables/{patientId}/vitals`")).Samples, s => Assert.Null(s.SignalQuality));

    [Theory]
    [InlineData("1.5")]
    [InlineData("-0.1")]
    [InlineData("\"high\"")]
    public void Decode_SignalQualityOutsideZeroToOne_Rejected(string quality)
    {
        var json = ContractExamples.Json(SignalQualityHeading).Replace("0.21", quality, StringComparison.Ordinal);

        var rejected = Assert.IsType<DecodedPayload.Rejected>(Decode(Topics.Vitals(PatientId), json));

        Assert.Contains(rejected.Reason, new[] { RejectReason.InvalidValue, RejectReason.MalformedJson });
    }

    [Fact]
    public async Task WindowPerPatient_DeviceSwapAtTheSameSeconds_NoDuplicates_ResentBatchCountedDuplicate()
    {
        // The old watch backfills seconds 0–59 while the new watch sends the same seconds live.
        var old = DecodeVitals(Topics.Vitals(PatientId), VitalsBatch("watch-old", 0, 60, heartRate: 80));
        var replacement = DecodeVitals(Topics.Vitals(PatientId), VitalsBatch("watch-new", 0, 60, heartRate: 90));
        var resent = DecodeVitals(Topics.Vitals(PatientId), VitalsBatch("watch-new", 0, 60, heartRate: 90));
        var after = DecodeVitals(Topics.Vitals(PatientId), VitalsBatch("watch-new", 60, 70, heartRate: 90));

        var (counts, windows, _) = await Window(old.Samples.Concat(replacement.Samples).Concat(resent.Samples).Concat(after.Samples));

        Assert.Equal(new SampleQualityCount(0, 0, Duplicate: 60, TooLate: 0), counts);
        var first = windows.Single(w => w.WindowStart == T0);
        Assert.Equal(120, first.SampleCount);
        Assert.Equal(85, first.Get(VitalSign.HeartRate)!.Mean, 9);
    }

    [Fact]
    public async Task WindowPerPatient_OpenMHealthHeartRateAndSpO2AtOneTime_BothFeed_AndTheirResendIsDuplicate()
    {
        var heartRate = DecodeVitals(Topics.OpenMHealth(PatientId), ContractExamples.Json("#### Open mHealth heart-rate 2.0"));
        var spO2 = DecodeVitals(Topics.OpenMHealth(PatientId), ContractExamples.Json("#### Open mHealth oxygen-saturation 2.0"));
        var later = DecodeVitals(Topics.Vitals(PatientId), VitalsBatch("dev-002", 1, 120, heartRate: 72));
        var samples = heartRate.Samples.Concat(spO2.Samples).Concat(heartRate.Samples).Concat(spO2.Samples).Concat(later.Samples).ToList();

        var (counts, windows, dispositions) = await Window(samples);

        Assert.Equal([SampleDisposition.Accepted, SampleDisposition.Accepted, SampleDisposition.Duplicate, SampleDisposition.Duplicate], dispositions.Take(4));
        Assert.Equal(2, counts.Duplicate);
        var first = windows.First(w => w.WindowStart <= T0 && T0 < w.WindowEnd);
        Assert.Equal(97, first.Get(VitalSign.SpO2)!.Min);
    }

    [Theory]
    [InlineData(VitalSign.HeartRate)]
    [InlineData(VitalSign.SpO2)]
    [InlineData(VitalSign.RespirationRate)]
    [InlineData(VitalSign.Temperature)]
    [InlineData(VitalSign.SystolicBp)]
    public void Decode_PlausibilityBounds_SameTableAsTheFeatureStage(VitalSign sign)
    {
        var (min, max) = PlausibilityRanges.Of(sign);
        var field = sign == VitalSign.Temperature ? "temperatureC" : VitalSignCodes.Name(sign);
        string Batch(double value) => FormattableString.Invariant(
            $$"""{"schemaVersion":1,"deviceId":"dev-002","samples":[{"ts":"2026-11-25T08:00:00Z","{{field}}":{{value}}}]}""");

        Assert.IsType<DecodedPayload.Vitals>(Decode(Topics.Vitals(PatientId), Batch(min)));
        Assert.IsType<DecodedPayload.Vitals>(Decode(Topics.Vitals(PatientId), Batch(max)));
        SampleQuality Screened(double value) => SampleScreen.Assess(Assert.Single(Assert.IsType<DecodedPayload.Vitals>(Decode(Topics.Vitals(PatientId), Batch(value))).Samples));
        Assert.Equal(SampleQuality.Usable, Screened(min));
        Assert.Equal(SampleQuality.Usable, Screened(max));
        Assert.Equal(SampleQuality.Implausible, Screened(min - 0.5));
        Assert.Equal(SampleQuality.Implausible, Screened(max + 0.5));
    }

    [Fact]
    public void PlausibilityDoc_TableMatchesTheCode()
    {
        var doc = File.ReadAllLines(Path.Combine(RepositoryRoot(), "docs", "plausibility.md"));
        var rows = doc.Where(l => l.StartsWith("| ", StringComparison.Ordinal) && !l.StartsWith("| sign", StringComparison.Ordinal) && !l.StartsWith("|---", StringComparison.Ordinal))
            .Select(l => l.Split('|', StringSplitOptions.TrimEntries))
            .ToList();

        var expected = new Dictionary<string, VitalSign>
        {
            ["heart rate"] = VitalSign.HeartRate,
            ["SpO2"] = VitalSign.SpO2,
            ["respiration rate"] = VitalSign.RespirationRate,
            ["temperature"] = VitalSign.Temperature,
            ["systolic BP"] = VitalSign.SystolicBp,
        };
        Assert.Equal(expected.Count, rows.Count);
        foreach (var cells in rows)
        {
            var sign = expected.Single(e => cells[1].StartsWith(e.Key, StringComparison.Ordinal)).Value;
            var (min, max) = PlausibilityRanges.Of(sign);
            Assert.Equal(min, double.Parse(cells[2], CultureInfo.InvariantCulture));
            Assert.Equal(max, double.Parse(cells[4], CultureInfo.InvariantCulture));
        }
    }

    private static string RepositoryRoot()
    {
        var directory = new DirectoryInfo(AppContext.BaseDirectory);
        while (directory is not null && !File.Exists(Path.Combine(directory.FullName, "WearableEdge.sln")))
        {
            directory = directory.Parent;
        }

        return directory?.FullName ?? throw new InvalidOperationException("WearableEdge.sln not found");
    }
}

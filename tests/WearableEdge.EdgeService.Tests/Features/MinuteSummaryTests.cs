using System.Text.Json;
using WearableEdge.Clinical.Features;
using WearableEdge.Clinical.Samples;
using WearableEdge.EdgeService.Features;

namespace WearableEdge.EdgeService.Tests.Features;

public sealed class MinuteSummaryTests
{
    private static readonly DateTimeOffset Minute = new(2025, 3, 1, 8, 7, 0, TimeSpan.Zero);

    private static FeatureVector Window() => new(
        "p-001",
        Minute,
        Minute.AddMinutes(1),
        SampleCount: 57,
        Coverage: 57.0 / 60,
        new Dictionary<VitalSign, VitalSummary>
        {
            [VitalSign.HeartRate] = new(57, 72.123456, 68, 79, 75, 0.5, 57.0 / 60),
            [VitalSign.SpO2] = new(30, 96.5, 95, 98, 97, null, 0.5),
            [VitalSign.RespirationRate] = new(12, 18, 16, 20, 18, 0, 0.2),
            [VitalSign.Temperature] = new(1, 37.2, 37.2, 37.2, 37.2, null, 1.0 / 60),
            [VitalSign.SystolicBp] = new(1, 121, 121, 121, 121, null, 1.0 / 60),
        });

    [Fact]
    public void From_Window_MapsPatientMinuteStartAndRoundedCoverage()
    {
        var summary = MinuteSummary.From(Window());

        Assert.Equal("p-001", summary.PatientId);
        Assert.Equal(Minute, summary.MinuteStart);
        Assert.Equal(0.95, summary.Coverage);
    }

    [Fact]
    public void From_Window_NamesVitalsByWireNameWithMeanMinMaxCoverage()
    {
        var summary = MinuteSummary.From(Window());

        Assert.Equal(["heartRate", "respirationRate", "spO2", "systolicBp", "temperature"], summary.Vitals.Keys.Order(StringComparer.Ordinal));
        Assert.Equal(new MinuteVital(72.12, 68, 79, 0.95), summary.Vitals["heartRate"]);
        Assert.Equal(new MinuteVital(96.5, 95, 98, 0.5), summary.Vitals["spO2"]);
        Assert.Equal(new MinuteVital(18, 16, 20, 0.2), summary.Vitals["respirationRate"]);
        Assert.Equal(new MinuteVital(37.2, 37.2, 37.2, 0.017), summary.Vitals["temperature"]);
        Assert.Equal(new MinuteVital(121, 121, 121, 0.017), summary.Vitals["systolicBp"]);
    }

    [Fact]
    public void From_WindowWithoutSomeVitals_LeavesThemOut()
    {
        var window = Window() with { Vitals = new Dictionary<VitalSign, VitalSummary> { [VitalSign.HeartRate] = new(60, 70, 70, 70, 70, 0, 1) } };

        var summary = MinuteSummary.From(window);

        Assert.Equal("heartRate", Assert.Single(summary.Vitals).Key);
    }

    [Fact]
    public void Spec_DefaultAlertWindows_IsTumblingMinuteWithSameLatenessAndInterval()
    {
        var spec = MinuteSummary.Spec(WindowSpec.Default);

        Assert.Equal(TimeSpan.FromMinutes(1), spec.Length);
        Assert.Equal(TimeSpan.FromMinutes(1), spec.Hop);
        Assert.Equal(WindowSpec.Default.AllowedLateness, spec.AllowedLateness);
        Assert.Equal(WindowSpec.Default.SampleInterval, spec.SampleInterval);
    }

    [Fact]
    public void Json_RoundTrip_KeepsEveryValue()
    {
        var summary = MinuteSummary.From(Window());

        var json = JsonSerializer.Serialize(summary, MinuteSummaryJsonContext.Default.MinuteSummary);
        var back = JsonSerializer.Deserialize(json, MinuteSummaryJsonContext.Default.MinuteSummary)!;

        Assert.Contains("\"minuteStart\":", json, StringComparison.Ordinal);
        Assert.Contains("\"heartRate\":", json, StringComparison.Ordinal);
        Assert.Equal(summary.PatientId, back.PatientId);
        Assert.Equal(summary.MinuteStart, back.MinuteStart);
        Assert.Equal(summary.Coverage, back.Coverage);
        Assert.Equal(summary.Vitals.OrderBy(kv => kv.Key, StringComparer.Ordinal), back.Vitals.OrderBy(kv => kv.Key, StringComparer.Ordinal));
    }
}

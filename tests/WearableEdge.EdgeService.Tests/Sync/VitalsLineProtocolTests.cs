using WearableEdge.EdgeService.Features;
using WearableEdge.EdgeService.Sync;

namespace WearableEdge.EdgeService.Tests.Sync;

public sealed class VitalsLineProtocolTests
{
    private static MinuteSummary Summary(params (string Name, MinuteVital Vital)[] vitals) =>
        new("bed-12-smith", TestAlerts.T0.AddMinutes(3), 0.95, vitals.ToDictionary(v => v.Name, v => v.Vital));

    [Fact]
    public void ToLine_HeartRate_IsMeasurementPatientTagSnakeCaseFieldsAndMinuteStartMs()
    {
        var summary = Summary(("heartRate", new MinuteVital(72.5, 70, 75, 1)));

        var line = VitalsLineProtocol.ToLine(summary, "p-0a1b");

        // 08:03:00 on 2025-03-01 UTC.
        Assert.Equal(
            "vitals_1m,patient=p-0a1b coverage=0.95,heart_rate_mean=72.5,heart_rate_min=70,heart_rate_max=75,heart_rate_coverage=1 1740816180000",
            line);
    }

    [Fact]
    public void ToLine_SeveralVitals_FieldsInNameOrderWithOnlyPatientTag()
    {
        var summary = Summary(
            ("systolicBp", new MinuteVital(120, 118, 123, 0.5)),
            ("respirationRate", new MinuteVital(18.25, 16, 21, 0.983)),
            ("heartRate", new MinuteVital(80, 79, 81, 1)));

        var line = VitalsLineProtocol.ToLine(summary, "p-1");

        var parts = line.Split(' ');
        Assert.Equal(3, parts.Length);
        Assert.Equal("vitals_1m,patient=p-1", parts[0]);
        Assert.Equal(
            "coverage=0.95,heart_rate_mean=80,heart_rate_min=79,heart_rate_max=81,heart_rate_coverage=1," +
            "respiration_rate_mean=18.25,respiration_rate_min=16,respiration_rate_max=21,respiration_rate_coverage=0.983," +
            "systolic_bp_mean=120,systolic_bp_min=118,systolic_bp_max=123,systolic_bp_coverage=0.5",
            parts[1]);
    }

    [Fact]
    public void ToLine_SameSummaryInAnyDictionaryOrder_GivesIdenticalLine()
    {
        var first = Summary(("heartRate", new MinuteVital(80, 79, 81, 1)), ("temperature", new MinuteVital(37.1, 37, 37.2, 0.5)));
        var reordered = Summary(("temperature", new MinuteVital(37.1, 37, 37.2, 0.5)), ("heartRate", new MinuteVital(80, 79, 81, 1)));

        Assert.Equal(VitalsLineProtocol.ToLine(first, "p-1"), VitalsLineProtocol.ToLine(reordered, "p-1"));
    }

    [Fact]
    public void ToLine_NoVitals_HasCoverageOnly()
    {
        Assert.Equal("vitals_1m,patient=p-1 coverage=0.95 1740816180000", VitalsLineProtocol.ToLine(Summary(), "p-1"));
    }

    [Fact]
    public void ToLine_NeverContainsPatientId()
    {
        var line = VitalsLineProtocol.ToLine(Summary(("heartRate", new MinuteVital(80, 79, 81, 1))), "p-0a1b");

        Assert.DoesNotContain("bed-12-smith", line, StringComparison.Ordinal);
    }

    [Fact]
    public void ToLine_EmptyPseudonym_Throws() =>
        Assert.Throws<ArgumentException>(() => VitalsLineProtocol.ToLine(Summary(), ""));
}

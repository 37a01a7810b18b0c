using WearableEdge.Clinical.Samples;
using WearableEdge.EdgeService.Ingest.Formats;

namespace WearableEdge.EdgeService.Tests.Ingest.Formats;

public sealed class UcumUnitsTests
{
    [Theory]
    [InlineData(VitalSign.HeartRate, 72, "/min", 72)]
    [InlineData(VitalSign.HeartRate, 72, "{beats}/min", 72)]
    [InlineData(VitalSign.HeartRate, 72, "beats/min", 72)]
    [InlineData(VitalSign.HeartRate, 1.2, "/s", 72)]
    [InlineData(VitalSign.RespirationRate, 14, "{breaths}/min", 14)]
    [InlineData(VitalSign.RespirationRate, 14, "breaths/min", 14)]
    [InlineData(VitalSign.SpO2, 97, "%", 97)]
    [InlineData(VitalSign.SpO2, 0.97, "1", 97)]
    [InlineData(VitalSign.SpO2, 0.97, "", 97)]
    [InlineData(VitalSign.Temperature, 98.6, "[degF]", 37)]
    [InlineData(VitalSign.Temperature, 98.6, "F", 37)]
    [InlineData(VitalSign.Temperature, 37, "Cel", 37)]
    [InlineData(VitalSign.Temperature, 310.15, "K", 37)]
    [InlineData(VitalSign.SystolicBp, 16, "kPa", 120.0098521)]
    public void ToCanonical_ConvertibleUnit_GivesCanonicalValue(VitalSign sign, double value, string unit, double expected)
    {
        var result = UcumUnits.ToCanonical(sign, value, unit);

        Assert.True(result.Succeeded, result.Error);
        Assert.Equal(expected, result.Value!.Value, 6);
    }

    [Theory]
    [InlineData(VitalSign.HeartRate, 72, "kg")]
    [InlineData(VitalSign.HeartRate, 72, "/h")]
    [InlineData(VitalSign.SpO2, 97, "1")]
    [InlineData(VitalSign.SpO2, 97, "")]
    [InlineData(VitalSign.Temperature, 37, "degC")]
    [InlineData(VitalSign.Temperature, 37, "cel")]
    [InlineData(VitalSign.SystolicBp, 120, "cm[H2O]")]
    [InlineData(VitalSign.HeartRate, double.NaN, "/min")]
    public void ToCanonical_UnconvertibleUnit_FailsWithReason(VitalSign sign, double value, string unit)
    {
        var result = UcumUnits.ToCanonical(sign, value, unit);

        Assert.False(result.Succeeded);
        Assert.Null(result.Value);
        Assert.False(string.IsNullOrWhiteSpace(result.Error));
    }

    [Theory]
    [InlineData("[g]", 1.0)]
    [InlineData("g", 1.0)]
    [InlineData("m/s2", 1 / 9.80665)]
    [InlineData("ft/s2", null)]
    public void AccelerationScaleToG_KnownUnits(string unit, double? expected) =>
        Assert.Equal(expected, UcumUnits.AccelerationScaleToG(unit));
}

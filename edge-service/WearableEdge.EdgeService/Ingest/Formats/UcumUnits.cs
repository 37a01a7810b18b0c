using System.Globalization;
using WearableEdge.Clinical.Samples;

namespace WearableEdge.EdgeService.Ingest.Formats;

/// <summary>A value in the canonical unit of its vital sign, or the reason it could not be converted.</summary>
public readonly record struct UnitConversion(double? Value, string? Error)
{
    public bool Succeeded => Error is null;

    public static UnitConversion Ok(double value) => new(value, null);

    public static UnitConversion Fail(string error) => new(null, error);
}

/// <summary>
/// Converts a vital-sign value to the canonical unit of contract v1 (<see cref="VitalSignCodes.Ucum"/>):
/// <c>/min</c> for heart and respiratory rate, <c>%</c> for SpO2, <c>Cel</c> for temperature,
/// <c>mm[Hg]</c> for blood pressure. Unit codes are UCUM case-sensitive codes
/// (https://ucum.org/ucum), plus the unit strings Open mHealth schemas use
/// (<c>beats/min</c>, <c>breaths/min</c>, <c>C</c>, <c>F</c>, <c>K</c>). Anything else is rejected with a
/// reason: a value is never guessed into a unit.
/// </summary>
public static class UcumUnits
{
    /// <summary>Standard gravity, m/s² per [g] (UCUM defines [g] as 9.80665 m/s2).</summary>
    public const double StandardGravity = 9.80665;

    /// <summary>Converts <paramref name="value"/> in <paramref name="unit"/> to the canonical unit of <paramref name="sign"/>.</summary>
    public static UnitConversion ToCanonical(VitalSign sign, double value, string? unit)
    {
        if (!double.IsFinite(value))
        {
            return UnitConversion.Fail($"{VitalSignCodes.Name(sign)} value is not a finite number");
        }

        var u = unit?.Trim() ?? "";
        return sign switch
        {
            VitalSign.HeartRate => Rate(value, u, "{beats}/min", "beats/min", "{beat}/min"),
            VitalSign.RespirationRate => Rate(value, u, "{breaths}/min", "breaths/min", "{breath}/min"),
            VitalSign.SpO2 => u switch
            {
                "%" => UnitConversion.Ok(value),
                // A dimensionless fraction (UCUM "1", or no unit) 0–1 is scaled to %; a bare number above 1
                // is ambiguous (a fraction cannot exceed 1), so it is rejected rather than read as %.
                "1" or "" when value is >= 0 and <= 1 => UnitConversion.Ok(value * 100),
                "1" or "" => UnitConversion.Fail($"spO2 {Format(value)} with unit '{u}' is not a fraction 0–1; send unit '%'"),
                _ => Unsupported(sign, u),
            },
            VitalSign.Temperature => u switch
            {
                "Cel" or "C" => UnitConversion.Ok(value),
                "[degF]" or "F" => UnitConversion.Ok((value - 32) * 5 / 9),
                "K" => UnitConversion.Ok(value - 273.15),
                _ => Unsupported(sign, u),
            },
            VitalSign.SystolicBp => u switch
            {
                "mm[Hg]" or "mmHg" => UnitConversion.Ok(value),
                "kPa" => UnitConversion.Ok(value * 7.500615758),
                _ => Unsupported(sign, u),
            },
            _ => Unsupported(sign, u),
        };
    }

    /// <summary>Converts an acceleration in <paramref name="unit"/> (<c>[g]</c>, <c>g</c> or <c>m/s2</c>) to [g]; null when the unit is not one of them.</summary>
    public static double? AccelerationScaleToG(string? unit) => unit?.Trim() switch
    {
        "[g]" or "g" => 1.0,
        "m/s2" or "m/s^2" => 1 / StandardGravity,
        _ => null,
    };

    private static UnitConversion Rate(double value, string unit, params string[] perMinute) =>
        unit is "/min" || perMinute.Contains(unit)
            ? UnitConversion.Ok(value)
            : unit is "/s" or "Hz"
                ? UnitConversion.Ok(value * 60)
                : UnitConversion.Fail($"unit '{unit}' is not a rate per minute (/min, {string.Join(", ", perMinute)}, /s)");

    private static UnitConversion Unsupported(VitalSign sign, string unit) =>
        UnitConversion.Fail($"unit '{unit}' cannot be converted to {VitalSignCodes.Ucum(sign)} for {VitalSignCodes.Name(sign)}");

    private static string Format(double value) => value.ToString("G", CultureInfo.InvariantCulture);
}

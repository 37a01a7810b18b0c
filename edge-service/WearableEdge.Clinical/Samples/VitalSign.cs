namespace WearableEdge.Clinical.Samples;

/// <summary>The vital signs a wearable or home kit can give, in canonical units.</summary>
public enum VitalSign
{
    /// <summary>Heart rate, /min.</summary>
    HeartRate,

    /// <summary>SpO2 by pulse oximetry, %.</summary>
    SpO2,

    /// <summary>Respiration rate, /min.</summary>
    RespirationRate,

    /// <summary>Body or skin temperature, °C.</summary>
    Temperature,

    /// <summary>Systolic blood pressure, mmHg.</summary>
    SystolicBp,
}

/// <summary>Codes and units of each vital sign (FACTS.md, "Codes and units").</summary>
public static class VitalSignCodes
{
    public static IReadOnlyList<VitalSign> All { get; } = Enum.GetValues<VitalSign>();

    /// <summary>Wire and API name, camelCase.</summary>
    public static string Name(VitalSign sign) => sign switch
    {
        VitalSign.HeartRate => "heartRate",
        VitalSign.SpO2 => "spO2",
        VitalSign.RespirationRate => "respirationRate",
        VitalSign.Temperature => "temperature",
        VitalSign.SystolicBp => "systolicBp",
        _ => throw new ArgumentOutOfRangeException(nameof(sign), sign, null),
    };

    /// <summary>LOINC code: 8867-4, 59408-5, 9279-1, 8310-5, 8480-6.</summary>
    public static string Loinc(VitalSign sign) => sign switch
    {
        VitalSign.HeartRate => "8867-4",
        VitalSign.SpO2 => "59408-5",
        VitalSign.RespirationRate => "9279-1",
        VitalSign.Temperature => "8310-5",
        VitalSign.SystolicBp => "8480-6",
        _ => throw new ArgumentOutOfRangeException(nameof(sign), sign, null),
    };

    /// <summary>UCUM unit of the canonical value.</summary>
    public static string Ucum(VitalSign sign) => sign switch
    {
        VitalSign.HeartRate => "/min",
        VitalSign.SpO2 => "%",
        VitalSign.RespirationRate => "/min",
        VitalSign.Temperature => "Cel",
        VitalSign.SystolicBp => "mm[Hg]",
        _ => throw new ArgumentOutOfRangeException(nameof(sign), sign, null),
    };
}

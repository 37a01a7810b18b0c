namespace WearableEdge.Clinical.Samples;

/// <summary>
/// The values of one vital-sign sample in canonical units (/min, %, /min, °C, mmHg).
/// A value the device did not measure is null.
/// </summary>
public readonly record struct VitalSigns(
    double? HeartRate = null,
    double? SpO2 = null,
    double? RespirationRate = null,
    double? Temperature = null,
    double? SystolicBp = null)
{
    public double? Get(VitalSign sign) => sign switch
    {
        VitalSign.HeartRate => HeartRate,
        VitalSign.SpO2 => SpO2,
        VitalSign.RespirationRate => RespirationRate,
        VitalSign.Temperature => Temperature,
        VitalSign.SystolicBp => SystolicBp,
        _ => throw new ArgumentOutOfRangeException(nameof(sign), sign, null),
    };

    public bool IsEmpty =>
        HeartRate is null && SpO2 is null && RespirationRate is null && Temperature is null && SystolicBp is null;
}

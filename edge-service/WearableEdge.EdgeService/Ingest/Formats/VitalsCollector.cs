using WearableEdge.Clinical.Samples;
using WearableEdge.Contracts;

namespace WearableEdge.EdgeService.Ingest.Formats;

/// <summary>
/// Gathers single vital-sign measurements, already in canonical units, into contract v1 readings
/// (one per timestamp), so every format ends in the same validation as v1 (<see cref="PayloadDecoder"/>).
/// </summary>
internal sealed class VitalsCollector
{
    private readonly SortedDictionary<DateTimeOffset, VitalsReading> _readings = [];

    public int Count => _readings.Count;

    /// <summary>Adds one value; false when the same sign already has a value at the same time.</summary>
    public bool TryAdd(DateTimeOffset ts, VitalSign sign, double value)
    {
        var key = ts.ToUniversalTime();
        var reading = _readings.TryGetValue(key, out var existing) ? existing : new VitalsReading { Ts = key };
        if (Get(reading, sign) is not null)
        {
            return false;
        }

        _readings[key] = sign switch
        {
            VitalSign.HeartRate => reading with { HeartRate = value },
            VitalSign.SpO2 => reading with { SpO2 = value },
            VitalSign.RespirationRate => reading with { RespirationRate = value },
            VitalSign.Temperature => reading with { TemperatureC = value },
            VitalSign.SystolicBp => reading with { SystolicBp = value },
            _ => throw new ArgumentOutOfRangeException(nameof(sign), sign, null),
        };
        return true;
    }

    public VitalsBatch ToBatch(string deviceId) =>
        new() { SchemaVersion = ContractVersion.V1, DeviceId = deviceId, Samples = [.. _readings.Values] };

    private static double? Get(VitalsReading r, VitalSign sign) => sign switch
    {
        VitalSign.HeartRate => r.HeartRate,
        VitalSign.SpO2 => r.SpO2,
        VitalSign.RespirationRate => r.RespirationRate,
        VitalSign.Temperature => r.TemperatureC,
        VitalSign.SystolicBp => r.SystolicBp,
        _ => null,
    };
}

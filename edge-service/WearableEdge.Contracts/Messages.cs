using System.Text.Json.Serialization;

namespace WearableEdge.Contracts;

/// <summary>Version numbers of the wire contract (docs/contract.md).</summary>
public static class ContractVersion
{
    /// <summary>The only schema version this build accepts and emits.</summary>
    public const int V1 = 1;
}

/// <summary>
/// <c>wearables/{patientId}/vitals</c>: a batch of 1 Hz vital-sign samples from one device.
/// </summary>
public sealed record VitalsBatch
{
    public required int SchemaVersion { get; init; }
    public required string DeviceId { get; init; }
    public required IReadOnlyList<VitalsReading> Samples { get; init; }
}

/// <summary>
/// One vital-sign sample. Every value is optional: a wearable sends what it measured.
/// Units are fixed by the contract: /min, %, /min, Cel, mm[Hg].
/// </summary>
public sealed record VitalsReading
{
    /// <summary>Device timestamp, ISO 8601 with offset (UTC recommended).</summary>
    public DateTimeOffset? Ts { get; init; }

    /// <summary>Heart rate, LOINC 8867-4, UCUM <c>/min</c>.</summary>
    public double? HeartRate { get; init; }

    /// <summary>SpO2 by pulse oximetry, LOINC 59408-5, UCUM <c>%</c> (0–100).</summary>
    public double? SpO2 { get; init; }

    /// <summary>Respiratory rate, LOINC 9279-1, UCUM <c>/min</c>.</summary>
    public double? RespirationRate { get; init; }

    /// <summary>Body or skin temperature, LOINC 8310-5, UCUM <c>Cel</c>.</summary>
    public double? TemperatureC { get; init; }

    /// <summary>Systolic blood pressure, LOINC 8480-6, UCUM <c>mm[Hg]</c>. Optional.</summary>
    public double? SystolicBp { get; init; }

    /// <summary>
    /// The device's signal-quality index for this sample, 0 (unusable) to 1 (clean), UCUM <c>1</c>.
    /// Optional (added in v1 without a version change: older senders omit it). A PPG wearable
    /// should send it per sample: motion artefact comes and goes within seconds, which a periodic
    /// device status cannot follow. Below the gateway's threshold (default 0.5) the sample is
    /// counted as poor signal and kept out of features and alerts.
    /// </summary>
    public double? SignalQuality { get; init; }
}

/// <summary>
/// <c>wearables/{patientId}/motion</c>: accelerometer samples in g at a fixed rate (25–100 Hz),
/// 0.25–1 s per message. Sample i was taken at <c>Ts + i / SampleRateHz</c>.
/// </summary>
public sealed record MotionBatch
{
    public required int SchemaVersion { get; init; }
    public required string DeviceId { get; init; }

    /// <summary>Device timestamp of the first sample.</summary>
    public DateTimeOffset? Ts { get; init; }

    /// <summary>Sampling rate in Hz, 25–100.</summary>
    public required double SampleRateHz { get; init; }

    /// <summary>Acceleration along x, in g (standard gravity, UCUM <c>[g]</c>).</summary>
    public required IReadOnlyList<double> X { get; init; }

    /// <summary>Acceleration along y, in g.</summary>
    public required IReadOnlyList<double> Y { get; init; }

    /// <summary>Acceleration along z, in g.</summary>
    public required IReadOnlyList<double> Z { get; init; }
}

/// <summary><c>wearables/{patientId}/device</c>: the state of the wearable itself.</summary>
public sealed record DeviceStatus
{
    public required int SchemaVersion { get; init; }
    public required string DeviceId { get; init; }

    /// <summary>Device timestamp of this status.</summary>
    public DateTimeOffset? Ts { get; init; }

    /// <summary>Battery charge, UCUM <c>%</c> (0–100).</summary>
    public required double BatteryPercent { get; init; }

    /// <summary>Whether the device is being worn.</summary>
    public required WearStatus WearStatus { get; init; }

    /// <summary>Signal quality of the optical sensor, 0 (unusable) to 1 (clean).</summary>
    public required double SignalQuality { get; init; }
}

/// <summary>Whether the wearable is on the body. On the wire: <c>on</c>, <c>off</c> or <c>unknown</c>, never a number.</summary>
[JsonConverter(typeof(WearStatusJsonConverter))]
public enum WearStatus
{
    [JsonStringEnumMemberName("unknown")]
    Unknown,

    [JsonStringEnumMemberName("on")]
    On,

    [JsonStringEnumMemberName("off")]
    Off,
}

/// <summary>Reads and writes <see cref="WearStatus"/> as its contract names only; a number is rejected.</summary>
public sealed class WearStatusJsonConverter() : JsonStringEnumConverter<WearStatus>(namingPolicy: null, allowIntegerValues: false);

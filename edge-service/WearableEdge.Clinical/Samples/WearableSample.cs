namespace WearableEdge.Clinical.Samples;

/// <summary>One decoded, validated vital-sign sample of one patient, stamped with device time.</summary>
/// <param name="PatientId">The patient the device was assigned to.</param>
/// <param name="DeviceId">The device that measured it.</param>
/// <param name="DeviceTime">When the device took the sample (event time, not arrival time).</param>
/// <param name="Vitals">The values, in canonical units.</param>
/// <param name="SignalQuality">
/// The device's signal-quality index for this sample, 0 (unusable) to 1 (clean), when the format
/// carries one; null when it does not (contract v1 vitals). See <see cref="SampleScreen"/>.
/// </param>
public sealed record WearableSample(string PatientId, string DeviceId, DateTimeOffset DeviceTime, VitalSigns Vitals, double? SignalQuality = null);

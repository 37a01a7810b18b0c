using Microsoft.Extensions.Options;
using WearableEdge.Clinical.Samples;
using WearableEdge.EdgeService.Ingest;

namespace WearableEdge.EdgeService.Devices;

/// <summary>Reasons the registry gives for not processing a message (dead-letter and counter names).</summary>
public static class DeviceRejectReason
{
    /// <summary>The device is not assigned to any patient at the sample's time. Dead-lettered.</summary>
    public const string UnknownDevice = "unknown-device";

    /// <summary>The device's patient has no consent on record. Counted only: the payload is not kept.</summary>
    public const string NoConsent = "no-consent";
}

/// <summary>
/// The ingest check against the registry. With <c>Devices:Registry=Off</c> every decoded payload
/// passes unchanged. With <c>Enforce</c> each sample is given the patient its device was assigned to
/// at the sample's own time (so a swapped wearable and the old one's late samples both land on the
/// right patient), and a message is rejected when no sample has an assigned device
/// (<see cref="DeviceRejectReason.UnknownDevice"/>) or none has a consenting patient
/// (<see cref="DeviceRejectReason.NoConsent"/>). Samples dropped from a message that is otherwise
/// accepted are counted as samples with the same outcome names.
/// </summary>
public sealed class DeviceGate(DeviceRegistry registry, IOptions<DeviceOptions> options, EdgeMetrics metrics, TimeProvider timeProvider)
{
    /// <summary>Whether the registry is enforced.</summary>
    public bool Enforced { get; } = options.Value.Registry == DeviceRegistryMode.Enforce;

    /// <summary>The payload with registry patients, or a rejection; rejections and other payloads from the decoder pass as they are.</summary>
    public DecodedPayload Admit(DecodedPayload decoded)
    {
        ArgumentNullException.ThrowIfNull(decoded);
        if (!Enforced)
        {
            return decoded;
        }

        return decoded switch
        {
            DecodedPayload.Vitals vitals => AdmitVitals(vitals),
            DecodedPayload.Motion motion => Decide(motion.DeviceId, motion.DeviceTime) is { } patient
                ? patient.Reason ?? (DecodedPayload)(motion with { PatientId = patient.PatientId! })
                : Unknown(motion.DeviceId),
            DecodedPayload.Device device => Decide(device.Status.DeviceId, device.Status.Ts ?? timeProvider.GetUtcNow()) is { } patient
                ? patient.Reason ?? (DecodedPayload)(device with { PatientId = patient.PatientId! })
                : Unknown(device.Status.DeviceId),
            _ => decoded,
        };
    }

    private DecodedPayload AdmitVitals(DecodedPayload.Vitals vitals)
    {
        var admitted = new List<WearableSample>(vitals.Samples.Count);
        int unknown = 0, noConsent = 0;
        foreach (var sample in vitals.Samples)
        {
            var patientId = registry.PatientAt(sample.DeviceId, sample.DeviceTime);
            if (patientId is null)
            {
                unknown++;
            }
            else if (!registry.HasConsent(patientId))
            {
                noConsent++;
            }
            else
            {
                admitted.Add(sample.PatientId == patientId ? sample : sample with { PatientId = patientId });
            }
        }

        if (admitted.Count == 0)
        {
            return unknown > 0 ? Unknown(vitals.DeviceId) : NoConsent();
        }

        if (unknown > 0)
        {
            metrics.Sample(DeviceRejectReason.UnknownDevice, unknown);
        }

        if (noConsent > 0)
        {
            metrics.Sample(DeviceRejectReason.NoConsent, noConsent);
        }

        return vitals with { PatientId = admitted[^1].PatientId, Samples = admitted };
    }

    private (string? PatientId, DecodedPayload? Reason)? Decide(string deviceId, DateTimeOffset at)
    {
        var patientId = registry.PatientAt(deviceId, at);
        return patientId is null ? null : (patientId, registry.HasConsent(patientId) ? null : NoConsent());
    }

    private static DecodedPayload.Rejected Unknown(string deviceId) =>
        new(DeviceRejectReason.UnknownDevice, $"device {deviceId} is not assigned to a patient at the sample time");

    // No patient id in the detail: it is counted, not dead-lettered, and it may be logged.
    private static DecodedPayload.Rejected NoConsent() =>
        new(DeviceRejectReason.NoConsent, "the device's patient has no consent on record");
}

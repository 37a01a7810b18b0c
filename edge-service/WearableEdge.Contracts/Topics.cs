namespace WearableEdge.Contracts;

/// <summary>MQTT topic names of message contract v1 (docs/contract.md).</summary>
public static class Topics
{
    /// <summary>Root of every topic a wearable publishes to.</summary>
    public const string WearablesRoot = "wearables";

    /// <summary>Subscription filter for every wearable stream of every patient.</summary>
    public const string AllWearableStreams = "wearables/+/+";

    /// <summary>Topic on which the service republishes payloads it rejected, with the reason.</summary>
    public const string DeadLetter = "wearable-edge/dead-letter";

    public const string VitalsStream = "vitals";
    public const string MotionStream = "motion";
    public const string DeviceStream = "device";

    /// <summary>Open mHealth data points (one, or a JSON array of them); docs/contract.md "Other formats".</summary>
    public const string OpenMHealthStream = "omh";

    /// <summary>HL7 FHIR R4 vital-signs <c>Observation</c>s (one, or a <c>Bundle</c>); docs/contract.md "Other formats".</summary>
    public const string FhirStream = "fhir";

    public static string Vitals(string patientId) => Wearable(patientId, VitalsStream);

    public static string Motion(string patientId) => Wearable(patientId, MotionStream);

    public static string Device(string patientId) => Wearable(patientId, DeviceStream);

    public static string OpenMHealth(string patientId) => Wearable(patientId, OpenMHealthStream);

    public static string Fhir(string patientId) => Wearable(patientId, FhirStream);

    /// <summary>Topic on which alerts for one patient are published (JSON, QoS 1).</summary>
    public static string Alerts(string patientId)
    {
        ValidatePatientId(patientId);
        return "wearable-edge/alerts/" + patientId;
    }

    /// <summary>
    /// Splits <c>wearables/{patientId}/{stream}</c> (stream: vitals, motion, device, omh, fhir). Returns false for any other shape, and for a
    /// patient id that would not be a single topic level.
    /// </summary>
    public static bool TryParseWearableTopic(string topic, out string patientId, out WearableStream stream)
    {
        ArgumentNullException.ThrowIfNull(topic);
        patientId = "";
        stream = default;
        var parts = topic.Split('/');
        if (parts.Length != 3 || parts[0] != WearablesRoot || !IsValidPatientId(parts[1]))
        {
            return false;
        }

        WearableStream? parsed = parts[2] switch
        {
            VitalsStream => WearableStream.Vitals,
            MotionStream => WearableStream.Motion,
            DeviceStream => WearableStream.Device,
            OpenMHealthStream => WearableStream.OpenMHealth,
            FhirStream => WearableStream.Fhir,
            _ => null,
        };
        if (parsed is null)
        {
            return false;
        }

        patientId = parts[1];
        stream = parsed.Value;
        return true;
    }

    /// <summary>
    /// A patient id is one topic level of 1–64 characters from [A-Za-z0-9._-]. MQTT wildcards,
    /// separators and whitespace are excluded so an id can never widen a subscription.
    /// </summary>
    public static bool IsValidPatientId(string? patientId)
    {
        if (string.IsNullOrEmpty(patientId) || patientId.Length > 64)
        {
            return false;
        }

        foreach (var c in patientId)
        {
            if (!(char.IsAsciiLetterOrDigit(c) || c is '.' or '_' or '-'))
            {
                return false;
            }
        }

        return true;
    }

    private static string Wearable(string patientId, string stream)
    {
        ValidatePatientId(patientId);
        return $"{WearablesRoot}/{patientId}/{stream}";
    }

    private static void ValidatePatientId(string patientId)
    {
        if (!IsValidPatientId(patientId))
        {
            throw new ArgumentException("A patient id is 1–64 characters from [A-Za-z0-9._-].", nameof(patientId));
        }
    }
}

/// <summary>The streams a wearable publishes: the three of contract v1, and two standard formats.</summary>
public enum WearableStream
{
    Vitals,
    Motion,
    Device,

    /// <summary>Open mHealth data points: vital signs or an acceleration batch.</summary>
    OpenMHealth,

    /// <summary>HL7 FHIR R4 vital-signs Observations.</summary>
    Fhir,
}

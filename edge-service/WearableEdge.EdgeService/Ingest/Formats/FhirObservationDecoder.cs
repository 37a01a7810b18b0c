using System.Buffers;
using System.Globalization;
using System.Text.Json;
using Hl7.Fhir.Model;
using Hl7.Fhir.Serialization;
using WearableEdge.Clinical.Samples;

namespace WearableEdge.EdgeService.Ingest.Formats;

/// <summary>
/// Decodes HL7 FHIR R4 vital-signs <c>Observation</c>s on <c>wearables/{patientId}/fhir</c>: one
/// Observation, or a <c>Bundle</c> of them, parsed with Firely <c>Hl7.Fhir.R4</c>. An Observation is read
/// from its LOINC <c>code</c> and <c>valueQuantity</c>, or from its <c>component</c>s (a blood-pressure or
/// vital-signs panel). Units go through <see cref="UcumUnits"/>. The device id is <c>Observation.device</c>
/// (<c>Device/{id}</c> or an identifier value); <c>subject</c>, when present, must be <c>Patient/{patientId}</c>
/// of the topic. Never throws for bad input.
/// </summary>
public static class FhirObservationDecoder
{
    /// <summary>LOINC system URI.</summary>
    public const string LoincSystem = "http://loinc.org";

    /// <summary>UCUM system URI.</summary>
    public const string UcumSystem = "http://unitsofmeasure.org";

    /// <summary>Codes whose values are not read (diastolic BP, panel codes): skipped, not rejected.</summary>
    private static readonly HashSet<string> KnownButUnused = ["8462-4", "85354-9", "85353-1"];

    private static readonly FhirJsonDeserializer Deserializer = new(new DeserializerSettings());

    /// <summary>The vital sign of a LOINC code (FACTS.md "Codes and units"), or null.</summary>
    public static VitalSign? FromLoinc(string? code) => code switch
    {
        "8867-4" => VitalSign.HeartRate,
        "59408-5" or "2708-6" => VitalSign.SpO2,
        "9279-1" => VitalSign.RespirationRate,
        "8310-5" => VitalSign.Temperature,
        "8480-6" => VitalSign.SystolicBp,
        _ => null,
    };

    public static DecodedPayload Decode(string patientId, ReadOnlySequence<byte> payload)
    {
        Resource? resource;
        try
        {
            var reader = new Utf8JsonReader(payload, new JsonReaderOptions { MaxDepth = 32 });
            if (!Deserializer.TryDeserializeResource(ref reader, out resource, out var issues) || resource is null)
            {
                var first = issues.FirstOrDefault()?.Message ?? "not a FHIR resource";
                return Reject(RejectReason.MalformedJson, "FHIR: " + FirstSentence(first));
            }
        }
        catch (Exception e) when (e is JsonException or FormatException or InvalidOperationException or ArgumentException)
        {
            return Reject(RejectReason.MalformedJson, "FHIR: " + FirstSentence(e.Message));
        }

        var observations = resource switch
        {
            Observation single => [single],
            Bundle bundle => bundle.Entry.Select(e => e.Resource).OfType<Observation>().ToList(),
            _ => null,
        };
        if (observations is null)
        {
            return Reject(RejectReason.UnsupportedCode, $"FHIR resource {resource.TypeName} is neither an Observation nor a Bundle");
        }

        if (observations.Count == 0)
        {
            return Reject(RejectReason.EmptyBatch, "the Bundle holds no Observation");
        }

        if (observations.Count > PayloadDecoder.MaxVitalsSamples)
        {
            return Reject(RejectReason.InvalidValue, $"{observations.Count} Observations exceed {PayloadDecoder.MaxVitalsSamples} per message");
        }

        string? deviceId = null;
        var vitals = new VitalsCollector();
        for (var i = 0; i < observations.Count; i++)
        {
            var o = observations[i];
            var where = observations.Count == 1 ? "Observation" : $"Observation [{i}]";
            if (o.Status is ObservationStatus.EnteredInError or ObservationStatus.Cancelled or ObservationStatus.Registered or null)
            {
                return Reject(RejectReason.InvalidValue, $"{where} has status {o.Status?.ToString() ?? "(none)"}, not a measurement");
            }

            if (o.Subject?.Reference is { } subject && subject != "Patient/" + patientId)
            {
                return Reject(RejectReason.InvalidValue, $"{where}.subject is not the patient of the topic");
            }

            var device = o.Device?.Reference is { } reference && reference.StartsWith("Device/", StringComparison.Ordinal)
                ? reference["Device/".Length..]
                : o.Device?.Identifier?.Value;
            if (string.IsNullOrWhiteSpace(device))
            {
                return Reject(RejectReason.MissingField, $"{where}.device (Device/{{id}} or an identifier) is missing");
            }

            if (deviceId is not null && device != deviceId)
            {
                return Reject(RejectReason.InvalidValue, $"{where} comes from another device than Observation [0]");
            }

            deviceId = device;
            if (EffectiveTime(o) is not { } ts)
            {
                return Reject(RejectReason.MissingTimestamp, $"{where}.effectiveDateTime (or effectivePeriod.start) with a time and offset is missing");
            }

            var read = 0;
            if (Read(o.Code, o.Value, where, ts, vitals, ref read) is { } rejected)
            {
                return rejected;
            }

            for (var c = 0; c < o.Component.Count; c++)
            {
                if (Read(o.Component[c].Code, o.Component[c].Value, $"{where}.component[{c}]", ts, vitals, ref read) is { } rejectedComponent)
                {
                    return rejectedComponent;
                }
            }

            if (read == 0)
            {
                return Reject(RejectReason.UnsupportedCode, $"{where} carries no vital sign with a LOINC code this gateway reads (8867-4, 59408-5, 2708-6, 9279-1, 8310-5, 8480-6)");
            }
        }

        return PayloadDecoder.DecodeVitals(patientId, vitals.ToBatch(deviceId!));
    }

    /// <summary>Adds the value of one coded quantity; null when fine (read or skipped), else the rejection.</summary>
    private static DecodedPayload.Rejected? Read(CodeableConcept? code, DataType? value, string where, DateTimeOffset ts, VitalsCollector vitals, ref int read)
    {
        var loinc = code?.Coding.Where(c => c.System == LoincSystem && c.Code is not null).Select(c => c.Code!).ToList() ?? [];
        var sign = loinc.Select(FromLoinc).FirstOrDefault(s => s is not null);
        if (sign is null)
        {
            // A panel (its values are in components) or a diastolic pressure is skipped; any other code is not ours.
            return loinc.Any(KnownButUnused.Contains) || (value is null && loinc.Count == 0 && code is null)
                ? null
                : Reject(RejectReason.UnsupportedCode, $"{where}.code {(loinc.Count == 0 ? "has no LOINC coding" : $"LOINC {string.Join(",", loinc)}")} is not a vital sign this gateway reads");
        }

        if (value is not Quantity { Value: { } number } quantity)
        {
            return Reject(RejectReason.MissingField, $"{where} has no valueQuantity");
        }

        if (quantity.System is { } system && system != UcumSystem)
        {
            return Reject(RejectReason.UnsupportedUnit, $"{where}.valueQuantity.system is not UCUM ({UcumSystem})");
        }

        var converted = UcumUnits.ToCanonical(sign.Value, (double)number, quantity.Code ?? quantity.Unit);
        if (!converted.Succeeded)
        {
            return Reject(RejectReason.UnsupportedUnit, $"{where}: {converted.Error}");
        }

        if (!vitals.TryAdd(ts, sign.Value, converted.Value!.Value))
        {
            return Reject(RejectReason.InvalidValue, $"{where} repeats {VitalSignCodes.Name(sign.Value)} at the same time");
        }

        read++;
        return null;
    }

    private static DateTimeOffset? EffectiveTime(Observation o)
    {
        var text = o.Effective switch
        {
            FhirDateTime dateTime => dateTime.Value,
            Period period => period.Start,
            Instant instant => instant.Value?.ToString("o", CultureInfo.InvariantCulture),
            _ => null,
        };
        return text is not null && text.Contains('T', StringComparison.Ordinal) && OpenMHealthDecoder.HasOffset(text)
               && DateTimeOffset.TryParse(text, CultureInfo.InvariantCulture, DateTimeStyles.None, out var ts)
            ? ts
            : null;
    }

    private static DecodedPayload.Rejected Reject(string reason, string detail) => new(reason, detail);

    private static string FirstSentence(string message)
    {
        var cut = message.IndexOf(". ", StringComparison.Ordinal);
        return cut > 0 ? message[..cut] : message;
    }
}

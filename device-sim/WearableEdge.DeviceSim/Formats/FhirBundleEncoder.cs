using System.Buffers;
using System.Text.Json;
using WearableEdge.Contracts;

namespace WearableEdge.DeviceSim.Formats;

/// <summary>
/// Writes a FHIR R4 <c>Bundle</c> (type <c>collection</c>) of vital-signs <c>Observation</c>s, one per
/// sign per sample, as the gateway's decoder reads them (docs/contract.md, "HL7 FHIR R4 Observations"):
/// LOINC codes and UCUM units from FACTS.md "Codes and units" — heart rate 8867-4 <c>/min</c>,
/// SpO2 59408-5 with 2708-6 <c>%</c>, respiratory rate 9279-1 <c>/min</c>, body temperature 8310-5
/// <c>Cel</c> or <c>[degF]</c>, systolic blood pressure 8480-6 <c>mm[Hg]</c> (its own Observation: the
/// simulator has no diastolic pressure for a 85354-9 panel). Plain JSON, no FHIR library.
/// </summary>
internal static class FhirBundleEncoder
{
    private const string Loinc = "http://loinc.org";
    private const string Ucum = "http://unitsofmeasure.org";
    private const string CategorySystem = "http://terminology.hl7.org/CodeSystem/observation-category";

    /// <param name="patientId">The patient of the topic, written as <c>subject</c> <c>Patient/{id}</c>.</param>
    /// <param name="deviceId">The device, written as <c>device</c> <c>Device/{id}</c>.</param>
    /// <param name="samples">Vitals samples in canonical units (contract v1).</param>
    /// <param name="temperatureUnit">Unit of body temperature: <c>Cel</c> or <c>[degF]</c>.</param>
    public static byte[] Vitals(string patientId, string deviceId, IReadOnlyList<VitalsReading> samples, TemperatureUnit temperatureUnit)
    {
        ArgumentNullException.ThrowIfNull(samples);
        var buffer = new ArrayBufferWriter<byte>();
        using (var json = new Utf8JsonWriter(buffer))
        {
            json.WriteStartObject();
            json.WriteString("resourceType", "Bundle");
            json.WriteString("type", "collection");
            json.WriteStartArray("entry");
            foreach (var sample in samples)
            {
                var ts = sample.Ts ?? throw new ArgumentException("Every sample needs a timestamp.", nameof(samples));
                var observation = new ObservationContext(json, patientId, deviceId, ts);
                if (sample.HeartRate is { } heartRate)
                {
                    observation.Write([("8867-4", "Heart rate")], heartRate, "beats/minute", "/min");
                }

                if (sample.SpO2 is { } spO2)
                {
                    observation.Write(
                        [("59408-5", "Oxygen saturation in Arterial blood by Pulse oximetry"), ("2708-6", "Oxygen saturation in Arterial blood")],
                        spO2, "%", "%");
                }

                if (sample.RespirationRate is { } respirationRate)
                {
                    observation.Write([("9279-1", "Respiratory rate")], respirationRate, "breaths/minute", "/min");
                }

                if (sample.TemperatureC is { } temperature)
                {
                    var (unit, code) = temperatureUnit == TemperatureUnit.Fahrenheit ? ("degF", "[degF]") : ("Cel", "Cel");
                    observation.Write([("8310-5", "Body temperature")], WireValues.Temperature(temperature, temperatureUnit), unit, code);
                }

                if (sample.SystolicBp is { } systolic)
                {
                    observation.Write([("8480-6", "Systolic blood pressure")], systolic, "mmHg", "mm[Hg]");
                }
            }

            json.WriteEndArray();
            json.WriteEndObject();
        }

        return buffer.WrittenSpan.ToArray();
    }

    /// <summary>Writes the Observations of one sample: same subject, device and time.</summary>
    private readonly record struct ObservationContext(Utf8JsonWriter Json, string PatientId, string DeviceId, DateTimeOffset Ts)
    {
        public void Write((string Code, string Display)[] codings, double value, string unit, string ucum)
        {
            var time = WireValues.Time(Ts);
            Json.WriteStartObject();
            Json.WriteString("fullUrl", "urn:uuid:" + WireValues.Uuid($"fhir|{DeviceId}|{codings[0].Code}|{time}"));
            Json.WriteStartObject("resource");
            Json.WriteString("resourceType", "Observation");
            Json.WriteString("status", "final");
            Json.WriteStartArray("category");
            Json.WriteStartObject();
            Json.WriteStartArray("coding");
            Coding(Json, CategorySystem, "vital-signs", "Vital Signs");
            Json.WriteEndArray();
            Json.WriteEndObject();
            Json.WriteEndArray();
            Json.WriteStartObject("code");
            Json.WriteStartArray("coding");
            foreach (var (code, display) in codings)
            {
                Coding(Json, Loinc, code, display);
            }

            Json.WriteEndArray();
            Json.WriteEndObject();
            Reference(Json, "subject", "Patient/" + PatientId);
            Reference(Json, "device", "Device/" + DeviceId);
            Json.WriteString("effectiveDateTime", time);
            Json.WriteStartObject("valueQuantity");
            Json.WriteNumber("value", value);
            Json.WriteString("unit", unit);
            Json.WriteString("system", Ucum);
            Json.WriteString("code", ucum);
            Json.WriteEndObject();
            Json.WriteEndObject();
            Json.WriteEndObject();
        }

        private static void Coding(Utf8JsonWriter json, string system, string code, string display)
        {
            json.WriteStartObject();
            json.WriteString("system", system);
            json.WriteString("code", code);
            json.WriteString("display", display);
            json.WriteEndObject();
        }

        private static void Reference(Utf8JsonWriter json, string name, string reference)
        {
            json.WriteStartObject(name);
            json.WriteString("reference", reference);
            json.WriteEndObject();
        }
    }
}

using System.Buffers;
using System.Text.Json;
using WearableEdge.Contracts;

namespace WearableEdge.DeviceSim.Formats;

/// <summary>
/// Writes Open mHealth data points as the gateway's decoder reads them (docs/contract.md, "Open
/// mHealth data points"): vitals as a JSON array of <c>omh:heart-rate:2.0</c>,
/// <c>omh:oxygen-saturation:2.0</c>, <c>omh:respiratory-rate:2.0</c> and <c>omh:body-temperature:4.0</c>
/// data points (per sample in that order), and a motion batch as one
/// <c>wearable-edge:acceleration:1.0</c> data point. The gateway reads no Open mHealth blood-pressure
/// schema, so systolic blood pressure is not sent in this format.
/// </summary>
internal static class OpenMHealthEncoder
{
    /// <param name="deviceId">The device, written as <c>header.acquisition_provenance.source_name</c>.</param>
    /// <param name="samples">Vitals samples in canonical units (contract v1).</param>
    /// <param name="temperatureUnit">Unit of <c>body_temperature</c>: <c>C</c> or <c>F</c>.</param>
    /// <param name="created">The message's creation time, <c>header.source_creation_date_time</c>.</param>
    public static byte[] Vitals(string deviceId, IReadOnlyList<VitalsReading> samples, TemperatureUnit temperatureUnit, DateTimeOffset created)
    {
        ArgumentNullException.ThrowIfNull(samples);
        var buffer = new ArrayBufferWriter<byte>();
        using (var json = new Utf8JsonWriter(buffer))
        {
            json.WriteStartArray();
            foreach (var sample in samples)
            {
                var ts = sample.Ts ?? throw new ArgumentException("Every sample needs a timestamp.", nameof(samples));
                if (sample.HeartRate is { } heartRate)
                {
                    Quantity(json, deviceId, "omh", "heart-rate", "2.0", created, ts, "heart_rate", heartRate, "beats/min");
                }

                if (sample.SpO2 is { } spO2)
                {
                    Quantity(json, deviceId, "omh", "oxygen-saturation", "2.0", created, ts, "oxygen_saturation", spO2, "%", ("measurement_method", "pulse oximetry"));
                }

                if (sample.RespirationRate is { } respirationRate)
                {
                    Quantity(json, deviceId, "omh", "respiratory-rate", "2.0", created, ts, "respiratory_rate", respirationRate, "breaths/min");
                }

                if (sample.TemperatureC is { } temperature)
                {
                    var unit = temperatureUnit == TemperatureUnit.Fahrenheit ? "F" : "C";
                    Quantity(json, deviceId, "omh", "body-temperature", "4.0", created, ts, "body_temperature", WireValues.Temperature(temperature, temperatureUnit), unit);
                }
            }

            json.WriteEndArray();
        }

        return buffer.WrittenSpan.ToArray();
    }

    /// <summary>One accelerometer batch, in g (<c>[g]</c>), as one data point (sent alone, not in an array).</summary>
    /// <param name="deviceId">The device.</param>
    /// <param name="ts">Time of the first sample.</param>
    /// <param name="sampleRateHz">Samples per second.</param>
    /// <param name="x">Acceleration along x, g.</param>
    /// <param name="y">Acceleration along y, g.</param>
    /// <param name="z">Acceleration along z, g.</param>
    /// <param name="created">The message's creation time.</param>
    public static byte[] Acceleration(
        string deviceId, DateTimeOffset ts, double sampleRateHz, IReadOnlyList<double> x, IReadOnlyList<double> y, IReadOnlyList<double> z, DateTimeOffset created)
    {
        var buffer = new ArrayBufferWriter<byte>();
        using (var json = new Utf8JsonWriter(buffer))
        {
            json.WriteStartObject();
            Header(json, deviceId, "wearable-edge", "acceleration", "1.0", created, ts);
            json.WriteStartObject("body");
            EffectiveTime(json, ts);
            json.WriteStartObject("sample_rate");
            json.WriteNumber("value", sampleRateHz);
            json.WriteString("unit", "Hz");
            json.WriteEndObject();
            json.WriteString("unit", "[g]");
            Axis(json, "x", x);
            Axis(json, "y", y);
            Axis(json, "z", z);
            json.WriteEndObject();
            json.WriteEndObject();
        }

        return buffer.WrittenSpan.ToArray();
    }

    private static void Quantity(
        Utf8JsonWriter json, string deviceId, string ns, string name, string version, DateTimeOffset created, DateTimeOffset ts,
        string property, double value, string unit, (string Name, string Value)? extra = null)
    {
        json.WriteStartObject();
        Header(json, deviceId, ns, name, version, created, ts);
        json.WriteStartObject("body");
        json.WriteStartObject(property);
        json.WriteNumber("value", value);
        json.WriteString("unit", unit);
        json.WriteEndObject();
        EffectiveTime(json, ts);
        if (extra is { } e)
        {
            json.WriteString(e.Name, e.Value);
        }

        json.WriteEndObject();
        json.WriteEndObject();
    }

    private static void Header(Utf8JsonWriter json, string deviceId, string ns, string name, string version, DateTimeOffset created, DateTimeOffset ts)
    {
        json.WriteStartObject("header");
        json.WriteString("uuid", WireValues.Uuid($"omh|{deviceId}|{ns}:{name}|{WireValues.Time(ts)}"));
        json.WriteStartObject("schema_id");
        json.WriteString("namespace", ns);
        json.WriteString("name", name);
        json.WriteString("version", version);
        json.WriteEndObject();
        json.WriteString("source_creation_date_time", WireValues.Time(created));
        json.WriteStartObject("acquisition_provenance");
        json.WriteString("source_name", deviceId);
        json.WriteString("modality", "sensed");
        json.WriteEndObject();
        json.WriteEndObject();
    }

    private static void EffectiveTime(Utf8JsonWriter json, DateTimeOffset ts)
    {
        json.WriteStartObject("effective_time_frame");
        json.WriteString("date_time", WireValues.Time(ts));
        json.WriteEndObject();
    }

    private static void Axis(Utf8JsonWriter json, string name, IReadOnlyList<double> values)
    {
        json.WriteStartArray(name);
        foreach (var v in values)
        {
            json.WriteNumberValue(v);
        }

        json.WriteEndArray();
    }
}

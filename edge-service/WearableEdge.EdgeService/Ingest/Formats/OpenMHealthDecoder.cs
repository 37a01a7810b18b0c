using System.Buffers;
using System.Globalization;
using System.Text.Json;
using WearableEdge.Clinical.Samples;
using WearableEdge.Contracts;

namespace WearableEdge.EdgeService.Ingest.Formats;

/// <summary>
/// Decodes Open mHealth data points (https://www.openmhealth.org/documentation/#/schema-docs/schema-library)
/// on <c>wearables/{patientId}/omh</c>: one data point, or a JSON array of them from one device.
/// Vital signs: <c>omh:heart-rate:2.x</c>, <c>omh:oxygen-saturation:2.x</c>, <c>omh:respiratory-rate:2.x</c>,
/// <c>omh:body-temperature:4.x</c>. Motion: <c>wearable-edge:acceleration:1.x</c>, our own body in the
/// data-point envelope (Open mHealth has no schema for raw accelerometer samples).
/// The device id is <c>header.acquisition_provenance.source_name</c>. Never throws for bad input.
/// </summary>
public static class OpenMHealthDecoder
{
    /// <summary>Most data points in one message (as many as v1 vitals samples).</summary>
    public const int MaxDataPoints = PayloadDecoder.MaxVitalsSamples;

    public static DecodedPayload Decode(string patientId, ReadOnlySequence<byte> payload)
    {
        try
        {
            var reader = new Utf8JsonReader(payload, new JsonReaderOptions { MaxDepth = 16 });
            using var document = JsonDocument.ParseValue(ref reader);
            var root = document.RootElement;
            if (root.ValueKind == JsonValueKind.Object)
            {
                return DecodePoints(patientId, [root]);
            }

            if (root.ValueKind != JsonValueKind.Array)
            {
                return Reject(RejectReason.MalformedJson, "payload is not a data point or an array of data points");
            }

            var count = root.GetArrayLength();
            if (count == 0)
            {
                return Reject(RejectReason.EmptyBatch, "the array holds no data point");
            }

            if (count > MaxDataPoints)
            {
                return Reject(RejectReason.InvalidValue, $"{count} data points exceed {MaxDataPoints} per message");
            }

            return DecodePoints(patientId, [.. root.EnumerateArray()]);
        }
        catch (JsonException e)
        {
            return Reject(RejectReason.MalformedJson, FirstSentence(e.Message));
        }
    }

    private static DecodedPayload DecodePoints(string patientId, IReadOnlyList<JsonElement> points)
    {
        string? deviceId = null;
        var vitals = new VitalsCollector();
        for (var i = 0; i < points.Count; i++)
        {
            var point = points[i];
            var where = points.Count == 1 ? "data point" : $"data point [{i}]";
            if (point.ValueKind != JsonValueKind.Object
                || !TryObject(point, "header", out var header)
                || !TryObject(point, "body", out var body))
            {
                return Reject(RejectReason.MissingField, $"{where} needs a header and a body object");
            }

            if (!TryObject(header, "acquisition_provenance", out var provenance)
                || !TryString(provenance, "source_name", out var source) || string.IsNullOrWhiteSpace(source))
            {
                return Reject(RejectReason.MissingField, $"{where}: header.acquisition_provenance.source_name (the device id) is missing");
            }

            if (deviceId is not null && deviceId != source)
            {
                return Reject(RejectReason.InvalidValue, $"{where} comes from another device than data point [0]");
            }

            deviceId = source;
            if (!TryObject(header, "schema_id", out var schemaId)
                || !TryString(schemaId, "namespace", out var ns) || !TryString(schemaId, "name", out var name)
                || !TryString(schemaId, "version", out var version))
            {
                return Reject(RejectReason.MissingField, $"{where}: header.schema_id needs namespace, name and version");
            }

            var major = version.Split('.')[0];
            if ((ns, name) == ("wearable-edge", "acceleration"))
            {
                if (major != "1")
                {
                    return Reject(RejectReason.UnsupportedSchemaVersion, $"{where}: {ns}:{name}:{version} is not supported (1.x is)");
                }

                return points.Count == 1
                    ? DecodeAcceleration(patientId, source, body)
                    : Reject(RejectReason.InvalidValue, "an acceleration data point is sent alone, not in an array");
            }

            (VitalSign Sign, string Property, string Major)? schema = (ns, name) switch
            {
                ("omh", "heart-rate") => (VitalSign.HeartRate, "heart_rate", "2"),
                ("omh", "oxygen-saturation") => (VitalSign.SpO2, "oxygen_saturation", "2"),
                ("omh", "respiratory-rate") => (VitalSign.RespirationRate, "respiratory_rate", "2"),
                ("omh", "body-temperature") => (VitalSign.Temperature, "body_temperature", "4"),
                _ => null,
            };
            if (schema is not { } s)
            {
                return Reject(RejectReason.UnsupportedSchemaVersion, $"{where}: schema {ns}:{name} is not accepted");
            }

            if (major != s.Major)
            {
                return Reject(RejectReason.UnsupportedSchemaVersion, $"{where}: {ns}:{name}:{version} is not supported ({s.Major}.x is)");
            }

            if (!TryObject(body, s.Property, out var quantity)
                || !quantity.TryGetProperty("value", out var valueElement) || valueElement.ValueKind != JsonValueKind.Number
                || !valueElement.TryGetDouble(out var value))
            {
                return Reject(RejectReason.MissingField, $"{where}: body.{s.Property}.value is missing or not a number");
            }

            TryString(quantity, "unit", out var unit);
            var converted = UcumUnits.ToCanonical(s.Sign, value, unit);
            if (!converted.Succeeded)
            {
                return Reject(RejectReason.UnsupportedUnit, $"{where}: {converted.Error}");
            }

            if (EffectiveTime(body) is not { } ts)
            {
                return Reject(RejectReason.MissingTimestamp, $"{where}: body.effective_time_frame has no date_time or time_interval.start_date_time");
            }

            if (!vitals.TryAdd(ts, s.Sign, converted.Value!.Value))
            {
                return Reject(RejectReason.InvalidValue, $"{where} repeats {VitalSignCodes.Name(s.Sign)} at the same time");
            }
        }

        return PayloadDecoder.DecodeVitals(patientId, vitals.ToBatch(deviceId!));
    }

    private static DecodedPayload DecodeAcceleration(string patientId, string deviceId, JsonElement body)
    {
        if (EffectiveTime(body) is not { } ts)
        {
            return Reject(RejectReason.MissingTimestamp, "body.effective_time_frame.date_time is missing");
        }

        if (!TryObject(body, "sample_rate", out var rate)
            || !rate.TryGetProperty("value", out var rateValue) || rateValue.ValueKind != JsonValueKind.Number
            || !TryString(rate, "unit", out var rateUnit) || rateUnit != "Hz")
        {
            return Reject(RejectReason.MissingField, "body.sample_rate needs a numeric value and unit 'Hz'");
        }

        TryString(body, "unit", out var unit);
        if (UcumUnits.AccelerationScaleToG(unit) is not { } scale)
        {
            return Reject(RejectReason.UnsupportedUnit, $"acceleration unit '{unit}' is not [g], g or m/s2");
        }

        if (Axis(body, "x", scale) is not { } x || Axis(body, "y", scale) is not { } y || Axis(body, "z", scale) is not { } z)
        {
            return Reject(RejectReason.MissingField, "body.x, body.y and body.z must be arrays of numbers");
        }

        var batch = new MotionBatch
        {
            SchemaVersion = ContractVersion.V1, DeviceId = deviceId, Ts = ts, SampleRateHz = rateValue.GetDouble(), X = x, Y = y, Z = z,
        };
        return PayloadDecoder.DecodeMotion(patientId, batch);
    }

    private static double[]? Axis(JsonElement body, string name, double scale)
    {
        if (!body.TryGetProperty(name, out var array) || array.ValueKind != JsonValueKind.Array)
        {
            return null;
        }

        var values = new double[array.GetArrayLength()];
        var i = 0;
        foreach (var item in array.EnumerateArray())
        {
            if (item.ValueKind != JsonValueKind.Number || !item.TryGetDouble(out var v))
            {
                return null;
            }

            values[i++] = v * scale;
        }

        return values;
    }

    /// <summary>The measurement time: <c>date_time</c>, else the start of <c>time_interval</c>.</summary>
    private static DateTimeOffset? EffectiveTime(JsonElement body)
    {
        if (!TryObject(body, "effective_time_frame", out var frame))
        {
            return null;
        }

        var text = TryString(frame, "date_time", out var dateTime) ? dateTime
            : TryObject(frame, "time_interval", out var interval) && TryString(interval, "start_date_time", out var start) ? start
            : null;
        return text is not null && DateTimeOffset.TryParse(text, CultureInfo.InvariantCulture, DateTimeStyles.None, out var ts)
               && HasOffset(text)
            ? ts
            : null;
    }

    /// <summary>ISO 8601 with an offset or Z, as contract v1 asks: a local time without offset is ambiguous.</summary>
    internal static bool HasOffset(string text) =>
        text.EndsWith('Z') || text.EndsWith('z') || (text.Length > 6 && text[^6] is '+' or '-' && text[^3] == ':');

    private static bool TryObject(JsonElement element, string name, out JsonElement value) =>
        element.TryGetProperty(name, out value) && value.ValueKind == JsonValueKind.Object;

    private static bool TryString(JsonElement element, string name, out string value)
    {
        value = "";
        if (!element.TryGetProperty(name, out var e) || e.ValueKind != JsonValueKind.String)
        {
            return false;
        }

        try
        {
            value = e.GetString()!;
            return true;
        }
        catch (InvalidOperationException)
        {
            // The JSON reader checks structure, not that a string is valid UTF-8: a bad string is no value.
            return false;
        }
    }

    private static DecodedPayload.Rejected Reject(string reason, string detail) => new(reason, detail);

    private static string FirstSentence(string message)
    {
        var cut = message.IndexOf(". ", StringComparison.Ordinal);
        return cut > 0 ? message[..cut] : message;
    }
}

using System.Buffers;
using System.Text.Json;
using WearableEdge.Clinical.Samples;
using WearableEdge.Contracts;

namespace WearableEdge.EdgeService.Ingest;

/// <summary>Stable reasons for rejecting a payload; they label counters and dead letters.</summary>
public static class RejectReason
{
    public const string UnknownTopic = "unknown-topic";
    public const string TooLarge = "payload-too-large";
    public const string MalformedJson = "malformed-json";
    public const string MissingField = "missing-field";
    public const string UnsupportedSchemaVersion = "unsupported-schema-version";
    public const string MissingTimestamp = "missing-timestamp";
    public const string InvalidValue = "invalid-value";
    public const string EmptyBatch = "empty-batch";

    /// <summary>A unit that cannot be converted to the canonical unit (Ingest/Formats/UcumUnits.cs).</summary>
    public const string UnsupportedUnit = "unsupported-unit";

    /// <summary>A FHIR Observation whose code is not one of the vital signs the gateway reads.</summary>
    public const string UnsupportedCode = "unsupported-code";

    public const string TimestampInFuture = "timestamp-in-future";
    public const string InternalError = "internal-error";
}

/// <summary>A decoded message, or the reason it was rejected.</summary>
public abstract record DecodedPayload
{
    private DecodedPayload()
    {
    }

    public sealed record Vitals(string PatientId, string DeviceId, IReadOnlyList<WearableSample> Samples) : DecodedPayload;

    /// <summary>
    /// A motion batch: the device time of its first sample, its rate, the spread of acceleration
    /// magnitude (g), and the samples themselves (g, as float: the fall model's input type).
    /// </summary>
    public sealed record Motion(
        string PatientId, string DeviceId, DateTimeOffset DeviceTime, int SampleCount, double MagnitudeStdDev,
        double SampleRateHz, float[] X, float[] Y, float[] Z) : DecodedPayload;

    public sealed record Device(string PatientId, DeviceStatus Status) : DecodedPayload;

    public sealed record Rejected(string Reason, string Detail) : DecodedPayload;
}

/// <summary>
/// Decodes and validates contract v1 payloads (docs/contract.md). Never throws for bad input: a
/// bad payload is data, returned as <see cref="DecodedPayload.Rejected"/> with a stable reason.
/// </summary>
public static class PayloadDecoder
{
    /// <summary>Largest payload accepted, in bytes.</summary>
    public const int MaxPayloadBytes = 256 * 1024;

    /// <summary>Most vital-sign samples in one message (10 min at 1 Hz).</summary>
    public const int MaxVitalsSamples = 600;

    /// <summary>Decodes a payload without a clock-skew check (tools, tests of the format alone).</summary>
    /// <param name="topic">MQTT topic the payload arrived on.</param>
    /// <param name="payload">The payload bytes.</param>
    public static DecodedPayload Decode(string topic, ReadOnlySequence<byte> payload) => Decode(topic, payload, null);

    /// <summary>
    /// Decodes a payload; with <paramref name="clockSkew"/>, a payload carrying any device time later
    /// than <see cref="ClockSkewLimit.Latest"/> is rejected whole as <see cref="RejectReason.TimestampInFuture"/>.
    /// </summary>
    /// <param name="topic">MQTT topic the payload arrived on.</param>
    /// <param name="payload">The payload bytes.</param>
    /// <param name="clockSkew">Gateway receive time and tolerance; null skips the check.</param>
    public static DecodedPayload Decode(string topic, ReadOnlySequence<byte> payload, ClockSkewLimit? clockSkew)
    {
        var decoded = DecodeFormat(topic, payload);
        return clockSkew is { } limit && LatestDeviceTime(decoded) is { } latest && limit.IsInFuture(latest)
            ? Reject(RejectReason.TimestampInFuture,
                $"device time is {(latest - limit.ReceivedAt).TotalSeconds:F0} s ahead of the gateway clock (tolerance {limit.MaxClockSkew.TotalSeconds:F0} s)")
            : decoded;
    }

    /// <summary>The latest device time a decoded payload carries, or null for a rejection.</summary>
    private static DateTimeOffset? LatestDeviceTime(DecodedPayload decoded) => decoded switch
    {
        DecodedPayload.Vitals vitals => vitals.Samples.Max(s => s.DeviceTime),
        DecodedPayload.Motion motion => motion.DeviceTime.AddSeconds((motion.SampleCount - 1) / motion.SampleRateHz),
        DecodedPayload.Device { Status.Ts: { } ts } => ts,
        _ => null,
    };

    private static DecodedPayload DecodeFormat(string topic, ReadOnlySequence<byte> payload)
    {
        if (topic is null || !Topics.TryParseWearableTopic(topic, out var patientId, out var stream))
        {
            return Reject(RejectReason.UnknownTopic, "topic is not wearables/{patientId}/{vitals|motion|device|omh|fhir}");
        }

        if (payload.Length > MaxPayloadBytes)
        {
            return Reject(RejectReason.TooLarge, $"payload of {payload.Length} bytes exceeds {MaxPayloadBytes}");
        }

        // Standard formats have their own decoders (Ingest/Formats), off the compact v1 path below.
        if (stream is WearableStream.OpenMHealth or WearableStream.Fhir)
        {
            return stream == WearableStream.OpenMHealth
                ? Formats.OpenMHealthDecoder.Decode(patientId, payload)
                : Formats.FhirObservationDecoder.Decode(patientId, payload);
        }

        if (CheckSchemaVersion(payload) is { } rejected)
        {
            return rejected;
        }

        try
        {
            return stream switch
            {
                WearableStream.Vitals => DecodeVitals(patientId, Deserialize(payload, ContractJsonContext.Default.VitalsBatch)),
                WearableStream.Motion => DecodeMotion(patientId, Deserialize(payload, ContractJsonContext.Default.MotionBatch)),
                WearableStream.Device => DecodeDevice(patientId, Deserialize(payload, ContractJsonContext.Default.DeviceStatus)),
                _ => Reject(RejectReason.UnknownTopic, $"unknown stream {stream}"),
            };
        }
        catch (JsonException e) when (e.Message.Contains("missing required properties", StringComparison.OrdinalIgnoreCase)
                                      || e.Message.Contains("null", StringComparison.OrdinalIgnoreCase))
        {
            return Reject(RejectReason.MissingField, FirstSentence(e.Message));
        }
        catch (JsonException e)
        {
            return Reject(RejectReason.MalformedJson, FirstSentence(e.Message));
        }
    }

    /// <summary>Reads the top-level <c>schemaVersion</c> before anything else, so a v2 payload is named as such, not as malformed.</summary>
    private static DecodedPayload.Rejected? CheckSchemaVersion(ReadOnlySequence<byte> payload)
    {
        var reader = new Utf8JsonReader(payload, new JsonReaderOptions { MaxDepth = 16 });
        try
        {
            if (!reader.Read() || reader.TokenType != JsonTokenType.StartObject)
            {
                return Reject(RejectReason.MalformedJson, "payload is not a JSON object");
            }

            while (reader.Read() && reader.TokenType == JsonTokenType.PropertyName)
            {
                var isVersion = reader.ValueTextEquals("schemaVersion"u8);
                reader.Read();
                if (isVersion)
                {
                    return reader.TokenType == JsonTokenType.Number && reader.TryGetInt32(out var version)
                        ? version == ContractVersion.V1
                            ? null
                            : Reject(RejectReason.UnsupportedSchemaVersion, $"schemaVersion {version} is not supported (this gateway accepts {ContractVersion.V1})")
                        : Reject(RejectReason.UnsupportedSchemaVersion, "schemaVersion is not an integer");
                }

                reader.Skip();
            }

            return Reject(RejectReason.MissingField, "schemaVersion is missing");
        }
        catch (JsonException e)
        {
            return Reject(RejectReason.MalformedJson, FirstSentence(e.Message));
        }
    }

    private static T Deserialize<T>(ReadOnlySequence<byte> payload, System.Text.Json.Serialization.Metadata.JsonTypeInfo<T> typeInfo)
    {
        var reader = new Utf8JsonReader(payload);
        return JsonSerializer.Deserialize(ref reader, typeInfo) ?? throw new JsonException("payload is null");
    }

    internal static DecodedPayload DecodeVitals(string patientId, VitalsBatch batch)
    {
        if (string.IsNullOrWhiteSpace(batch.DeviceId))
        {
            return Reject(RejectReason.MissingField, "deviceId is empty");
        }

        if (batch.Samples.Count == 0)
        {
            return Reject(RejectReason.EmptyBatch, "samples is empty");
        }

        if (batch.Samples.Count > MaxVitalsSamples)
        {
            return Reject(RejectReason.InvalidValue, $"{batch.Samples.Count} samples exceed {MaxVitalsSamples} per message");
        }

        var samples = new List<WearableSample>(batch.Samples.Count);
        for (var i = 0; i < batch.Samples.Count; i++)
        {
            var reading = batch.Samples[i];
            if (reading is null)
            {
                return Reject(RejectReason.MissingField, $"samples[{i}] is null");
            }

            if (reading.Ts is not { } ts)
            {
                return Reject(RejectReason.MissingTimestamp, $"samples[{i}].ts is missing");
            }

            var vitals = new VitalSigns(reading.HeartRate, reading.SpO2, reading.RespirationRate, reading.TemperatureC, reading.SystolicBp);
            if (vitals.IsEmpty)
            {
                return Reject(RejectReason.MissingField, $"samples[{i}] carries no vital sign");
            }

            // A finite value outside the plausibility ranges is sensor garbage in one sample, not a
            // broken message: the sample passes on and the feature stage's screen counts it
            // `implausible` and keeps it out of the windows, so the message's good samples are not lost.
            if (reading.SignalQuality is { } quality && (!double.IsFinite(quality) || quality is < 0 or > 1))
            {
                return Reject(RejectReason.InvalidValue, $"samples[{i}].signalQuality must be 0–1");
            }

            samples.Add(new WearableSample(patientId, batch.DeviceId, ts.ToUniversalTime(), vitals, reading.SignalQuality));
        }

        return new DecodedPayload.Vitals(patientId, batch.DeviceId, samples);
    }

    internal static DecodedPayload DecodeMotion(string patientId, MotionBatch batch)
    {
        if (string.IsNullOrWhiteSpace(batch.DeviceId))
        {
            return Reject(RejectReason.MissingField, "deviceId is empty");
        }

        if (batch.Ts is not { } ts)
        {
            return Reject(RejectReason.MissingTimestamp, "ts is missing");
        }

        if (batch.SampleRateHz is < 25 or > 100 || double.IsNaN(batch.SampleRateHz))
        {
            return Reject(RejectReason.InvalidValue, "sampleRateHz must be 25–100");
        }

        var n = batch.X.Count;
        if (n == 0)
        {
            return Reject(RejectReason.EmptyBatch, "x is empty");
        }

        if (batch.Y.Count != n || batch.Z.Count != n)
        {
            return Reject(RejectReason.InvalidValue, "x, y and z differ in length");
        }

        // Contract: 0.25–1 s of samples per message; allow up to 2 s for devices that batch loosely.
        if (n / batch.SampleRateHz > 2.0)
        {
            return Reject(RejectReason.InvalidValue, $"{n} samples at {batch.SampleRateHz} Hz exceed 2 s per message");
        }

        double sum = 0, sumSquares = 0;
        float[] xs = new float[n], ys = new float[n], zs = new float[n];
        for (var i = 0; i < n; i++)
        {
            var (x, y, z) = (batch.X[i], batch.Y[i], batch.Z[i]);
            (xs[i], ys[i], zs[i]) = ((float)x, (float)y, (float)z);
            if (!double.IsFinite(x) || !double.IsFinite(y) || !double.IsFinite(z) || Math.Abs(x) > 16 || Math.Abs(y) > 16 || Math.Abs(z) > 16)
            {
                return Reject(RejectReason.InvalidValue, $"sample {i} is not a finite acceleration within ±16 g");
            }

            var magnitude = Math.Sqrt((x * x) + (y * y) + (z * z));
            sum += magnitude;
            sumSquares += magnitude * magnitude;
        }

        var mean = sum / n;
        var stdDev = Math.Sqrt(Math.Max(0, (sumSquares / n) - (mean * mean)));
        return new DecodedPayload.Motion(patientId, batch.DeviceId, ts.ToUniversalTime(), n, stdDev, batch.SampleRateHz, xs, ys, zs);
    }

    private static DecodedPayload DecodeDevice(string patientId, DeviceStatus status)
    {
        if (string.IsNullOrWhiteSpace(status.DeviceId))
        {
            return Reject(RejectReason.MissingField, "deviceId is empty");
        }

        if (status.Ts is null)
        {
            return Reject(RejectReason.MissingTimestamp, "ts is missing");
        }

        if (status.BatteryPercent is < 0 or > 100 || double.IsNaN(status.BatteryPercent))
        {
            return Reject(RejectReason.InvalidValue, "batteryPercent must be 0–100");
        }

        if (status.SignalQuality is < 0 or > 1 || double.IsNaN(status.SignalQuality))
        {
            return Reject(RejectReason.InvalidValue, "signalQuality must be 0–1");
        }

        return new DecodedPayload.Device(patientId, status);
    }

    private static DecodedPayload.Rejected Reject(string reason, string detail) => new(reason, detail);

    private static string FirstSentence(string message)
    {
        var cut = message.IndexOf(". ", StringComparison.Ordinal);
        return cut > 0 ? message[..cut] : message;
    }
}

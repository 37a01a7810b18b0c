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
        var decoded = DecodeFormat(topic, payload, fastPath: true);
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

    /// <summary>
    /// The reference decoding, without <see cref="V1FastDecoder"/>: the equivalence tests hold the fast
    /// path to exactly what this returns.
    /// </summary>
    internal static DecodedPayload DecodeWithoutFastPath(string topic, ReadOnlySequence<byte> payload) =>
        DecodeFormat(topic, payload, fastPath: false);

    private static DecodedPayload DecodeFormat(string topic, ReadOnlySequence<byte> payload, bool fastPath)
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

        // Vitals and motion are nearly all the traffic: a well-formed v1 message is read once, straight into
        // the decoded values. Whatever the fast path is not certain of, it declines, and the path below decides.
        if (fastPath && V1FastDecoder.TryDecode(patientId, stream, payload, out var fast))
        {
            return fast;
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
        if (CheckVitalsBatch(batch.DeviceId, batch.Samples.Count) is { } rejectedBatch)
        {
            return rejectedBatch;
        }

        var samples = new List<WearableSample>(batch.Samples.Count);
        for (var i = 0; i < batch.Samples.Count; i++)
        {
            var reading = batch.Samples[i];
            if (reading is null)
            {
                return Reject(RejectReason.MissingField, $"samples[{i}] is null");
            }

            var vitals = new VitalSigns(reading.HeartRate, reading.SpO2, reading.RespirationRate, reading.TemperatureC, reading.SystolicBp);
            if (CheckVitalsReading(i, reading.Ts, vitals, reading.SignalQuality) is { } rejectedReading)
            {
                return rejectedReading;
            }

            samples.Add(new WearableSample(patientId, batch.DeviceId, reading.Ts!.Value.ToUniversalTime(), vitals, reading.SignalQuality));
        }

        return new DecodedPayload.Vitals(patientId, batch.DeviceId, samples);
    }

    /// <summary>The batch-level rules of a vitals message, shared with <see cref="V1FastDecoder"/>; null when they pass.</summary>
    internal static DecodedPayload.Rejected? CheckVitalsBatch(string deviceId, int sampleCount)
    {
        if (string.IsNullOrWhiteSpace(deviceId))
        {
            return Reject(RejectReason.MissingField, "deviceId is empty");
        }

        if (sampleCount == 0)
        {
            return Reject(RejectReason.EmptyBatch, "samples is empty");
        }

        return sampleCount > MaxVitalsSamples
            ? Reject(RejectReason.InvalidValue, $"{sampleCount} samples exceed {MaxVitalsSamples} per message")
            : null;
    }

    /// <summary>The rules of sample <paramref name="index"/> of a vitals message, shared with <see cref="V1FastDecoder"/>; null when they pass.</summary>
    internal static DecodedPayload.Rejected? CheckVitalsReading(int index, DateTimeOffset? ts, VitalSigns vitals, double? signalQuality)
    {
        if (ts is null)
        {
            return Reject(RejectReason.MissingTimestamp, $"samples[{index}].ts is missing");
        }

        if (vitals.IsEmpty)
        {
            return Reject(RejectReason.MissingField, $"samples[{index}] carries no vital sign");
        }

        // A finite value outside the plausibility ranges is sensor garbage in one sample, not a
        // broken message: the sample passes on and the feature stage's screen counts it
        // `implausible` and keeps it out of the windows, so the message's good samples are not lost.
        return signalQuality is { } quality && (!double.IsFinite(quality) || quality is < 0 or > 1)
            ? Reject(RejectReason.InvalidValue, $"samples[{index}].signalQuality must be 0–1")
            : null;
    }

    internal static DecodedPayload DecodeMotion(string patientId, MotionBatch batch)
    {
        if (CheckMotionBatch(batch.DeviceId, batch.Ts, batch.SampleRateHz, batch.X.Count, batch.Y.Count, batch.Z.Count) is { } rejectedBatch)
        {
            return rejectedBatch;
        }

        var n = batch.X.Count;
        var magnitudes = new MagnitudeSpread();
        float[] xs = new float[n], ys = new float[n], zs = new float[n];
        for (var i = 0; i < n; i++)
        {
            var (x, y, z) = (batch.X[i], batch.Y[i], batch.Z[i]);
            (xs[i], ys[i], zs[i]) = ((float)x, (float)y, (float)z);
            if (CheckAcceleration(i, x, y, z) is { } rejectedSample)
            {
                return rejectedSample;
            }

            magnitudes.Add(x, y, z);
        }

        return new DecodedPayload.Motion(patientId, batch.DeviceId, batch.Ts!.Value.ToUniversalTime(), n, magnitudes.StdDev(n), batch.SampleRateHz, xs, ys, zs);
    }

    /// <summary>
    /// The batch-level rules of a motion message, in the order they are checked, shared with
    /// <see cref="V1FastDecoder"/>; null when they pass.
    /// </summary>
    internal static DecodedPayload.Rejected? CheckMotionBatch(string deviceId, DateTimeOffset? ts, double sampleRateHz, int xCount, int yCount, int zCount)
    {
        if (string.IsNullOrWhiteSpace(deviceId))
        {
            return Reject(RejectReason.MissingField, "deviceId is empty");
        }

        if (ts is null)
        {
            return Reject(RejectReason.MissingTimestamp, "ts is missing");
        }

        if (sampleRateHz is < 25 or > 100 || double.IsNaN(sampleRateHz))
        {
            return Reject(RejectReason.InvalidValue, "sampleRateHz must be 25–100");
        }

        if (xCount == 0)
        {
            return Reject(RejectReason.EmptyBatch, "x is empty");
        }

        if (yCount != xCount || zCount != xCount)
        {
            return Reject(RejectReason.InvalidValue, "x, y and z differ in length");
        }

        // Contract: 0.25–1 s of samples per message; allow up to 2 s for devices that batch loosely.
        return xCount / sampleRateHz > 2.0
            ? Reject(RejectReason.InvalidValue, $"{xCount} samples at {sampleRateHz} Hz exceed 2 s per message")
            : null;
    }

    /// <summary>The rule of motion sample <paramref name="index"/>, shared with <see cref="V1FastDecoder"/>; null when it passes.</summary>
    internal static DecodedPayload.Rejected? CheckAcceleration(int index, double x, double y, double z) =>
        !double.IsFinite(x) || !double.IsFinite(y) || !double.IsFinite(z) || Math.Abs(x) > 16 || Math.Abs(y) > 16 || Math.Abs(z) > 16
            ? Reject(RejectReason.InvalidValue, $"sample {index} is not a finite acceleration within ±16 g")
            : null;

    /// <summary>
    /// Running sums of acceleration magnitude (g) over a motion batch, added in sample order so
    /// both decoding paths give the same bits.
    /// </summary>
    internal struct MagnitudeSpread
    {
        private double _sum;
        private double _sumSquares;

        public void Add(double x, double y, double z)
        {
            var magnitude = Math.Sqrt((x * x) + (y * y) + (z * z));
            _sum += magnitude;
            _sumSquares += magnitude * magnitude;
        }

        /// <summary>Population standard deviation of the <paramref name="count"/> magnitudes added.</summary>
        public readonly double StdDev(int count)
        {
            var mean = _sum / count;
            return Math.Sqrt(Math.Max(0, (_sumSquares / count) - (mean * mean)));
        }
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

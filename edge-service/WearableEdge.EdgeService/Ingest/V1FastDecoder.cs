using System.Buffers;
using System.Diagnostics.CodeAnalysis;
using System.Text.Json;
using WearableEdge.Clinical.Samples;
using WearableEdge.Contracts;

namespace WearableEdge.EdgeService.Ingest;

/// <summary>
/// Single-pass decoding of well-formed contract v1 <c>vitals</c> and <c>motion</c> payloads: one
/// <see cref="Utf8JsonReader"/> pass straight into <see cref="WearableSample"/>s or float axes, where the
/// reference path of <see cref="PayloadDecoder"/> scans for <c>schemaVersion</c>, deserializes into
/// <see cref="VitalsBatch"/>/<see cref="MotionBatch"/> and then copies.
/// </summary>
/// <remarks>
/// It answers only where it is certain to answer as the reference path would: the same property names
/// (case-sensitive, as <see cref="ContractJsonContext"/> reads them), the same numbers and times
/// (<see cref="Utf8JsonReader.TryGetDouble"/> and <see cref="Utf8JsonReader.TryGetDateTimeOffset"/>, what the
/// serializer calls, or for short decimals an exact conversion that gives the same double), and the
/// validation rules of <see cref="PayloadDecoder"/> itself. On anything else
/// (an unknown or repeated property, a null, a token of another type, a number or time the serializer
/// would not read, a missing required member, a schemaVersion other than 1, truncated or invalid JSON,
/// bytes after the object) it declines and the reference path decides, so every rejection of a
/// malformed message keeps its reason and detail.
/// </remarks>
internal static class V1FastDecoder
{
    /// <summary>
    /// Most motion samples per axis the fast path reads: 2 s at 100 Hz, the most
    /// <see cref="PayloadDecoder.CheckMotionBatch"/> accepts. A longer axis can only be rejected; the reference path words it.
    /// </summary>
    internal const int MaxMotionSamples = 200;

    /// <summary>Powers of ten up to 10^15, each an exact double.</summary>
    private static readonly double[] PowersOfTen = [1e0, 1e1, 1e2, 1e3, 1e4, 1e5, 1e6, 1e7, 1e8, 1e9, 1e10, 1e11, 1e12, 1e13, 1e14, 1e15];

    /// <summary>Decodes a well-formed v1 vitals or motion payload in one pass.</summary>
    /// <param name="patientId">Patient of the topic the payload arrived on.</param>
    /// <param name="stream">Stream of that topic; only vitals and motion are decoded here.</param>
    /// <param name="payload">The payload bytes, in one segment or several.</param>
    /// <param name="decoded">The decoded payload, or a rejection by the decoder's own rules.</param>
    /// <returns>False when the payload is left to the reference path.</returns>
    public static bool TryDecode(string patientId, WearableStream stream, ReadOnlySequence<byte> payload, [NotNullWhen(true)] out DecodedPayload? decoded)
    {
        try
        {
            decoded = stream switch
            {
                WearableStream.Vitals => ReadVitals(patientId, payload),
                WearableStream.Motion => ReadMotion(patientId, payload),
                _ => null,
            };
        }
        catch (Exception e) when (e is JsonException or InvalidOperationException)
        {
            // Invalid JSON, or a string that is not valid UTF-8: the reference path names it.
            decoded = null;
        }

        return decoded is not null;
    }

    private static DecodedPayload? ReadVitals(string patientId, ReadOnlySequence<byte> payload)
    {
        // Not the final block: a cut-off payload then ends Read() with false instead of an exception (a few
        // microseconds each), so declining it adds little to the reference path that names it. The object's
        // end is still required, and only whitespace after it.
        var reader = new Utf8JsonReader(payload, isFinalBlock: false, state: default);
        if (!reader.Read() || reader.TokenType != JsonTokenType.StartObject)
        {
            return null;
        }

        bool hasVersion = false, patchDeviceId = false;
        var sampleCount = -1;
        string? deviceId = null;
        List<WearableSample>? samples = null;
        DecodedPayload.Rejected? firstRejected = null;
        while (true)
        {
            if (!reader.Read())
            {
                return null;
            }

            if (reader.TokenType == JsonTokenType.EndObject)
            {
                break;
            }

            if (reader.ValueTextEquals("schemaVersion"u8))
            {
                if (hasVersion || !ReadVersion(ref reader))
                {
                    return null;
                }

                hasVersion = true;
            }
            else if (reader.ValueTextEquals("deviceId"u8))
            {
                if (deviceId is not null || !ReadString(ref reader, out deviceId))
                {
                    return null;
                }
            }
            else if (reader.ValueTextEquals("samples"u8))
            {
                if (sampleCount >= 0 || !reader.Read() || reader.TokenType != JsonTokenType.StartArray)
                {
                    return null;
                }

                // The device id may follow the samples; they are then built without it and completed below.
                patchDeviceId = deviceId is null;
                samples = [];
                for (sampleCount = 0; ; sampleCount++)
                {
                    if (!reader.Read())
                    {
                        return null;
                    }

                    if (reader.TokenType == JsonTokenType.EndArray)
                    {
                        break;
                    }

                    // More samples than a message may carry: rare, and the reference path words it.
                    if (sampleCount == PayloadDecoder.MaxVitalsSamples
                        || !ReadReading(ref reader, out var ts, out var vitals, out var quality))
                    {
                        return null;
                    }

                    // The reference path checks samples in order and stops at the first bad one; the rest
                    // of the payload is still read here, since invalid JSON after it would decide instead.
                    if (firstRejected is null)
                    {
                        firstRejected = PayloadDecoder.CheckVitalsReading(sampleCount, ts, vitals, quality);
                        if (firstRejected is null)
                        {
                            samples.Add(new WearableSample(patientId, deviceId ?? string.Empty, ts!.Value.ToUniversalTime(), vitals, quality));
                        }
                    }
                }
            }
            else
            {
                return null;
            }
        }

        if (!hasVersion || deviceId is null || samples is null || !IsWhitespace(payload.Slice(reader.BytesConsumed)))
        {
            return null;
        }

        if (PayloadDecoder.CheckVitalsBatch(deviceId, sampleCount) is { } rejectedBatch)
        {
            return rejectedBatch;
        }

        if (firstRejected is not null)
        {
            return firstRejected;
        }

        if (patchDeviceId)
        {
            for (var i = 0; i < samples.Count; i++)
            {
                samples[i] = samples[i] with { DeviceId = deviceId };
            }
        }

        return new DecodedPayload.Vitals(patientId, deviceId, samples);
    }

    private static DecodedPayload? ReadMotion(string patientId, ReadOnlySequence<byte> payload)
    {
        // Each axis is read as double first: the magnitude spread is computed from the doubles, as the reference path does.
        var axes = ArrayPool<double>.Shared.Rent(3 * MaxMotionSamples);
        try
        {
            return ReadMotion(patientId, payload, axes);
        }
        finally
        {
            ArrayPool<double>.Shared.Return(axes);
        }
    }

    private static DecodedPayload? ReadMotion(string patientId, ReadOnlySequence<byte> payload, double[] axes)
    {
        var reader = new Utf8JsonReader(payload, isFinalBlock: false, state: default);
        if (!reader.Read() || reader.TokenType != JsonTokenType.StartObject)
        {
            return null;
        }

        var x = axes.AsSpan(0, MaxMotionSamples);
        var y = axes.AsSpan(MaxMotionSamples, MaxMotionSamples);
        var z = axes.AsSpan(2 * MaxMotionSamples, MaxMotionSamples);
        bool hasVersion = false, hasTs = false, hasRate = false;
        int xCount = -1, yCount = -1, zCount = -1;
        string? deviceId = null;
        DateTimeOffset ts = default;
        double sampleRateHz = 0;
        while (true)
        {
            if (!reader.Read())
            {
                return null;
            }

            if (reader.TokenType == JsonTokenType.EndObject)
            {
                break;
            }

            bool ok;
            if (reader.ValueTextEquals("x"u8))
            {
                ok = xCount < 0 && (xCount = ReadNumbers(ref reader, x)) >= 0;
            }
            else if (reader.ValueTextEquals("y"u8))
            {
                ok = yCount < 0 && (yCount = ReadNumbers(ref reader, y)) >= 0;
            }
            else if (reader.ValueTextEquals("z"u8))
            {
                ok = zCount < 0 && (zCount = ReadNumbers(ref reader, z)) >= 0;
            }
            else if (reader.ValueTextEquals("schemaVersion"u8))
            {
                ok = !hasVersion && ReadVersion(ref reader);
                hasVersion = true;
            }
            else if (reader.ValueTextEquals("deviceId"u8))
            {
                ok = deviceId is null && ReadString(ref reader, out deviceId);
            }
            else if (reader.ValueTextEquals("ts"u8))
            {
                ok = !hasTs && ReadTime(ref reader, out ts);
                hasTs = true;
            }
            else if (reader.ValueTextEquals("sampleRateHz"u8))
            {
                ok = !hasRate && ReadNumber(ref reader, out sampleRateHz);
                hasRate = true;
            }
            else
            {
                ok = false;
            }

            if (!ok)
            {
                return null;
            }
        }

        if (!hasVersion || deviceId is null || !hasRate || xCount < 0 || yCount < 0 || zCount < 0
            || !IsWhitespace(payload.Slice(reader.BytesConsumed)))
        {
            return null;
        }

        if (PayloadDecoder.CheckMotionBatch(deviceId, hasTs ? ts : null, sampleRateHz, xCount, yCount, zCount) is { } rejectedBatch)
        {
            return rejectedBatch;
        }

        var n = xCount;
        var magnitudes = new PayloadDecoder.MagnitudeSpread();
        float[] xs = new float[n], ys = new float[n], zs = new float[n];
        for (var i = 0; i < n; i++)
        {
            if (PayloadDecoder.CheckAcceleration(i, x[i], y[i], z[i]) is { } rejectedSample)
            {
                return rejectedSample;
            }

            (xs[i], ys[i], zs[i]) = ((float)x[i], (float)y[i], (float)z[i]);
            magnitudes.Add(x[i], y[i], z[i]);
        }

        return new DecodedPayload.Motion(patientId, deviceId, ts.ToUniversalTime(), n, magnitudes.StdDev(n), sampleRateHz, xs, ys, zs);
    }

    /// <summary>
    /// Reads one vitals sample object. The serializer leaves an absent value null; a JSON null it
    /// would also read as null, but that is left to it (declined) rather than reasoned about here.
    /// </summary>
    private static bool ReadReading(ref Utf8JsonReader reader, out DateTimeOffset? ts, out VitalSigns vitals, out double? signalQuality)
    {
        ts = null;
        signalQuality = null;
        vitals = default;
        if (reader.TokenType != JsonTokenType.StartObject)
        {
            return false;
        }

        double? heartRate = null, spO2 = null, respirationRate = null, temperature = null, systolicBp = null;
        while (true)
        {
            if (!reader.Read())
            {
                return false;
            }

            if (reader.TokenType == JsonTokenType.EndObject)
            {
                break;
            }

            bool ok;
            if (reader.ValueTextEquals("ts"u8))
            {
                ok = ReadOptionalTime(ref reader, ref ts);
            }
            else if (reader.ValueTextEquals("heartRate"u8))
            {
                ok = ReadOptionalNumber(ref reader, ref heartRate);
            }
            else if (reader.ValueTextEquals("spO2"u8))
            {
                ok = ReadOptionalNumber(ref reader, ref spO2);
            }
            else if (reader.ValueTextEquals("respirationRate"u8))
            {
                ok = ReadOptionalNumber(ref reader, ref respirationRate);
            }
            else if (reader.ValueTextEquals("temperatureC"u8))
            {
                ok = ReadOptionalNumber(ref reader, ref temperature);
            }
            else if (reader.ValueTextEquals("systolicBp"u8))
            {
                ok = ReadOptionalNumber(ref reader, ref systolicBp);
            }
            else if (reader.ValueTextEquals("signalQuality"u8))
            {
                ok = ReadOptionalNumber(ref reader, ref signalQuality);
            }
            else
            {
                ok = false;
            }

            if (!ok)
            {
                return false;
            }
        }

        vitals = new VitalSigns(heartRate, spO2, respirationRate, temperature, systolicBp);
        return true;
    }

    /// <summary>Reads the value of a <c>schemaVersion</c> property; true only for the integer 1.</summary>
    private static bool ReadVersion(ref Utf8JsonReader reader) =>
        reader.Read() && reader.TokenType == JsonTokenType.Number && reader.TryGetInt32(out var version) && version == ContractVersion.V1;

    private static bool ReadString(ref Utf8JsonReader reader, [NotNullWhen(true)] out string? value)
    {
        value = reader.Read() && reader.TokenType == JsonTokenType.String ? reader.GetString() : null;
        return value is not null;
    }

    private static bool ReadTime(ref Utf8JsonReader reader, out DateTimeOffset value)
    {
        value = default;
        return reader.Read() && reader.TokenType == JsonTokenType.String && reader.TryGetDateTimeOffset(out value);
    }

    /// <summary>Reads a time into an optional value that must not have been set already (a repeated property declines).</summary>
    private static bool ReadOptionalTime(ref Utf8JsonReader reader, ref DateTimeOffset? value)
    {
        if (value is not null || !ReadTime(ref reader, out var time))
        {
            return false;
        }

        value = time;
        return true;
    }

    private static bool ReadNumber(ref Utf8JsonReader reader, out double value)
    {
        value = 0;
        return reader.Read() && reader.TokenType == JsonTokenType.Number && GetDouble(ref reader, out value);
    }

    /// <summary>The double the serializer reads from the current number token, or false where it would throw.</summary>
    private static bool GetDouble(ref Utf8JsonReader reader, out double value) =>
        (!reader.HasValueSequence && TryParseShortDecimal(reader.ValueSpan, out value)) || reader.TryGetDouble(out value);

    /// <summary>
    /// Converts a JSON number of at most 15 digits and no exponent (what devices send: <c>0.012</c>,
    /// <c>-1.004</c>, <c>72</c>), about seven times faster than <see cref="Utf8JsonReader.TryGetDouble"/>,
    /// which does the rest. The result is the same double: the digits as an integer (below 10^15, so
    /// below 2^53) and the power of ten (at most 10^15) are both exact, so one IEEE division rounds the
    /// decimal value correctly, and correct rounding is what .NET's parser guarantees (IEEE 754-2008,
    /// since .NET Core 3.0); the sign is applied last, so <c>-0</c> stays negative zero, as it parses.
    /// </summary>
    /// <param name="number">A token the reader has already validated as a JSON number.</param>
    /// <param name="value">The number, when the result is true.</param>
    internal static bool TryParseShortDecimal(ReadOnlySpan<byte> number, out double value)
    {
        value = 0;
        var negative = number[0] == (byte)'-';
        ulong digits = 0;
        int digitCount = 0, scale = 0;
        var inFraction = false;
        for (var i = negative ? 1 : 0; i < number.Length; i++)
        {
            if (number[i] == (byte)'.')
            {
                inFraction = true;
                continue;
            }

            var digit = (uint)(number[i] - '0');
            if (digit > 9 || ++digitCount > 15)
            {
                // An exponent, or more digits than an exact double holds.
                return false;
            }

            digits = (digits * 10) + digit;
            scale += inFraction ? 1 : 0;
        }

        var magnitude = digits / PowersOfTen[scale];
        value = negative ? -magnitude : magnitude;
        return true;
    }

    /// <summary>Reads a number into an optional value that must not have been set already (a repeated property declines).</summary>
    private static bool ReadOptionalNumber(ref Utf8JsonReader reader, ref double? value)
    {
        if (value is not null || !ReadNumber(ref reader, out var number))
        {
            return false;
        }

        value = number;
        return true;
    }

    /// <summary>Reads an array of numbers into <paramref name="into"/>; the count read, or -1 to decline.</summary>
    private static int ReadNumbers(ref Utf8JsonReader reader, Span<double> into)
    {
        if (!reader.Read() || reader.TokenType != JsonTokenType.StartArray)
        {
            return -1;
        }

        for (var count = 0; ; count++)
        {
            if (!reader.Read())
            {
                return -1;
            }

            if (reader.TokenType == JsonTokenType.EndArray)
            {
                return count;
            }

            if (reader.TokenType != JsonTokenType.Number || count == into.Length || !GetDouble(ref reader, out into[count]))
            {
                return -1;
            }
        }
    }

    /// <summary>True when only JSON whitespace follows the object (anything else is left to the reference path).</summary>
    private static bool IsWhitespace(ReadOnlySequence<byte> rest)
    {
        foreach (var segment in rest)
        {
            foreach (var b in segment.Span)
            {
                if (b is not ((byte)' ' or (byte)'\t' or (byte)'\n' or (byte)'\r'))
                {
                    return false;
                }
            }
        }

        return true;
    }
}

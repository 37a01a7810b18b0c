using System.Buffers;
using System.Globalization;
using System.Text;
using WearableEdge.Contracts;
using WearableEdge.EdgeService.Ingest;
using WearableEdge.EdgeService.Tests.Ingest.Formats;

namespace WearableEdge.EdgeService.Tests.Ingest;

/// <summary>
/// The single-pass v1 decoder against the reference path it short-cuts: for every payload,
/// <see cref="PayloadDecoder.Decode(string, ReadOnlySequence{byte})"/> (fast path, then fallback) must
/// give exactly what <see cref="PayloadDecoder.DecodeWithoutFastPath"/> gives, bit for bit.
/// </summary>
public sealed class V1FastDecoderTests
{
    private const string PatientId = "p-017";
    private const int Seed = 20_261_126;
    private const int CaseCount = 20_000;

    private static readonly string VitalsTopic = Topics.Vitals(PatientId);
    private static readonly string MotionTopic = Topics.Motion(PatientId);

    private static readonly string[] ContractHeadings =
    [
        "## `wearables/{patientId}/vitals`", "### Per-sample signal quality", "## `wearables/{patientId}/motion`",
    ];

    [Fact]
    public void Decode_GeneratedPayloads_SameOutcomeAsReferencePath()
    {
        var random = new Random(Seed);
        var generator = new PayloadGenerator(random);
        int fastAccepted = 0, fastRejected = 0, declined = 0;
        for (var i = 0; i < CaseCount; i++)
        {
            var (topic, json) = generator.Next();
            var payload = Segmented(Encoding.UTF8.GetBytes(json), random);
            var expected = PayloadDecoder.DecodeWithoutFastPath(topic, payload);
            var actual = PayloadDecoder.Decode(topic, payload);
            var difference = Difference(expected, actual);
            Assert.True(difference is null, $"case {i} on {topic}: {difference}\n{json}");

            Topics.TryParseWearableTopic(topic, out _, out var stream);
            if (!V1FastDecoder.TryDecode(PatientId, stream, payload, out var fast))
            {
                declined++;
            }
            else if (fast is DecodedPayload.Rejected)
            {
                fastRejected++;
            }
            else
            {
                fastAccepted++;
            }
        }

        // The property says nothing if the fast path always declined: each of its outcomes must be common.
        Assert.InRange(fastAccepted, CaseCount / 5, CaseCount);
        Assert.InRange(fastRejected, CaseCount / 50, CaseCount);
        Assert.InRange(declined, CaseCount / 5, CaseCount);
    }

    [Fact]
    public void Decode_ContractExamplesInEverySegmentation_SameOutcomeAsReferencePath()
    {
        var random = new Random(Seed);
        foreach (var heading in ContractHeadings)
        {
            var topic = heading.Contains("motion", StringComparison.Ordinal) ? MotionTopic : VitalsTopic;
            var bytes = Encoding.UTF8.GetBytes(ContractExamples.Json(heading));
            for (var i = 0; i < 200; i++)
            {
                var payload = Segmented(bytes, random);
                Assert.True(Difference(PayloadDecoder.DecodeWithoutFastPath(topic, payload), PayloadDecoder.Decode(topic, payload)) is null);
            }
        }
    }

    [Theory]
    [InlineData("## `wearables/{patientId}/vitals`")]
    [InlineData("### Per-sample signal quality")]
    [InlineData("## `wearables/{patientId}/motion`")]
    public void TryDecode_ContractExample_DecodesWithoutFallback(string heading)
    {
        var (topic, stream) = heading.Contains("motion", StringComparison.Ordinal)
            ? (MotionTopic, WearableStream.Motion)
            : (VitalsTopic, WearableStream.Vitals);
        var payload = new ReadOnlySequence<byte>(Encoding.UTF8.GetBytes(ContractExamples.Json(heading)));

        Assert.True(V1FastDecoder.TryDecode(PatientId, stream, payload, out var decoded));

        Assert.IsNotType<DecodedPayload.Rejected>(decoded);
        Assert.Null(Difference(PayloadDecoder.DecodeWithoutFastPath(topic, payload), decoded));
    }

    [Fact]
    public void TryDecode_MotionOfTwentyFiveSamplesInThreeSegments_DecodesWithoutFallback()
    {
        var axis = string.Join(',', Enumerable.Range(0, 25).Select(i => (0.01 * (i % 7)).ToString("R", CultureInfo.InvariantCulture)));
        var json = $$"""{"schemaVersion":1,"deviceId":"watch-42","ts":"2025-03-01T08:00:00Z","sampleRateHz":50,"x":[{{axis}}],"y":[{{axis}}],"z":[{{axis}}]}""";
        var bytes = Encoding.UTF8.GetBytes(json);
        var payload = Segments(bytes[..7], bytes[7..100], bytes[100..]);

        Assert.True(V1FastDecoder.TryDecode(PatientId, WearableStream.Motion, payload, out var decoded));

        var motion = Assert.IsType<DecodedPayload.Motion>(decoded);
        Assert.Equal(25, motion.SampleCount);
        Assert.Null(Difference(PayloadDecoder.DecodeWithoutFastPath(MotionTopic, payload), decoded));
    }

    [Theory]
    [InlineData("""{"schemaVersion":1,"deviceId":"w","samples":[{"ts":"2025-03-01T08:00:00Z","heartRate":72,"signalQuality":1.5}]}""", "invalid-value")]
    [InlineData("""{"schemaVersion":1,"deviceId":" ","samples":[{"ts":"2025-03-01T08:00:00Z","heartRate":72}]}""", "missing-field")]
    [InlineData("""{"schemaVersion":1,"deviceId":"w","samples":[]}""", "empty-batch")]
    [InlineData("""{"schemaVersion":1,"deviceId":"w","samples":[{"heartRate":72}]}""", "missing-timestamp")]
    [InlineData("""{"schemaVersion":1,"deviceId":"w","samples":[{"ts":"2025-03-01T08:00:00Z"}]}""", "missing-field")]
    public void TryDecode_WellFormedVitalsBreakingARule_RejectsAsReferencePath(string json, string reason)
    {
        var payload = new ReadOnlySequence<byte>(Encoding.UTF8.GetBytes(json));

        Assert.True(V1FastDecoder.TryDecode(PatientId, WearableStream.Vitals, payload, out var decoded));

        Assert.Equal(reason, Assert.IsType<DecodedPayload.Rejected>(decoded).Reason);
        Assert.Null(Difference(PayloadDecoder.DecodeWithoutFastPath(VitalsTopic, payload), decoded));
    }

    [Theory]
    [InlineData("""{"schemaVersion":2,"deviceId":"w","samples":[{"ts":"2025-03-01T08:00:00Z","heartRate":72}]}""")]
    [InlineData("""{"deviceId":"w","samples":[{"ts":"2025-03-01T08:00:00Z","heartRate":72}]}""")]
    [InlineData("""{"schemaVersion":1,"deviceId":"w","samples":[{"ts":"2025-03-01T08:00:00Z","heartRate":null}]}""")]
    [InlineData("""{"schemaVersion":1,"deviceId":"w","samples":[{"ts":"2025-03-01T08:00:00Z","heartRate":"72"}]}""")]
    [InlineData("""{"schemaVersion":1,"deviceId":"w","samples":[{"ts":"2025-03-01T08:00:00Z","heartRate":72,"heartRate":73}]}""")]
    [InlineData("""{"schemaVersion":1,"deviceId":"w","samples":[{"ts":"2025-03-01T08:00:00Z","heartRate":72}],"note":"x"}""")]
    [InlineData("""{"schemaVersion":1,"DeviceId":"w","samples":[{"ts":"2025-03-01T08:00:00Z","heartRate":72}]}""")]
    [InlineData("""{"schemaVersion":1,"deviceId":"w","samples":[{"ts":"2025-02-30T08:00:00Z","heartRate":72}]}""")]
    [InlineData("""{"schemaVersion":1,"deviceId":"w","samples":[{"ts":"2025-03-01T08:00:00Z","heartRate":72}]}x""")]
    [InlineData("""{"schemaVersion":1,"deviceId":"w","samples":[{"ts":"2025-03-01T08:00:00Z","heartRate":.5}]}""")]
    [InlineData("""{"schemaVersion":1,"deviceId":"w","samples":[{"ts":"2025-03-01T08:00:00Z","heartRate":72}""")]
    [InlineData("""{"schemaVersion":1,"deviceId":"w","samples":[null]}""")]
    [InlineData("")]
    public void TryDecode_VitalsItIsNotSureOf_Declines(string json)
    {
        var payload = new ReadOnlySequence<byte>(Encoding.UTF8.GetBytes(json));

        Assert.False(V1FastDecoder.TryDecode(PatientId, WearableStream.Vitals, payload, out _), json);
    }

    [Fact]
    public void TryParseShortDecimal_RandomNumbers_SameDoubleAsTryGetDouble()
    {
        var random = new Random(Seed);
        string[] edges =
        [
            "0", "-0", "0.0", "-0.0", "-0.000", "1", "-1", "0.1", "0.3", "0.7", "16", "16.000000000001", "999999999999999",
            "9999999999999999", "0.000000000000001", "-0.000000000000001", "9007199254740993", "123456789012.345", "1e2", "1E-3", "5e-324",
        ];
        var numbers = edges.Concat(Enumerable.Range(0, 50_000).Select(_ => RandomNumber(random)));
        var converted = 0;
        foreach (var number in numbers)
        {
            var reader = new System.Text.Json.Utf8JsonReader(Encoding.UTF8.GetBytes("[" + number + "]"));
            reader.Read();
            reader.Read();
            Assert.True(reader.TryGetDouble(out var expected), number);
            if (V1FastDecoder.TryParseShortDecimal(reader.ValueSpan, out var actual))
            {
                converted++;
                Assert.True(BitConverter.DoubleToInt64Bits(expected) == BitConverter.DoubleToInt64Bits(actual), $"{number}: {expected:R} vs {actual:R}");
            }
        }

        Assert.InRange(converted, 25_000, 50_000 + edges.Length);
    }

    /// <summary>A JSON number of 1–18 digits, with or without sign, point and exponent.</summary>
    private static string RandomNumber(Random random)
    {
        var digitCount = random.Next(1, 19);
        var digits = new StringBuilder(random.Next(1, 10).ToString(CultureInfo.InvariantCulture));
        for (var i = 1; i < digitCount; i++)
        {
            digits.Append((char)('0' + random.Next(10)));
        }

        var text = digits.ToString();
        var point = random.Next(text.Length + 1);
        text = point == 0 ? "0." + text : point == text.Length ? text : text[..point] + "." + text[point..];
        text = (random.Next(2) == 0 ? "-" : "") + text;
        return random.Next(10) == 0 ? text + "e" + random.Next(-30, 30).ToString(CultureInfo.InvariantCulture) : text;
    }

    /// <summary>The first way two outcomes differ, or null when they are the same to the bit.</summary>
    private static string? Difference(DecodedPayload expected, DecodedPayload actual)
    {
        switch (expected, actual)
        {
            case (DecodedPayload.Rejected e, DecodedPayload.Rejected a):
                return e.Reason == a.Reason && e.Detail == a.Detail ? null : $"rejected ({e.Reason}, {e.Detail}) vs ({a.Reason}, {a.Detail})";

            case (DecodedPayload.Vitals e, DecodedPayload.Vitals a):
                if (e.PatientId != a.PatientId || e.DeviceId != a.DeviceId || e.Samples.Count != a.Samples.Count)
                {
                    return $"vitals ({e.PatientId}, {e.DeviceId}, {e.Samples.Count}) vs ({a.PatientId}, {a.DeviceId}, {a.Samples.Count})";
                }

                for (var i = 0; i < e.Samples.Count; i++)
                {
                    var (se, sa) = (e.Samples[i], a.Samples[i]);
                    if (se.PatientId != sa.PatientId || se.DeviceId != sa.DeviceId || !se.DeviceTime.EqualsExact(sa.DeviceTime)
                        || !Same(se.Vitals.HeartRate, sa.Vitals.HeartRate) || !Same(se.Vitals.SpO2, sa.Vitals.SpO2)
                        || !Same(se.Vitals.RespirationRate, sa.Vitals.RespirationRate) || !Same(se.Vitals.Temperature, sa.Vitals.Temperature)
                        || !Same(se.Vitals.SystolicBp, sa.Vitals.SystolicBp) || !Same(se.SignalQuality, sa.SignalQuality))
                    {
                        return $"sample {i}: {se} vs {sa}";
                    }
                }

                return null;

            case (DecodedPayload.Motion e, DecodedPayload.Motion a):
                return e.PatientId == a.PatientId && e.DeviceId == a.DeviceId && e.DeviceTime.EqualsExact(a.DeviceTime)
                       && e.SampleCount == a.SampleCount && Same(e.MagnitudeStdDev, a.MagnitudeStdDev) && Same(e.SampleRateHz, a.SampleRateHz)
                       && Same(e.X, a.X) && Same(e.Y, a.Y) && Same(e.Z, a.Z)
                    ? null
                    : $"motion {e with { X = [], Y = [], Z = [] }} vs {a with { X = [], Y = [], Z = [] }} (or their samples)";

            default:
                return $"{expected} vs {actual}";
        }
    }

    private static bool Same(double? expected, double? actual) =>
        expected is null ? actual is null : actual is not null && BitConverter.DoubleToInt64Bits(expected.Value) == BitConverter.DoubleToInt64Bits(actual.Value);

    private static bool Same(float[] expected, float[] actual) =>
        expected.Select(BitConverter.SingleToInt32Bits).SequenceEqual(actual.Select(BitConverter.SingleToInt32Bits));

    /// <summary>The bytes as one segment, or cut at random into up to four (as a large MQTT payload can arrive).</summary>
    private static ReadOnlySequence<byte> Segmented(byte[] bytes, Random random)
    {
        var parts = random.Next(3) == 0 ? random.Next(2, 5) : 1;
        if (parts == 1 || bytes.Length < parts)
        {
            return new ReadOnlySequence<byte>(bytes);
        }

        var cuts = Enumerable.Range(0, parts - 1).Select(_ => random.Next(1, bytes.Length)).Distinct().Order().ToList();
        var pieces = new List<byte[]>();
        var from = 0;
        foreach (var cut in cuts.Append(bytes.Length))
        {
            pieces.Add(bytes[from..cut]);
            from = cut;
        }

        return Segments([.. pieces]);
    }

    private static ReadOnlySequence<byte> Segments(params byte[][] pieces)
    {
        var first = new Segment(pieces[0], 0);
        var last = first;
        foreach (var piece in pieces.Skip(1))
        {
            last = last.Append(piece);
        }

        return new ReadOnlySequence<byte>(first, 0, last, last.Memory.Length);
    }

    private sealed class Segment : ReadOnlySequenceSegment<byte>
    {
        public Segment(ReadOnlyMemory<byte> memory, long runningIndex)
        {
            Memory = memory;
            RunningIndex = runningIndex;
        }

        public Segment Append(ReadOnlyMemory<byte> memory)
        {
            var next = new Segment(memory, RunningIndex + Memory.Length);
            Next = next;
            return next;
        }
    }

    /// <summary>
    /// Random v1 vitals and motion payloads: well-formed ones with random values, number spellings,
    /// times, property orders and whitespace, then with a share broken in the ways devices break
    /// them (unknown, repeated, missing, renamed or mistyped members, nulls, out-of-range values,
    /// truncation, stray bytes), and now and then a contract example or a payload on the other stream's topic.
    /// </summary>
    private sealed class PayloadGenerator(Random random)
    {
        private static readonly string[] WrongValues =
        [
            "null", "\"1\"", "true", "[]", "{}", "\"\"", "[1]", "{\"a\":1}", "1e400", "-0", "1.0", "2", "1e0", "-1", "0",
            "\"2025-03-01T08:00:00Z\"", "1.7976931348623157e308", "NaN", "01",
        ];

        private static readonly string[] Times =
        [
            "2025-03-01T08:00:00Z", "2025-03-01T09:00:00+01:00", "2025-03-01T08:00:00.123Z", "2025-03-01T08:00:00.1234567-05:30",
            "2025-03-01T08:00:00", "2025-03-01", "2025-03-01T08:00Z", "2025-02-30T08:00:00Z", "2025-03-01T24:00:00Z",
            "2025-03-01 08:00:00Z", "not a time", "", "2025-03-01T08:00:00z", "2025-03-01t08:00:00Z", "\\u0032025-03-01T08:00:00Z",
            "2025-03-01T08:00:00+14:00", "2025-03-01T08:00:00+15:00", "9999-12-31T23:59:59.9999999Z",
        ];

        public (string Topic, string Json) Next()
        {
            if (random.Next(50) == 0)
            {
                var heading = ContractHeadings[random.Next(ContractHeadings.Length)];
                return (heading.Contains("motion", StringComparison.Ordinal) ? MotionTopic : VitalsTopic, ContractExamples.Json(heading));
            }

            var motion = random.Next(2) == 0;
            var members = motion ? MotionMembers() : VitalsMembers();
            if (random.Next(3) == 0)
            {
                Mutate(members);
            }

            var json = Object(members);
            if (random.Next(8) == 0)
            {
                json = MutateText(json);
            }

            var topic = (random.Next(40) == 0) ^ motion ? MotionTopic : VitalsTopic;
            return (topic, json);
        }

        private List<(string Name, string Value)> VitalsMembers()
        {
            var count = random.Next(20) switch
            {
                0 => 0,
                1 when random.Next(20) == 0 => random.Next(599, 603),
                < 15 => random.Next(1, 4),
                _ => random.Next(4, 12),
            };
            var samples = Enumerable.Range(0, count).Select(_ => Object(ReadingMembers()));
            return Shuffled(
            [
                ("schemaVersion", "1"),
                ("deviceId", DeviceId()),
                ("samples", "[" + Ws() + string.Join("," + Ws(), samples) + Ws() + "]"),
            ]);
        }

        private List<(string Name, string Value)> ReadingMembers()
        {
            var members = new List<(string Name, string Value)>();
            if (random.Next(20) != 0)
            {
                members.Add(("ts", Time()));
            }

            foreach (var (name, low, high) in new[]
                     {
                         ("heartRate", 20.0, 220.0), ("spO2", 50.0, 100.0), ("respirationRate", 4.0, 50.0),
                         ("temperatureC", 30.0, 43.0), ("systolicBp", 60.0, 220.0),
                     })
            {
                if (random.Next(10) < 6)
                {
                    members.Add((name, Number(low, high)));
                }
            }

            if (random.Next(3) == 0)
            {
                members.Add(("signalQuality", Number(-0.1, 1.1)));
            }

            if (random.Next(30) == 0)
            {
                Mutate(members);
            }

            return Shuffled(members);
        }

        private List<(string Name, string Value)> MotionMembers()
        {
            var n = random.Next(20) switch
            {
                0 => 0,
                1 => random.Next(195, 206),
                < 12 => 25,
                _ => random.Next(1, 60),
            };
            string Axis(int length, double spread) =>
                "[" + string.Join("," + Ws(), Enumerable.Range(0, length).Select(_ => random.Next(200) == 0 ? Number(-17, 17) : Number(-spread, spread))) + "]";

            int Length() => random.Next(30) == 0 ? Math.Max(0, n + random.Next(-1, 2)) : n;
            string[] rates = ["50", "25", "100", "50.0", "5e1", "24.9", "100.1", "12.5", "1e2", "0", "-50", "75.5"];
            var members = new List<(string Name, string Value)>
            {
                ("schemaVersion", "1"),
                ("deviceId", DeviceId()),
                ("sampleRateHz", random.Next(3) == 0 ? rates[random.Next(rates.Length)] : "50"),
                ("x", Axis(Length(), 0.5)),
                ("y", Axis(Length(), 0.5)),
                ("z", Axis(Length(), 2)),
            };
            if (random.Next(20) != 0)
            {
                members.Add(("ts", Time()));
            }

            return Shuffled(members);
        }

        private void Mutate(List<(string Name, string Value)> members)
        {
            for (var k = random.Next(1, 3); k > 0 && members.Count > 0; k--)
            {
                var i = random.Next(members.Count);
                switch (random.Next(6))
                {
                    case 0:
                        members.Insert(random.Next(members.Count + 1), (random.Next(2) == 0 ? "extra" : "heartrate", WrongValues[random.Next(WrongValues.Length)]));
                        break;
                    case 1:
                        members.Insert(random.Next(members.Count + 1), (members[i].Name, random.Next(2) == 0 ? members[i].Value : WrongValues[random.Next(WrongValues.Length)]));
                        break;
                    case 2:
                        members[i] = (members[i].Name, WrongValues[random.Next(WrongValues.Length)]);
                        break;
                    case 3:
                        members.RemoveAt(i);
                        break;
                    case 4:
                        // Renamed in case only: the contract's names are case-sensitive.
                        members[i] = (char.ToUpperInvariant(members[i].Name[0]) + members[i].Name[1..], members[i].Value);
                        break;
                    default:
                        // The same name, escaped: the serializer matches it, so the fast path must too or decline.
                        members[i] = ($"\\u{(int)members[i].Name[0]:x4}{members[i].Name[1..]}", members[i].Value);
                        break;
                }
            }
        }

        private string MutateText(string json) => random.Next(6) switch
        {
            0 => json[..random.Next(json.Length)],
            1 => json.Remove(random.Next(json.Length), 1),
            2 => json.Insert(random.Next(json.Length + 1), "\",:{}[]0-eE. \u00e9"[random.Next(14)].ToString()),
            3 => json + new[] { " ", "\n", "\r\n\t ", "x", "}", " {}", "\0" }[random.Next(7)],
            4 => new[] { " ", "\n", "\uFEFF", "[" }[random.Next(4)] + json,
            _ => json.Replace("\"schemaVersion\":1", "\"schemaVersion\":" + WrongValues[random.Next(WrongValues.Length)], StringComparison.Ordinal),
        };

        private string Object(List<(string Name, string Value)> members) =>
            "{" + Ws() + string.Join("," + Ws(), members.Select(m => $"\"{m.Name}\"{Ws()}:{Ws()}{m.Value}")) + Ws() + "}";

        private List<(string Name, string Value)> Shuffled(List<(string Name, string Value)> members)
        {
            if (random.Next(2) == 0)
            {
                var array = members.ToArray();
                random.Shuffle(array);
                return [.. array];
            }

            return members;
        }

        private string DeviceId() => random.Next(30) switch
        {
            0 => "\"\"",
            1 => "\"  \"",
            2 => "\"w\\u0041tch\"",
            3 => "null",
            _ => "\"watch-42\"",
        };

        private string Time() => "\"" + (random.Next(3) == 0 ? Times[random.Next(Times.Length)] : Times[random.Next(4)]) + "\"";

        /// <summary>A number in range, spelled as devices spell them: integer, short or round-trip decimal, exponent.</summary>
        private string Number(double low, double high)
        {
            var value = low + (random.NextDouble() * (high - low));
            return random.Next(6) switch
            {
                0 => Math.Round(value).ToString("0", CultureInfo.InvariantCulture),
                1 => value.ToString("0.0", CultureInfo.InvariantCulture),
                2 => value.ToString("E3", CultureInfo.InvariantCulture),
                3 => value.ToString("R", CultureInfo.InvariantCulture) + "000000000001",
                _ => value.ToString("R", CultureInfo.InvariantCulture),
            };
        }

        private string Ws() => random.Next(8) switch
        {
            0 => " ",
            1 => "\n  ",
            2 => "\t",
            _ => "",
        };
    }
}

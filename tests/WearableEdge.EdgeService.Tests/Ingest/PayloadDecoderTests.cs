using System.Buffers;
using System.Globalization;
using System.Text;
using System.Text.Json.Nodes;
using WearableEdge.Clinical.Samples;
using WearableEdge.Contracts;
using WearableEdge.EdgeService.Ingest;

namespace WearableEdge.EdgeService.Tests.Ingest;

public sealed class PayloadDecoderTests
{
    private const string PatientId = "p-017";

    private static readonly string VitalsTopic = Topics.Vitals(PatientId);
    private static readonly string MotionTopic = Topics.Motion(PatientId);
    private static readonly string DeviceTopic = Topics.Device(PatientId);

    /// <summary>Two samples; the first in +01:00 so the decoder must convert it to UTC.</summary>
    private const string ValidVitals = """
        {"schemaVersion":1,"deviceId":"watch-42","samples":[
          {"ts":"2025-03-01T09:00:00+01:00","heartRate":72,"spO2":97,"respirationRate":16,"temperatureC":36.9},
          {"ts":"2025-03-01T08:00:01Z","heartRate":74.5,"spO2":96,"systolicBp":121}
        ]}
        """;

    private const string ValidDevice = """
        {"schemaVersion":1,"deviceId":"watch-42","ts":"2025-03-01T08:00:00Z","batteryPercent":81,"wearStatus":"on","signalQuality":0.9}
        """;

    private static readonly string[] KnownReasons =
    [
        RejectReason.UnknownTopic, RejectReason.TooLarge, RejectReason.MalformedJson, RejectReason.MissingField,
        RejectReason.UnsupportedSchemaVersion, RejectReason.MissingTimestamp, RejectReason.InvalidValue, RejectReason.EmptyBatch,
    ];

    private static DecodedPayload Decode(string topic, string json) =>
        PayloadDecoder.Decode(topic, new ReadOnlySequence<byte>(Encoding.UTF8.GetBytes(json)));

    private static string RejectionOf(string topic, string json)
    {
        var decoded = Decode(topic, json);
        var rejected = Assert.IsType<DecodedPayload.Rejected>(decoded);
        Assert.False(string.IsNullOrWhiteSpace(rejected.Detail));
        return rejected.Reason;
    }

    private static string Motion(int samples, double rateHz, int? yCount = null)
    {
        static string Series(int n, Func<int, double> value) =>
            string.Join(',', Enumerable.Range(0, n).Select(i => value(i).ToString("R", CultureInfo.InvariantCulture)));

        return $$"""
            {"schemaVersion":1,"deviceId":"watch-42","ts":"2025-03-01T08:00:00Z","sampleRateHz":{{rateHz.ToString(CultureInfo.InvariantCulture)}},
             "x":[{{Series(samples, i => 0.01 * (i % 5))}}],
             "y":[{{Series(yCount ?? samples, _ => 0.0)}}],
             "z":[{{Series(samples, i => 1.0 + (0.02 * (i % 3)))}}]}
            """;
    }

    [Fact]
    public void Decode_ValidVitalsBatch_ReturnsSamplesOfTopicPatientInUtc()
    {
        var decoded = Decode(VitalsTopic, ValidVitals);

        var vitals = Assert.IsType<DecodedPayload.Vitals>(decoded);
        Assert.Equal(PatientId, vitals.PatientId);
        Assert.Equal("watch-42", vitals.DeviceId);
        Assert.Collection(
            vitals.Samples,
            first =>
            {
                Assert.Equal(PatientId, first.PatientId);
                Assert.Equal("watch-42", first.DeviceId);
                Assert.Equal(new DateTimeOffset(2025, 3, 1, 8, 0, 0, TimeSpan.Zero), first.DeviceTime);
                Assert.Equal(TimeSpan.Zero, first.DeviceTime.Offset);
                Assert.Equal(new VitalSigns(HeartRate: 72, SpO2: 97, RespirationRate: 16, Temperature: 36.9), first.Vitals);
            },
            second =>
            {
                Assert.Equal(new DateTimeOffset(2025, 3, 1, 8, 0, 1, TimeSpan.Zero), second.DeviceTime);
                Assert.Equal(new VitalSigns(HeartRate: 74.5, SpO2: 96, SystolicBp: 121), second.Vitals);
            });
    }

    [Fact]
    public void Decode_NotJson_IsMalformedJson() =>
        Assert.Equal(RejectReason.MalformedJson, RejectionOf(VitalsTopic, "heartRate=72"));

    [Fact]
    public void Decode_JsonArray_IsMalformedJson() =>
        Assert.Equal(RejectReason.MalformedJson, RejectionOf(VitalsTopic, """[{"schemaVersion":1}]"""));

    [Fact]
    public void Decode_EmptyPayload_IsMalformedJson() =>
        Assert.Equal(RejectReason.MalformedJson, RejectionOf(VitalsTopic, ""));

    [Fact]
    public void Decode_SchemaVersion2_IsUnsupportedSchemaVersion() =>
        Assert.Equal(RejectReason.UnsupportedSchemaVersion, RejectionOf(VitalsTopic, ValidVitals.Replace("\"schemaVersion\":1", "\"schemaVersion\":2", StringComparison.Ordinal)));

    [Fact]
    public void Decode_SchemaVersion2WithUnknownShape_IsUnsupportedSchemaVersionNotMalformed() =>
        Assert.Equal(RejectReason.UnsupportedSchemaVersion, RejectionOf(VitalsTopic, """{"schemaVersion":2,"readings":{"hr":[72,73]}}"""));

    [Fact]
    public void Decode_MissingSchemaVersion_IsMissingField() =>
        Assert.Equal(RejectReason.MissingField, RejectionOf(VitalsTopic, """{"deviceId":"watch-42","samples":[{"ts":"2025-03-01T08:00:00Z","heartRate":72}]}"""));

    [Fact]
    public void Decode_MissingDeviceId_IsMissingField() =>
        Assert.Equal(RejectReason.MissingField, RejectionOf(VitalsTopic, """{"schemaVersion":1,"samples":[{"ts":"2025-03-01T08:00:00Z","heartRate":72}]}"""));

    [Fact]
    public void Decode_EmptyDeviceId_IsMissingField() =>
        Assert.Equal(RejectReason.MissingField, RejectionOf(VitalsTopic, """{"schemaVersion":1,"deviceId":" ","samples":[{"ts":"2025-03-01T08:00:00Z","heartRate":72}]}"""));

    [Fact]
    public void Decode_SampleWithoutTs_IsMissingTimestamp() =>
        Assert.Equal(RejectReason.MissingTimestamp, RejectionOf(VitalsTopic, """
            {"schemaVersion":1,"deviceId":"watch-42","samples":[{"ts":"2025-03-01T08:00:00Z","heartRate":72},{"heartRate":73}]}
            """));

    [Fact]
    public void Decode_SampleWithNoVitalSign_IsMissingField() =>
        Assert.Equal(RejectReason.MissingField, RejectionOf(VitalsTopic, """{"schemaVersion":1,"deviceId":"watch-42","samples":[{"ts":"2025-03-01T08:00:00Z"}]}"""));

    [Fact]
    public void Decode_EmptySamples_IsEmptyBatch() =>
        Assert.Equal(RejectReason.EmptyBatch, RejectionOf(VitalsTopic, """{"schemaVersion":1,"deviceId":"watch-42","samples":[]}"""));

    [Fact]
    public void Decode_NullSampleInBatch_IsRejectedNotThrown()
    {
        // A JSON null inside the samples array: the contract has no null sample, so it is bad data.
        var decoded = Decode(VitalsTopic, """{"schemaVersion":1,"deviceId":"watch-42","samples":[null]}""");

        var rejected = Assert.IsType<DecodedPayload.Rejected>(decoded);
        Assert.Contains(rejected.Reason, KnownReasons);
    }

    [Theory]
    [InlineData("spO2", 120)]
    [InlineData("spO2", 0)]
    [InlineData("heartRate", 0)]
    [InlineData("heartRate", 400)]
    [InlineData("respirationRate", 0)]
    [InlineData("temperatureC", 60)]
    [InlineData("systolicBp", 10)]
    public void Decode_ValueOutsidePlausibleRange_PassesOnAndIsScreenedImplausible(string field, double value)
    {
        // One garbage value does not cost the message's good samples: both pass the decoder and the
        // feature stage's screen keeps the garbage one out of the windows, counted `implausible`.
        var decoded = Decode(VitalsTopic, $$"""
            {"schemaVersion":1,"deviceId":"watch-42","samples":[{"ts":"2025-03-01T08:00:00Z","{{field}}":{{value.ToString(CultureInfo.InvariantCulture)}}},{"ts":"2025-03-01T08:00:01Z","heartRate":72}]}
            """);

        var vitals = Assert.IsType<DecodedPayload.Vitals>(decoded);
        Assert.Equal(2, vitals.Samples.Count);
        Assert.Equal(SampleQuality.Implausible, SampleScreen.Assess(vitals.Samples[0]));
        Assert.Equal(SampleQuality.Usable, SampleScreen.Assess(vitals.Samples[1]));
    }

    [Fact]
    public void Decode_AbnormalButPossibleValues_AreAccepted()
    {
        // Wide ranges reject sensor garbage, not a sick patient (SpO2 70 %, pulse 180 /min).
        var decoded = Decode(VitalsTopic, """
            {"schemaVersion":1,"deviceId":"watch-42","samples":[{"ts":"2025-03-01T08:00:00Z","heartRate":180,"spO2":70,"respirationRate":40}]}
            """);

        var vitals = Assert.IsType<DecodedPayload.Vitals>(decoded);
        Assert.Equal(70, Assert.Single(vitals.Samples).Vitals.SpO2);
    }

    [Fact]
    public void Decode_TooManySamples_IsInvalidValue()
    {
        var samples = string.Join(',', Enumerable.Range(0, PayloadDecoder.MaxVitalsSamples + 1)
            .Select(i => $$"""{"ts":"{{TestAlerts.T0.AddSeconds(i):O}}","heartRate":72}"""));

        Assert.Equal(RejectReason.InvalidValue, RejectionOf(VitalsTopic, $$"""{"schemaVersion":1,"deviceId":"watch-42","samples":[{{samples}}]}"""));
    }

    [Theory]
    [InlineData("wearables/a/b/c")]
    [InlineData("wearables/+/vitals")]
    [InlineData("wearables/#")]
    [InlineData("other/x/vitals")]
    [InlineData("wearables/p-017/ecg")]
    [InlineData("wearables//vitals")]
    [InlineData("")]
    public void Decode_TopicNotWearableStream_IsUnknownTopic(string topic) =>
        Assert.Equal(RejectReason.UnknownTopic, RejectionOf(topic, ValidVitals));

    [Fact]
    public void Decode_PayloadOverMaxBytes_IsPayloadTooLarge()
    {
        // Valid JSON padded with whitespace: the size alone must reject it.
        var padded = ValidVitals + new string(' ', PayloadDecoder.MaxPayloadBytes);

        Assert.Equal(RejectReason.TooLarge, RejectionOf(VitalsTopic, padded));
    }

    [Fact]
    public void Decode_PayloadOfExactlyMaxBytes_IsNotTooLarge()
    {
        var padded = ValidVitals + new string(' ', PayloadDecoder.MaxPayloadBytes - Encoding.UTF8.GetByteCount(ValidVitals));

        Assert.IsType<DecodedPayload.Vitals>(Decode(VitalsTopic, padded));
    }

    [Fact]
    public void Decode_Motion25SamplesAt50Hz_ReturnsMotionSummary()
    {
        var decoded = Decode(MotionTopic, Motion(samples: 25, rateHz: 50));

        var motion = Assert.IsType<DecodedPayload.Motion>(decoded);
        Assert.Equal(PatientId, motion.PatientId);
        Assert.Equal("watch-42", motion.DeviceId);
        Assert.Equal(25, motion.SampleCount);
        Assert.Equal(TestAlerts.T0, motion.DeviceTime);
        Assert.InRange(motion.MagnitudeStdDev, 0.001, 0.1);
    }

    [Fact]
    public void Decode_Motion_CarriesRawSamplesAndRateForTheFallModel()
    {
        var motion = Assert.IsType<DecodedPayload.Motion>(Decode(MotionTopic, Motion(samples: 25, rateHz: 50)));

        Assert.Equal(50, motion.SampleRateHz);
        Assert.Equal([.. Enumerable.Range(0, 25).Select(i => (float)(0.01 * (i % 5)))], motion.X);
        Assert.Equal(new float[25], motion.Y);
        Assert.Equal([.. Enumerable.Range(0, 25).Select(i => (float)(1.0 + (0.02 * (i % 3))))], motion.Z);
    }

    [Fact]
    public void Decode_MotionStill_HasZeroSpread()
    {
        var json = """{"schemaVersion":1,"deviceId":"watch-42","ts":"2025-03-01T08:00:00Z","sampleRateHz":25,"x":[0,0,0,0,0,0,0,0],"y":[0,0,0,0,0,0,0,0],"z":[1,1,1,1,1,1,1,1]}""";

        var motion = Assert.IsType<DecodedPayload.Motion>(Decode(MotionTopic, json));
        Assert.Equal(0, motion.MagnitudeStdDev, 9);
    }

    [Fact]
    public void Decode_MotionAxesOfDifferentLength_IsInvalidValue() =>
        Assert.Equal(RejectReason.InvalidValue, RejectionOf(MotionTopic, Motion(samples: 25, rateHz: 50, yCount: 24)));

    [Fact]
    public void Decode_MotionAt10Hz_IsInvalidValue() =>
        Assert.Equal(RejectReason.InvalidValue, RejectionOf(MotionTopic, Motion(samples: 5, rateHz: 10)));

    [Fact]
    public void Decode_MotionOverTwoSecondsPerMessage_IsInvalidValue() =>
        Assert.Equal(RejectReason.InvalidValue, RejectionOf(MotionTopic, Motion(samples: 101, rateHz: 50)));

    [Fact]
    public void Decode_MotionWithoutSamples_IsEmptyBatch() =>
        Assert.Equal(RejectReason.EmptyBatch, RejectionOf(MotionTopic, Motion(samples: 0, rateHz: 50)));

    [Fact]
    public void Decode_ValidDeviceStatus_ReturnsStatus()
    {
        var decoded = Decode(DeviceTopic, ValidDevice);

        var device = Assert.IsType<DecodedPayload.Device>(decoded);
        Assert.Equal(PatientId, device.PatientId);
        Assert.Equal("watch-42", device.Status.DeviceId);
        Assert.Equal(81, device.Status.BatteryPercent);
        Assert.Equal(WearStatus.On, device.Status.WearStatus);
        Assert.Equal(0.9, device.Status.SignalQuality);
    }

    [Fact]
    public void Decode_DeviceBattery150_IsInvalidValue() =>
        Assert.Equal(RejectReason.InvalidValue, RejectionOf(DeviceTopic, ValidDevice.Replace("\"batteryPercent\":81", "\"batteryPercent\":150", StringComparison.Ordinal)));

    [Fact]
    public void Decode_DeviceSignalQualityAboveOne_IsInvalidValue() =>
        Assert.Equal(RejectReason.InvalidValue, RejectionOf(DeviceTopic, ValidDevice.Replace("\"signalQuality\":0.9", "\"signalQuality\":1.5", StringComparison.Ordinal)));

    [Theory]
    [InlineData("\"sleeping\"")]
    [InlineData("7")]
    public void Decode_DeviceWearStatusNotInContract_IsRejected(string wearStatus)
    {
        var decoded = Decode(DeviceTopic, ValidDevice.Replace("\"on\"", wearStatus, StringComparison.Ordinal));

        Assert.IsType<DecodedPayload.Rejected>(decoded);
    }

    [Fact]
    public void Decode_DeviceWithoutTs_IsMissingTimestamp() =>
        Assert.Equal(RejectReason.MissingTimestamp, RejectionOf(DeviceTopic, ValidDevice.Replace("\"ts\":\"2025-03-01T08:00:00Z\",", "", StringComparison.Ordinal)));

    [Fact]
    public void Decode_VitalsPayloadOnDeviceTopic_IsMissingField() =>
        Assert.Equal(RejectReason.MissingField, RejectionOf(DeviceTopic, ValidVitals));

    [Theory]
    [InlineData(1)]
    [InlineData(5)]
    [InlineData(17)]
    [InlineData(60)]
    public void Decode_MultiSegmentSequence_DecodesLikeSingleSegment(int splitAt)
    {
        // splitAt 5 cuts the "schemaVersion" name, 17 cuts inside it, 60 cuts inside a sample.
        var bytes = Encoding.UTF8.GetBytes(ValidVitals);
        var single = PayloadDecoder.Decode(VitalsTopic, new ReadOnlySequence<byte>(bytes));

        var split = TwoSegments(bytes, splitAt);
        Assert.False(split.IsSingleSegment);
        var multi = PayloadDecoder.Decode(VitalsTopic, split);

        var expected = Assert.IsType<DecodedPayload.Vitals>(single);
        var actual = Assert.IsType<DecodedPayload.Vitals>(multi);
        Assert.Equal(expected.PatientId, actual.PatientId);
        Assert.Equal(expected.DeviceId, actual.DeviceId);
        Assert.Equal(expected.Samples, actual.Samples);
    }

    [Fact]
    public void Decode_MultiSegmentSchemaVersion2_IsUnsupportedSchemaVersion()
    {
        var bytes = Encoding.UTF8.GetBytes(ValidVitals.Replace("\"schemaVersion\":1", "\"schemaVersion\":2", StringComparison.Ordinal));

        var rejected = Assert.IsType<DecodedPayload.Rejected>(PayloadDecoder.Decode(VitalsTopic, TwoSegments(bytes, 10)));
        Assert.Equal(RejectReason.UnsupportedSchemaVersion, rejected.Reason);
    }

    [Fact]
    public void Decode_RandomAndTruncatedPayloads_NeverThrows()
    {
        var random = new Random(20250301);
        var seeds = new[] { (VitalsTopic, ValidVitals), (MotionTopic, Motion(25, 50)), (DeviceTopic, ValidDevice) }
            .Select(s => (Topic: s.Item1, Bytes: Encoding.UTF8.GetBytes(s.Item2)))
            .ToArray();
        var failures = new List<string>();

        for (var i = 0; i < 2_000; i++)
        {
            var (topic, valid) = seeds[i % seeds.Length];
            var payload = (i / seeds.Length % 5) switch
            {
                0 => valid[..random.Next(valid.Length)],
                1 => Mutated(valid, random),
                2 => RandomBytes(random),
                3 => Spliced(valid, random),
                _ => NodeReplaced(valid, random),
            };

            try
            {
                var decoded = i % 2 == 0
                    ? PayloadDecoder.Decode(topic, new ReadOnlySequence<byte>(payload))
                    : PayloadDecoder.Decode(topic, TwoSegments(payload, payload.Length / 2));
                if (decoded is DecodedPayload.Rejected rejected && !KnownReasons.Contains(rejected.Reason))
                {
                    failures.Add($"#{i}: unknown reason {rejected.Reason}");
                }
            }
            catch (Exception e)
            {
                failures.Add($"#{i}: {e.GetType().Name}: {e.Message} payload={Convert.ToBase64String(payload)}");
            }
        }

        Assert.True(failures.Count == 0, $"{failures.Count} payloads threw:\n{string.Join('\n', failures.Take(5))}");
    }

    private static byte[] Mutated(byte[] valid, Random random)
    {
        var copy = (byte[])valid.Clone();
        var flips = random.Next(1, 4);
        for (var f = 0; f < flips; f++)
        {
            copy[random.Next(copy.Length)] = (byte)random.Next(256);
        }

        return copy;
    }

    private static byte[] RandomBytes(Random random)
    {
        var bytes = new byte[random.Next(0, 300)];
        random.NextBytes(bytes);
        return bytes;
    }

    /// <summary>
    /// JSON-ish tokens dropped into a valid payload right after a structural character, where a
    /// value may start: nulls, nesting, huge numbers, odd strings, dates at the edge of the range.
    /// </summary>
    private static byte[] Spliced(byte[] valid, Random random)
    {
        string[] tokens =
        [
            "null,", "null", "[],", "{},", "\"\",", "1e400,", "-0,", "99999999999,", "\"\\u0000\",", "true,", "[[[[[[[[[[[[[[[[[[[[",
            "\"9999-12-31T23:59:59+14:00\",", "\"0001-01-01T00:00:00-14:00\",", "}", "]",
        ];
        var text = Encoding.UTF8.GetString(valid);
        var starts = Enumerable.Range(0, text.Length).Where(i => text[i] is '[' or ':' or ',').ToArray();
        var at = starts[random.Next(starts.Length)] + 1;
        return Encoding.UTF8.GetBytes(text[..at] + tokens[random.Next(tokens.Length)] + text[at..]);
    }

    /// <summary>Valid JSON of the wrong shape: one node anywhere in the tree replaced by another kind of value.</summary>
    private static byte[] NodeReplaced(byte[] valid, Random random)
    {
        var root = JsonNode.Parse(valid)!;
        var nodes = new List<JsonNode>();
        Collect(root, nodes);
        var victim = nodes[random.Next(1, nodes.Count)];
        JsonNode? replacement = random.Next(8) switch
        {
            0 => null,
            1 => new JsonArray(),
            2 => new JsonObject(),
            3 => JsonValue.Create(""),
            4 => JsonValue.Create(-1),
            5 => JsonValue.Create(1e300),
            6 => JsonValue.Create(true),
            _ => new JsonArray(JsonValue.Create(0.5), null),
        };
        switch (victim.Parent)
        {
            case JsonObject parent:
                parent[victim.GetPropertyName()] = replacement;
                break;
            case JsonArray parent:
                parent[victim.GetElementIndex()] = replacement;
                break;
        }

        return Encoding.UTF8.GetBytes(root.ToJsonString());

        static void Collect(JsonNode? node, List<JsonNode> into)
        {
            if (node is null)
            {
                return;
            }

            into.Add(node);
            var children = node switch
            {
                JsonObject o => o.Select(p => p.Value),
                JsonArray a => a,
                _ => [],
            };
            foreach (var child in children.ToList())
            {
                Collect(child, into);
            }
        }
    }

    private static ReadOnlySequence<byte> TwoSegments(byte[] bytes, int splitAt)
    {
        if (bytes.Length < 2)
        {
            return new ReadOnlySequence<byte>(bytes);
        }

        splitAt = Math.Clamp(splitAt, 1, bytes.Length - 1);
        var first = new BufferSegment(bytes.AsMemory(0, splitAt).ToArray());
        var last = first.Append(bytes.AsMemory(splitAt).ToArray());
        return new ReadOnlySequence<byte>(first, 0, last, last.Memory.Length);
    }

    private sealed class BufferSegment : ReadOnlySequenceSegment<byte>
    {
        public BufferSegment(ReadOnlyMemory<byte> memory) => Memory = memory;

        public BufferSegment Append(ReadOnlyMemory<byte> memory)
        {
            var next = new BufferSegment(memory) { RunningIndex = RunningIndex + Memory.Length };
            Next = next;
            return next;
        }
    }
}

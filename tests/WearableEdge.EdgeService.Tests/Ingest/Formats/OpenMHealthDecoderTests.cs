using WearableEdge.Clinical.Samples;
using System.Buffers;
using System.Text;
using System.Text.Json.Nodes;
using WearableEdge.Contracts;
using WearableEdge.EdgeService.Ingest;

namespace WearableEdge.EdgeService.Tests.Ingest.Formats;

public sealed class OpenMHealthDecoderTests
{
    private const string PatientId = "patient-002";
    private static readonly DateTimeOffset At = new(2026, 11, 25, 8, 0, 0, TimeSpan.Zero);

    private static DecodedPayload Decode(string json) =>
        PayloadDecoder.Decode(Topics.OpenMHealth(PatientId), new ReadOnlySequence<byte>(Encoding.UTF8.GetBytes(json)));

    private static DecodedPayload.Vitals DecodeVitals(string json)
    {
        var decoded = Decode(json);
        return decoded as DecodedPayload.Vitals ?? throw new Xunit.Sdk.XunitException($"expected vitals, got {decoded}");
    }

    [Fact]
    public void Decode_DocumentedHeartRate_GivesOneSampleInPerMinute()
    {
        var vitals = DecodeVitals(ContractExamples.Json("#### Open mHealth heart-rate 2.0"));

        Assert.Equal(("patient-002", "dev-002"), (vitals.PatientId, vitals.DeviceId));
        var sample = Assert.Single(vitals.Samples);
        Assert.Equal(At, sample.DeviceTime);
        Assert.Equal(72, sample.Vitals.HeartRate);
        Assert.Null(sample.Vitals.SpO2);
    }

    [Fact]
    public void Decode_DocumentedOxygenSaturation_GivesSpO2InPercent() =>
        Assert.Equal(97, Assert.Single(DecodeVitals(ContractExamples.Json("#### Open mHealth oxygen-saturation 2.0")).Samples).Vitals.SpO2);

    [Fact]
    public void Decode_DocumentedRespiratoryRate_GivesRatePerMinute() =>
        Assert.Equal(14, Assert.Single(DecodeVitals(ContractExamples.Json("#### Open mHealth respiratory-rate 2.0")).Samples).Vitals.RespirationRate);

    [Fact]
    public void Decode_DocumentedBodyTemperatureInFahrenheit_GivesCelsius()
    {
        var sample = Assert.Single(DecodeVitals(ContractExamples.Json("#### Open mHealth body-temperature 4.0")).Samples);

        Assert.Equal(36.8, sample.Vitals.Temperature!.Value, 6);
    }

    [Fact]
    public void Decode_DocumentedAcceleration_GivesMotionInG()
    {
        var decoded = Decode(ContractExamples.Json("#### Acceleration: `wearable-edge:acceleration:1.0`"));

        var motion = Assert.IsType<DecodedPayload.Motion>(decoded);
        Assert.Equal(("patient-002", "dev-002", 4, 50.0), (motion.PatientId, motion.DeviceId, motion.SampleCount, motion.SampleRateHz));
        Assert.Equal(At, motion.DeviceTime);
        Assert.Equal(9.807 / 9.80665, motion.Z[0], 5);
        Assert.Equal(0.196 / 9.80665, motion.X[0], 5);
    }

    [Fact]
    public void Decode_ArrayOfDataPointsAtOneTime_MergesIntoOneSample()
    {
        var array = $"[{ContractExamples.Json("#### Open mHealth heart-rate 2.0")},{ContractExamples.Json("#### Open mHealth oxygen-saturation 2.0")}]";

        var sample = Assert.Single(DecodeVitals(array).Samples);

        Assert.Equal((72.0, 97.0), (sample.Vitals.HeartRate, sample.Vitals.SpO2));
    }

    [Theory]
    [InlineData("heart_rate", "beats/s")]
    [InlineData("heart_rate", "kg")]
    public void Decode_UnconvertibleUnit_RejectedAsUnsupportedUnitNamingIt(string property, string unit)
    {
        var node = JsonNode.Parse(ContractExamples.Json("#### Open mHealth heart-rate 2.0"))!;
        node["body"]![property]!["unit"] = unit;

        var rejected = Assert.IsType<DecodedPayload.Rejected>(Decode(node.ToJsonString()));

        Assert.Equal(RejectReason.UnsupportedUnit, rejected.Reason);
        Assert.Contains(unit, rejected.Detail, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData("omh", "heart-rate", "1.0", RejectReason.UnsupportedSchemaVersion)]
    [InlineData("omh", "step-count", "2.0", RejectReason.UnsupportedSchemaVersion)]
    [InlineData("omh", "heart-rate", "2.1", null)]
    public void Decode_SchemaId_AcceptsOnlyKnownMajorVersions(string ns, string name, string version, string? reason)
    {
        var node = JsonNode.Parse(ContractExamples.Json("#### Open mHealth heart-rate 2.0"))!;
        node["header"]!["schema_id"] = new JsonObject { ["namespace"] = ns, ["name"] = name, ["version"] = version };

        var decoded = Decode(node.ToJsonString());

        Assert.Equal(reason, (decoded as DecodedPayload.Rejected)?.Reason);
    }

    [Fact]
    public void Decode_NoSourceName_RejectedAsMissingField()
    {
        var node = JsonNode.Parse(ContractExamples.Json("#### Open mHealth heart-rate 2.0"))!;
        node["header"]!.AsObject().Remove("acquisition_provenance");

        Assert.Equal(RejectReason.MissingField, Assert.IsType<DecodedPayload.Rejected>(Decode(node.ToJsonString())).Reason);
    }

    [Theory]
    [InlineData("2026-11-25T08:00:00")]
    [InlineData("yesterday")]
    public void Decode_TimeWithoutOffset_RejectedAsMissingTimestamp(string time)
    {
        var node = JsonNode.Parse(ContractExamples.Json("#### Open mHealth heart-rate 2.0"))!;
        node["body"]!["effective_time_frame"]!["date_time"] = time;

        Assert.Equal(RejectReason.MissingTimestamp, Assert.IsType<DecodedPayload.Rejected>(Decode(node.ToJsonString())).Reason);
    }

    [Fact]
    public void Decode_ImplausibleValueAfterConversion_PassesOnAndIsScreenedImplausible()
    {
        var node = JsonNode.Parse(ContractExamples.Json("#### Open mHealth body-temperature 4.0"))!;
        node["body"]!["body_temperature"]!["value"] = 98.24; // 98.24 °C: not a body temperature
        node["body"]!["body_temperature"]!["unit"] = "C";

        var sample = Assert.Single(Assert.IsType<DecodedPayload.Vitals>(Decode(node.ToJsonString())).Samples);
        Assert.Equal(SampleQuality.Implausible, SampleScreen.Assess(sample));
    }

    [Theory]
    [InlineData("[]", RejectReason.EmptyBatch)]
    [InlineData("42", RejectReason.MalformedJson)]
    [InlineData("{\"header\":", RejectReason.MalformedJson)]
    [InlineData("{\"body\":{}}", RejectReason.MissingField)]
    public void Decode_NotADataPoint_RejectedWithReason(string json, string reason) =>
        Assert.Equal(reason, Assert.IsType<DecodedPayload.Rejected>(Decode(json)).Reason);

    [Fact]
    public void Decode_TwoDevicesInOneArray_Rejected()
    {
        var other = JsonNode.Parse(ContractExamples.Json("#### Open mHealth oxygen-saturation 2.0"))!;
        other["header"]!["acquisition_provenance"]!["source_name"] = "dev-003";
        var array = $"[{ContractExamples.Json("#### Open mHealth heart-rate 2.0")},{other.ToJsonString()}]";

        Assert.Equal(RejectReason.InvalidValue, Assert.IsType<DecodedPayload.Rejected>(Decode(array)).Reason);
    }

    [Fact]
    public void Decode_TimeInterval_UsesItsStart()
    {
        var node = JsonNode.Parse(ContractExamples.Json("#### Open mHealth heart-rate 2.0"))!;
        node["body"]!["effective_time_frame"] = new JsonObject
        {
            ["time_interval"] = new JsonObject { ["start_date_time"] = "2026-11-25T09:00:00+01:00", ["end_date_time"] = "2026-11-25T09:01:00+01:00" },
        };

        Assert.Equal(At, Assert.Single(DecodeVitals(node.ToJsonString()).Samples).DeviceTime);
    }
}

using WearableEdge.Clinical.Samples;
using System.Buffers;
using System.Text;
using System.Text.Json.Nodes;
using WearableEdge.Contracts;
using WearableEdge.EdgeService.Ingest;

namespace WearableEdge.EdgeService.Tests.Ingest.Formats;

public sealed class FhirObservationDecoderTests
{
    private const string PatientId = "patient-002";
    private const string ObservationHeading = "#### FHIR R4 Observation";
    private const string BundleHeading = "#### FHIR R4 Bundle";
    private static readonly DateTimeOffset At = new(2026, 11, 25, 8, 0, 0, TimeSpan.Zero);

    private static DecodedPayload Decode(string json, string patientId = PatientId) =>
        PayloadDecoder.Decode(Topics.Fhir(patientId), new ReadOnlySequence<byte>(Encoding.UTF8.GetBytes(json)));

    private static string Rejection(string json) => Assert.IsType<DecodedPayload.Rejected>(Decode(json)).Reason;

    private static JsonNode Observation() => JsonNode.Parse(ContractExamples.Json(ObservationHeading))!;

    [Fact]
    public void Decode_DocumentedObservation_GivesHeartRate()
    {
        var vitals = Assert.IsType<DecodedPayload.Vitals>(Decode(ContractExamples.Json(ObservationHeading)));

        Assert.Equal((PatientId, "dev-002"), (vitals.PatientId, vitals.DeviceId));
        var sample = Assert.Single(vitals.Samples);
        Assert.Equal(At, sample.DeviceTime);
        Assert.Equal(72, sample.Vitals.HeartRate);
    }

    [Fact]
    public void Decode_DocumentedBundle_NormalizesUnitsIntoOneSample()
    {
        var vitals = Assert.IsType<DecodedPayload.Vitals>(Decode(ContractExamples.Json(BundleHeading)));

        var v = Assert.Single(vitals.Samples).Vitals;
        Assert.Equal(97, v.SpO2!.Value, 9);
        Assert.Equal(14, v.RespirationRate);
        Assert.Equal(36.8, v.Temperature!.Value, 6);
        Assert.Equal(121, v.SystolicBp);
        Assert.Null(v.HeartRate);
    }

    [Fact]
    public void Decode_SubjectOfAnotherPatient_RejectedAsInvalidValue() =>
        Assert.Equal(RejectReason.InvalidValue, Assert.IsType<DecodedPayload.Rejected>(Decode(ContractExamples.Json(ObservationHeading), "patient-003")).Reason);

    [Fact]
    public void Decode_UnknownLoincCode_RejectedAsUnsupportedCode()
    {
        var node = Observation();
        node["code"]!["coding"]![0]!["code"] = "29463-7"; // body weight

        Assert.Equal(RejectReason.UnsupportedCode, Rejection(node.ToJsonString()));
    }

    [Theory]
    [InlineData("kg")]
    [InlineData("{beats}/h")]
    public void Decode_UnconvertibleUnit_RejectedAsUnsupportedUnit(string unit)
    {
        var node = Observation();
        node["valueQuantity"]!["code"] = unit;

        Assert.Equal(RejectReason.UnsupportedUnit, Rejection(node.ToJsonString()));
    }

    [Fact]
    public void Decode_BeatsPerMinuteAnnotation_Accepted()
    {
        var node = Observation();
        node["valueQuantity"]!["code"] = "{beats}/min";

        Assert.Equal(72, Assert.Single(Assert.IsType<DecodedPayload.Vitals>(Decode(node.ToJsonString())).Samples).Vitals.HeartRate);
    }

    [Fact]
    public void Decode_NonUcumSystem_RejectedAsUnsupportedUnit()
    {
        var node = Observation();
        node["valueQuantity"]!["system"] = "http://example.org/units";

        Assert.Equal(RejectReason.UnsupportedUnit, Rejection(node.ToJsonString()));
    }

    [Theory]
    [InlineData("effectiveDateTime", "2026-11-25")]
    [InlineData(null, null)]
    public void Decode_NoTimeWithOffset_RejectedAsMissingTimestamp(string? property, string? value)
    {
        var node = Observation();
        node.AsObject().Remove("effectiveDateTime");
        if (property is not null)
        {
            node[property] = value;
        }

        Assert.Equal(RejectReason.MissingTimestamp, Rejection(node.ToJsonString()));
    }

    [Fact]
    public void Decode_NoDevice_RejectedAsMissingField()
    {
        var node = Observation();
        node.AsObject().Remove("device");

        Assert.Equal(RejectReason.MissingField, Rejection(node.ToJsonString()));
    }

    [Fact]
    public void Decode_EnteredInError_Rejected()
    {
        var node = Observation();
        node["status"] = "entered-in-error";

        Assert.Equal(RejectReason.InvalidValue, Rejection(node.ToJsonString()));
    }

    [Theory]
    [InlineData("{\"resourceType\":\"Patient\",\"id\":\"x\"}", RejectReason.UnsupportedCode)]
    [InlineData("{\"resourceType\":\"Bundle\",\"type\":\"collection\"}", RejectReason.EmptyBatch)]
    [InlineData("{\"resourceType\":\"NoSuchThing\"}", RejectReason.MalformedJson)]
    [InlineData("{\"resourceType\":\"Observation\",\"status\":", RejectReason.MalformedJson)]
    [InlineData("[1,2,3]", RejectReason.MalformedJson)]
    public void Decode_NotAnObservation_RejectedWithReason(string json, string reason) =>
        Assert.Equal(reason, Rejection(json));

    [Fact]
    public void Decode_ImplausibleSpO2_PassesOnAndIsScreenedImplausible()
    {
        var node = Observation();
        node["code"]!["coding"]![0]!["code"] = "2708-6";
        node["valueQuantity"]!["code"] = "%";
        node["valueQuantity"]!["value"] = 12;

        // Sensor garbage costs its sample only: the feature stage's screen counts it and keeps it out.
        var sample = Assert.Single(Assert.IsType<DecodedPayload.Vitals>(Decode(node.ToJsonString())).Samples);
        Assert.Equal(12, sample.Vitals.SpO2);
        Assert.Equal(SampleQuality.Implausible, SampleScreen.Assess(sample));
    }
}

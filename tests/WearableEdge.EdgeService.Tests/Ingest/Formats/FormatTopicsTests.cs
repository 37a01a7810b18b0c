using WearableEdge.Contracts;
using WearableEdge.EdgeService.Ingest;

namespace WearableEdge.EdgeService.Tests.Ingest.Formats;

public sealed class FormatTopicsTests
{
    [Theory]
    [InlineData("wearables/patient-002/omh", WearableStream.OpenMHealth)]
    [InlineData("wearables/patient-002/fhir", WearableStream.Fhir)]
    [InlineData("wearables/patient-002/vitals", WearableStream.Vitals)]
    public void TryParseWearableTopic_FormatTopics_NameTheirStream(string topic, WearableStream expected)
    {
        Assert.True(Topics.TryParseWearableTopic(topic, out var patientId, out var stream));
        Assert.Equal(("patient-002", expected), (patientId, stream));
    }

    [Fact]
    public void FormatTopics_BuiltFromPatientId_AreUnderTheSubscription()
    {
        Assert.Equal("wearables/p-1/omh", Topics.OpenMHealth("p-1"));
        Assert.Equal("wearables/p-1/fhir", Topics.Fhir("p-1"));
        Assert.Throws<ArgumentException>(() => Topics.Fhir("a/b"));
    }

    [Theory]
    [InlineData("wearables/patient-002/FHIR")]
    [InlineData("wearables/patient-002/omh/extra")]
    public void Decode_UnknownFormatTopic_RejectedAsUnknownTopic(string topic) =>
        Assert.Equal(RejectReason.UnknownTopic,
            Assert.IsType<DecodedPayload.Rejected>(PayloadDecoder.Decode(topic, new System.Buffers.ReadOnlySequence<byte>("{}"u8.ToArray()))).Reason);

    [Fact]
    public void Decode_V1PayloadOnFhirTopic_IsNotReadAsV1()
    {
        var v1 = """{"schemaVersion":1,"deviceId":"dev-002","samples":[{"ts":"2026-11-25T08:00:00Z","heartRate":72}]}"""u8.ToArray();

        var decoded = PayloadDecoder.Decode(Topics.Fhir("patient-002"), new System.Buffers.ReadOnlySequence<byte>(v1));

        Assert.IsType<DecodedPayload.Rejected>(decoded);
    }
}

using System.Buffers;
using System.Text;
using WearableEdge.Contracts;
using WearableEdge.EdgeService.Ingest;

namespace WearableEdge.EdgeService.Tests.Ingest.Formats;

/// <summary>
/// Mutated versions of every documented example go through the real decoder on the omh and fhir
/// topics: nothing throws, and each payload is accepted or rejected under one of the stable reasons.
/// </summary>
public sealed class FormatRobustnessTests
{
    private static readonly string[] Reasons =
    [
        RejectReason.TooLarge, RejectReason.MalformedJson, RejectReason.MissingField, RejectReason.UnsupportedSchemaVersion,
        RejectReason.MissingTimestamp, RejectReason.InvalidValue, RejectReason.EmptyBatch, RejectReason.UnsupportedUnit,
        RejectReason.UnsupportedCode,
    ];

    public static TheoryData<string, string> Examples => new()
    {
        { Topics.OpenMHealthStream, "#### Open mHealth heart-rate 2.0" },
        { Topics.OpenMHealthStream, "#### Open mHealth oxygen-saturation 2.0" },
        { Topics.OpenMHealthStream, "#### Open mHealth respiratory-rate 2.0" },
        { Topics.OpenMHealthStream, "#### Open mHealth body-temperature 4.0" },
        { Topics.OpenMHealthStream, "#### Acceleration: `wearable-edge:acceleration:1.0`" },
        { Topics.FhirStream, "#### FHIR R4 Observation" },
        { Topics.FhirStream, "#### FHIR R4 Bundle" },
    };

    [Theory]
    [MemberData(nameof(Examples))]
    public void Decode_MutatedExamples_NeverThrowsAndRejectsWithAKnownReason(string stream, string heading)
    {
        var topic = $"wearables/patient-002/{stream}";
        var original = Encoding.UTF8.GetBytes(ContractExamples.Json(heading));
        var random = new Random(4242);
        var (accepted, rejected) = (0, 0);
        Assert.IsNotType<DecodedPayload.Rejected>(Decode(topic, original));

        for (var i = 0; i < 3_000; i++)
        {
            var payload = Mutate(original, random);
            var decoded = Decode(topic, payload);
            if (decoded is DecodedPayload.Rejected r)
            {
                Assert.Contains(r.Reason, Reasons);
                Assert.False(string.IsNullOrWhiteSpace(r.Detail));
                rejected++;
            }
            else
            {
                Assert.True(decoded is DecodedPayload.Vitals or DecodedPayload.Motion, $"unexpected {decoded.GetType().Name}");
                accepted++;
            }
        }

        Assert.Equal(3_000, accepted + rejected);
        Assert.True(rejected > 0, "the mutations never produced a rejection: the test would not see a broken decoder");
    }

    private static DecodedPayload Decode(string topic, byte[] payload) =>
        PayloadDecoder.Decode(topic, new ReadOnlySequence<byte>(payload));

    private static byte[] Mutate(byte[] original, Random random)
    {
        var bytes = (byte[])original.Clone();
        switch (random.Next(6))
        {
            case 0: // flip bytes
                for (var k = random.Next(1, 4); k > 0; k--)
                {
                    bytes[random.Next(bytes.Length)] = (byte)random.Next(256);
                }

                return bytes;
            case 1: // truncate
                return bytes[..random.Next(bytes.Length)];
            case 2: // a digit becomes a huge number
                return Replace(original, random, "7", "1e400");
            case 3: // a string value becomes a number, or a number a string
                return random.Next(2) == 0 ? Replace(original, random, "\"2026", "2026") : Replace(original, random, ": 9", ": \"9\"");
            case 4: // deep nesting
                var depth = random.Next(10, 200);
                return [.. Encoding.UTF8.GetBytes(new string('[', depth)), .. original, .. Encoding.UTF8.GetBytes(new string(']', depth))];
            default: // a unit or code changes
                return Replace(original, random, "\"code\": \"", "\"code\": \"x");
        }
    }

    private static byte[] Replace(byte[] original, Random random, string find, string with)
    {
        var text = Encoding.UTF8.GetString(original);
        var at = text.IndexOf(find, random.Next(text.Length / 2), StringComparison.Ordinal);
        if (at < 0)
        {
            at = text.IndexOf(find, StringComparison.Ordinal);
        }

        return at < 0 ? original : Encoding.UTF8.GetBytes(string.Concat(text.AsSpan(0, at), with, text.AsSpan(at + find.Length)));
    }
}

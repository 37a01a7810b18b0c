using System.Buffers;
using WearableEdge.DeviceSim;
using WearableEdge.DeviceSim.Generation;
using WearableEdge.EdgeService.Ingest;
using Xunit;

namespace WearableEdge.IntegrationTests.EndToEnd;

/// <summary>
/// The simulator's Open mHealth and FHIR payloads, decoded by the service's real decoders
/// (<see cref="PayloadDecoder"/>), give the same samples as its contract-v1 payloads for the same seed.
/// </summary>
public sealed class SimulatorFormatDecodeTests
{
    private static readonly DateTimeOffset Start = new(2025, 3, 1, 8, 0, 0, TimeSpan.Zero);
    private static readonly TimeSpan Run = TimeSpan.FromMinutes(3);

    [Theory]
    [InlineData(PayloadFormat.OpenMHealth, TemperatureUnit.Celsius)]
    [InlineData(PayloadFormat.OpenMHealth, TemperatureUnit.Fahrenheit)]
    [InlineData(PayloadFormat.Fhir, TemperatureUnit.Celsius)]
    [InlineData(PayloadFormat.Fhir, TemperatureUnit.Fahrenheit)]
    public void Decode_StandardFormat_SameVitalsAsV1ForTheSameSeed(PayloadFormat format, TemperatureUnit unit)
    {
        var v1 = Decoded(Options(PayloadFormat.V1, TemperatureUnit.Celsius));
        var other = Decoded(Options(format, unit));

        Assert.Empty(other.OfType<DecodedPayload.Rejected>());
        var expected = v1.OfType<DecodedPayload.Vitals>().SelectMany(v => v.Samples).ToList();
        var actual = other.OfType<DecodedPayload.Vitals>().SelectMany(v => v.Samples).ToList();
        Assert.Equal(8 * Run.TotalSeconds, expected.Count);
        Assert.Equal(expected.Count, actual.Count);
        Assert.Contains(expected, s => s.Vitals.SystolicBp is not null);
        foreach (var (want, got) in expected.Zip(actual))
        {
            Assert.Equal((want.PatientId, want.DeviceId, want.DeviceTime), (got.PatientId, got.DeviceId, got.DeviceTime));
            Assert.Equal(want.Vitals.HeartRate, got.Vitals.HeartRate);
            Assert.Equal(want.Vitals.SpO2, got.Vitals.SpO2);
            Assert.Equal(want.Vitals.RespirationRate, got.Vitals.RespirationRate);
            Assert.Equal(want.Vitals.Temperature!.Value, got.Vitals.Temperature!.Value, 1e-9);
            // Open mHealth: the gateway reads no blood-pressure schema, so the simulator sends none.
            Assert.Equal(format == PayloadFormat.Fhir ? want.Vitals.SystolicBp : null, got.Vitals.SystolicBp);
        }
    }

    [Fact]
    public void Decode_OpenMHealthAcceleration_SameMotionAsV1()
    {
        var v1 = Decoded(Options(PayloadFormat.V1, TemperatureUnit.Celsius)).OfType<DecodedPayload.Motion>().ToList();
        var omh = Decoded(Options(PayloadFormat.OpenMHealth, TemperatureUnit.Celsius)).OfType<DecodedPayload.Motion>().ToList();

        Assert.Equal(8 * Run.TotalSeconds * 2, v1.Count);
        Assert.Equal(v1.Count, omh.Count);
        foreach (var (want, got) in v1.Zip(omh))
        {
            Assert.Equal((want.PatientId, want.DeviceId, want.DeviceTime, want.SampleRateHz), (got.PatientId, got.DeviceId, got.DeviceTime, got.SampleRateHz));
            Assert.Equal(want.X, got.X);
            Assert.Equal(want.Y, got.Y);
            Assert.Equal(want.Z, got.Z);
        }
    }

    [Fact]
    public void Decode_LargestStandardBatch_Accepted()
    {
        foreach (var format in new[] { PayloadFormat.OpenMHealth, PayloadFormat.Fhir })
        {
            var options = Options(format, TemperatureUnit.Fahrenheit) with { VitalsBatchSize = SimulationOptions.MaxStandardFormatBatchSize };
            var decoded = Decoded(options);

            Assert.Empty(decoded.OfType<DecodedPayload.Rejected>());
            Assert.All(decoded.OfType<DecodedPayload.Vitals>(), v => Assert.Equal(SimulationOptions.MaxStandardFormatBatchSize, v.Samples.Count));
        }
    }

    private static SimulationOptions Options(PayloadFormat format, TemperatureUnit unit) => new()
    {
        Broker = new Uri("mqtt://127.0.0.1:1883"),
        Patients = 8,
        Seed = 42,
        DeviceStart = Start,
        Format = format,
        TemperatureUnit = unit,
        Events = [new ScenarioEvent("patient-002", ScenarioKind.Desaturation, TimeSpan.FromSeconds(30), TimeSpan.FromMinutes(2))],
    };

    private static List<DecodedPayload> Decoded(SimulationOptions options) =>
        new WardGenerator(options, Start).AdvanceTo(Run)
            .Select(m => PayloadDecoder.Decode(m.Topic, new ReadOnlySequence<byte>(m.Payload)))
            .ToList();
}

using System.Text.Json;
using WearableEdge.Contracts;
using WearableEdge.DeviceSim.Generation;

namespace WearableEdge.DeviceSim.Tests.Generation;

public sealed class WardGeneratorTests
{
    private static readonly TimeSpan TenMinutes = TimeSpan.FromMinutes(10);

    [Fact]
    public void AdvanceTo_SameSeedCutIntoDifferentSteps_IdenticalPayloadSequence()
    {
        var options = TestWard.Options(events: new ScenarioEvent("patient-003", ScenarioKind.Deterioration, TimeSpan.FromMinutes(1), TimeSpan.FromMinutes(5)));
        var inOneStep = TestWard.Generate(options, TenMinutes);

        var stepped = new WardGenerator(options, TestWard.Start);
        var inManySteps = new List<OutgoingMessage>();
        for (var t = TimeSpan.Zero; t < TenMinutes; t += TimeSpan.FromMilliseconds(137))
        {
            inManySteps.AddRange(stepped.AdvanceTo(t));
        }

        inManySteps.AddRange(stepped.AdvanceTo(TenMinutes));

        Assert.True(inOneStep.Count > 1000);
        Assert.Equal(inOneStep.Select(m => m.Topic), inManySteps.Select(m => m.Topic));
        Assert.All(inOneStep.Zip(inManySteps), pair => Assert.Equal(pair.First.Payload, pair.Second.Payload));
    }

    [Fact]
    public void AdvanceTo_DifferentSeed_DifferentPayloads()
    {
        var seed42 = TestWard.Generate(TestWard.Options(seed: 42), TimeSpan.FromMinutes(1));
        var seed43 = TestWard.Generate(TestWard.Options(seed: 43), TimeSpan.FromMinutes(1));

        Assert.Equal(seed42.Select(m => m.Topic), seed43.Select(m => m.Topic));
        Assert.NotEqual(
            TestWard.Vitals(seed42, "patient-001").Select(s => s.HeartRate),
            TestWard.Vitals(seed43, "patient-001").Select(s => s.HeartRate));
    }

    [Fact]
    public void AdvanceTo_PatientInLargerWard_SamePayloads()
    {
        var small = TestWard.Generate(TestWard.Options(patients: 3), TimeSpan.FromMinutes(2));
        var large = TestWard.Generate(TestWard.Options(patients: 30), TimeSpan.FromMinutes(2));

        var topic = Topics.Vitals("patient-003");
        Assert.Equal(
            small.Where(m => m.Topic == topic).Select(m => m.Payload),
            large.Where(m => m.Topic == topic).Select(m => m.Payload));
    }

    [Fact]
    public void AdvanceTo_NoMotion_NoMotionMessagesAndSameVitals()
    {
        var withMotion = TestWard.Generate(TestWard.Options(), TimeSpan.FromMinutes(1));
        var withoutMotion = TestWard.Generate(TestWard.Options() with { Motion = false }, TimeSpan.FromMinutes(1));

        Assert.DoesNotContain(withoutMotion, m => m.Topic.EndsWith("/motion", StringComparison.Ordinal));
        Assert.Equal(
            withMotion.Where(m => m.Topic.EndsWith("/vitals", StringComparison.Ordinal)).Select(m => m.Payload),
            withoutMotion.Where(m => m.Topic.EndsWith("/vitals", StringComparison.Ordinal)).Select(m => m.Payload));
    }

    [Fact]
    public void AdvanceTo_VitalsPayloads_SchemaV1BatchesOf5AtStrictly1Hz()
    {
        var messages = TestWard.Generate(TestWard.Options(patients: 2), TimeSpan.FromMinutes(2));

        var batches = messages
            .Where(m => m.Topic == Topics.Vitals("patient-002"))
            .Select(m => JsonSerializer.Deserialize(m.Payload, ContractJsonContext.Default.VitalsBatch)!)
            .ToList();
        Assert.Equal(24, batches.Count);
        Assert.All(batches, b =>
        {
            Assert.Equal(ContractVersion.V1, b.SchemaVersion);
            Assert.Equal("dev-002", b.DeviceId);
            Assert.Equal(5, b.Samples.Count);
        });
        var timestamps = batches.SelectMany(b => b.Samples).Select(s => s.Ts!.Value).ToList();
        Assert.Equal(TestWard.Start, timestamps[0]);
        Assert.All(timestamps.Zip(timestamps.Skip(1)), pair => Assert.Equal(TimeSpan.FromSeconds(1), pair.Second - pair.First));
        Assert.All(batches.SelectMany(b => b.Samples), s =>
        {
            Assert.InRange(s.HeartRate!.Value, 50, 100);
            Assert.InRange(s.SpO2!.Value, 93, 100);
            Assert.InRange(s.RespirationRate!.Value, 9, 22);
            Assert.InRange(s.TemperatureC!.Value, 36.0, 37.4);
            Assert.Equal(Math.Round(s.TemperatureC.Value, 1), s.TemperatureC.Value);
            Assert.Equal(Math.Round(s.HeartRate.Value), s.HeartRate.Value);
        });
    }

    [Fact]
    public void AdvanceTo_VitalsBatchSize_SetsSamplesPerMessage()
    {
        var options = TestWard.Options(patients: 1) with { VitalsBatchSize = 10 };

        var batches = TestWard.Generate(options, TimeSpan.FromMinutes(1))
            .Where(m => m.Topic == Topics.Vitals("patient-001"))
            .Select(m => JsonSerializer.Deserialize(m.Payload, ContractJsonContext.Default.VitalsBatch)!)
            .ToList();

        Assert.Equal(6, batches.Count);
        Assert.All(batches, b => Assert.Equal(10, b.Samples.Count));
    }

    [Fact]
    public void AdvanceTo_MotionPayloads_25SamplesAt50HzEveryHalfSecondAbout1gAtRest()
    {
        var messages = TestWard.Generate(TestWard.Options(patients: 1), TimeSpan.FromSeconds(10));

        var batches = messages
            .Where(m => m.Topic == Topics.Motion("patient-001"))
            .Select(m => JsonSerializer.Deserialize(m.Payload, ContractJsonContext.Default.MotionBatch)!)
            .ToList();
        Assert.Equal(20, batches.Count);
        Assert.DoesNotContain(messages, m => System.Text.Encoding.UTF8.GetString(m.Payload).Contains("-0,", StringComparison.Ordinal));
        Assert.All(batches, b =>
        {
            Assert.Equal(ContractVersion.V1, b.SchemaVersion);
            Assert.Equal(50, b.SampleRateHz);
            Assert.Equal(25, b.X.Count);
            Assert.Equal(25, b.Y.Count);
            Assert.Equal(25, b.Z.Count);

            // Resting: gravity (1 g, in whatever direction the device is turned) plus small movements.
            var magnitudes = b.X.Select((x, i) => Math.Sqrt((x * x) + (b.Y[i] * b.Y[i]) + (b.Z[i] * b.Z[i]))).ToList();
            Assert.InRange(magnitudes.Average(), 0.95, 1.05);
            Assert.All(magnitudes, m => Assert.InRange(m, 0.6, 1.6));
            Assert.All(b.X.Concat(b.Y).Concat(b.Z), v => Assert.Equal(Math.Round(v, 3), v));
        });
        Assert.All(batches.Select((b, i) => (b, i)), p => Assert.Equal(TestWard.Start + (TimeSpan.FromMilliseconds(500) * p.i), p.b.Ts));
    }

    [Fact]
    public void AdvanceTo_DeviceStatus_EveryMinuteWornWithBatteryDraining()
    {
        var messages = TestWard.Generate(TestWard.Options(patients: 1), TimeSpan.FromMinutes(120));

        var statuses = messages
            .Where(m => m.Topic == Topics.Device("patient-001"))
            .Select(m => JsonSerializer.Deserialize(m.Payload, ContractJsonContext.Default.DeviceStatus)!)
            .ToList();
        Assert.Equal(120, statuses.Count);
        Assert.All(statuses.Select((s, i) => (s, i)), p => Assert.Equal(TestWard.Start + TimeSpan.FromMinutes(p.i), p.s.Ts));
        var patient = new WardGenerator(TestWard.Options(patients: 1), TestWard.Start).Patients[0];
        Assert.All(statuses.Select((s, i) => (s, i)), p =>
        {
            Assert.Equal(WearStatus.On, p.s.WearStatus);

            // The minute's mean optical quality: good at rest and asleep, lower while moving (artefacts).
            var minute = Enumerable.Range(0, 60).Select(k => patient.Activity(TimeSpan.FromMinutes(p.i) - TimeSpan.FromSeconds(k))).ToList();
            Assert.InRange(p.s.SignalQuality, minute.Any(b => b.IsMoving) ? 0.15 : 0.85, 1.0);
        });
        Assert.InRange(statuses[0].BatteryPercent - statuses[^1].BatteryPercent, 3.5, 4.5);
    }

    [Fact]
    public void AdvanceTo_Target_YieldsOnlySamplesTakenBeforeIt()
    {
        var generator = new WardGenerator(TestWard.Options(patients: 1), TestWard.Start);

        var first = TestWard.Vitals(generator.AdvanceTo(TimeSpan.FromSeconds(12)), "patient-001");
        var second = TestWard.Vitals(generator.AdvanceTo(TimeSpan.FromSeconds(15)), "patient-001");

        Assert.Equal(10, first.Count);
        Assert.Equal(TestWard.Start + TimeSpan.FromSeconds(10), Assert.Single(second.Take(1)).Ts);
        Assert.Equal(5, second.Count);
    }
}

using System.Text.Json;
using WearableEdge.Contracts;
using WearableEdge.DeviceSim.Generation;

namespace WearableEdge.DeviceSim.Tests.Generation;

/// <summary>What the ward sends while a device is off the body, dying, or out of Bluetooth range.</summary>
public sealed class TechnicalEventTests
{
    private const string Patient = "patient-002";

    [Fact]
    public void DeviceRemoved_DuringTheEvent_NoVitalsWearOffMotionGoesOnThenVitalsResume()
    {
        var removed = new ScenarioEvent(Patient, ScenarioKind.DeviceRemoved, TimeSpan.FromMinutes(3), TimeSpan.FromMinutes(5));
        var messages = TestWard.Generate(TestWard.Options(2, 42, removed), TimeSpan.FromMinutes(12));

        var vitals = TestWard.Vitals(messages, Patient);
        Assert.DoesNotContain(vitals, s => s.Ts >= TestWard.Start + removed.Onset && s.Ts < TestWard.Start + removed.End);
        Assert.Contains(vitals, s => s.Ts >= TestWard.Start + removed.End);
        Assert.Equal(12 * 60 - 5 * 60, vitals.Count);
        var statuses = Statuses(messages, Patient);
        Assert.All(statuses, s => Assert.Equal(
            s.Ts >= TestWard.Start + removed.Onset && s.Ts < TestWard.Start + removed.End ? WearStatus.Off : WearStatus.On, s.WearStatus));
        Assert.All(statuses.Where(s => s.WearStatus == WearStatus.Off), s => Assert.Equal(0, s.SignalQuality));
        Assert.Equal(12 * 60 * 2, messages.Count(m => m.Topic == Topics.Motion(Patient)));
    }

    [Fact]
    public void BatteryDrain_BelowFifteenPercentBeforeTheEndThenNothingUntilTheRunEnds()
    {
        var drain = new ScenarioEvent(Patient, ScenarioKind.BatteryDrain, TimeSpan.FromMinutes(5), TimeSpan.FromMinutes(20));
        var messages = TestWard.Generate(TestWard.Options(2, 42, drain), TimeSpan.FromMinutes(40));

        var statuses = Statuses(messages, Patient);
        Assert.Contains(statuses, s => s.BatteryPercent < 15);
        Assert.True(statuses[^1].Ts < TestWard.Start + drain.End, "no status after the battery died");
        var mine = messages.Where(m => m.Topic.Contains(Patient, StringComparison.Ordinal)).ToList();
        Assert.All(TestWard.Vitals(mine, Patient), s => Assert.True(s.Ts < TestWard.Start + drain.End));
        Assert.True(TestWard.Motion(mine, Patient).X.Length <= (int)drain.End.TotalSeconds * 50);
        Assert.Equal(40 * 60, TestWard.Vitals(messages, "patient-001").Count);
    }

    [Fact]
    public void BatteryDrain_WithDeadFor_ComesBackChargedAfterThat()
    {
        var drain = new ScenarioEvent(Patient, ScenarioKind.BatteryDrain, TimeSpan.FromMinutes(5), TimeSpan.FromMinutes(10)) { DeadFor = TimeSpan.FromMinutes(10) };
        var messages = TestWard.Generate(TestWard.Options(2, 42, drain), TimeSpan.FromMinutes(40));

        var vitals = TestWard.Vitals(messages, Patient);
        Assert.DoesNotContain(vitals, s => s.Ts >= TestWard.Start + TimeSpan.FromMinutes(15) && s.Ts < TestWard.Start + TimeSpan.FromMinutes(25));
        Assert.Contains(vitals, s => s.Ts >= TestWard.Start + TimeSpan.FromMinutes(26));
        Assert.InRange(Statuses(messages, Patient)[^1].BatteryPercent, 99, 100);
    }

    [Fact]
    public void BluetoothGap_NothingDuringTheGapThenEveryHeldMessageAtOnceInOrderWithOriginalTimestamps()
    {
        var gap = new ScenarioEvent(Patient, ScenarioKind.BluetoothGap, TimeSpan.FromMinutes(2), TimeSpan.FromMinutes(3));
        var options = TestWard.Options(2, 42, gap);
        var withoutGap = TestWard.Generate(TestWard.Options(2, 42), TimeSpan.FromMinutes(8));
        var generator = new WardGenerator(options, TestWard.Start);

        var beforeEnd = generator.AdvanceTo(gap.End).ToList();
        var atEnd = generator.AdvanceTo(gap.End + TimeSpan.FromMilliseconds(1)).ToList();
        var rest = generator.AdvanceTo(TimeSpan.FromMinutes(8)).ToList();

        // Nothing of the patient's with a sample time in the gap went out before its end.
        Assert.DoesNotContain(TestWard.Vitals(beforeEnd, Patient), s => s.Ts >= TestWard.Start + gap.Onset);
        Assert.Contains(TestWard.Vitals(beforeEnd, "patient-001"), s => s.Ts >= TestWard.Start + gap.Onset);

        // At the end: all of them at once, in their original order, the payloads unchanged.
        var backfill = atEnd.SkipWhile(m => !m.Topic.Contains(Patient, StringComparison.Ordinal)).TakeWhile(m => m.Topic.Contains(Patient, StringComparison.Ordinal)).ToList();
        Assert.True(backfill.Count >= (3 * 60 * 2) + 36, $"{backfill.Count} messages backfilled");
        Assert.Equal(
            withoutGap.Where(m => m.Topic.Contains(Patient, StringComparison.Ordinal)).Select(m => Convert.ToBase64String(m.Payload)),
            beforeEnd.Concat(atEnd).Concat(rest).Where(m => m.Topic.Contains(Patient, StringComparison.Ordinal)).Select(m => Convert.ToBase64String(m.Payload)));
        var timestamps = TestWard.Vitals(backfill, Patient).Select(s => s.Ts!.Value).ToList();
        Assert.Equal(TestWard.Start + gap.Onset, timestamps[0]);
        Assert.Equal(timestamps.Order(), timestamps);
        Assert.True(timestamps[^1] < TestWard.Start + gap.End);
    }

    [Fact]
    public void EveryEventKind_SameSeedCutIntoDifferentSteps_IdenticalPayloads()
    {
        var kinds = Enum.GetValues<ScenarioKind>();
        var events = kinds.Select((k, i) => new ScenarioEvent(TestWard.Patient(i + 1), k, TimeSpan.FromSeconds(30 + (10 * i)), TimeSpan.FromMinutes(3))).ToArray();
        var options = TestWard.Options(kinds.Length, 99, events);
        var once = TestWard.Generate(options, TimeSpan.FromMinutes(6));

        var stepped = new WardGenerator(options, TestWard.Start);
        var inSteps = new List<OutgoingMessage>();
        for (var t = TimeSpan.Zero; t < TimeSpan.FromMinutes(6); t += TimeSpan.FromMilliseconds(731))
        {
            inSteps.AddRange(stepped.AdvanceTo(t));
        }

        inSteps.AddRange(stepped.AdvanceTo(TimeSpan.FromMinutes(6)));
        Assert.Equal(once.Select(m => m.Topic), inSteps.Select(m => m.Topic));
        Assert.All(once.Zip(inSteps), p => Assert.Equal(p.First.Payload, p.Second.Payload));
        Assert.NotEqual(
            once.Select(m => Convert.ToBase64String(m.Payload)),
            TestWard.Generate(options with { Seed = 100 }, TimeSpan.FromMinutes(6)).Select(m => Convert.ToBase64String(m.Payload)));
    }

    private static List<DeviceStatus> Statuses(IEnumerable<OutgoingMessage> messages, string patientId) =>
        messages.Where(m => m.Topic == Topics.Device(patientId))
            .Select(m => JsonSerializer.Deserialize(m.Payload, ContractJsonContext.Default.DeviceStatus)!)
            .ToList();
}

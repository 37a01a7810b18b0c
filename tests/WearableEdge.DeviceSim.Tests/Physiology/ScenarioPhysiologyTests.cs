using WearableEdge.Clinical.Alerts;
using WearableEdge.Clinical.Scoring;
using WearableEdge.DeviceSim.Generation;
using WearableEdge.DeviceSim.Physiology;

namespace WearableEdge.DeviceSim.Tests.Physiology;

/// <summary>
/// The scenarios must drive the edge service's NEWS2 rule the way the demo and the integration
/// tests expect. Scores are taken the way the service takes them: from one-minute window means.
/// Every ward here is seeded, so each assertion is deterministic, not a probability.
/// </summary>
public sealed class ScenarioPhysiologyTests
{
    private const int WardSize = 20;

    private static IEnumerable<string> WardPatients => Enumerable.Range(1, WardSize).Select(TestWard.Patient);

    [Fact]
    public void Deterioration_FullEffect_News2AtLeast7ForEveryPatientOfA20PatientWard()
    {
        var events = WardPatients
            .Select(p => new ScenarioEvent(p, ScenarioKind.Deterioration, TimeSpan.FromMinutes(1), TimeSpan.FromMinutes(30)))
            .ToArray();
        var messages = TestWard.Generate(TestWard.Options(WardSize, 42, events) with { Motion = false }, TimeSpan.FromMinutes(10));

        foreach (var patient in WardPatients)
        {
            var vitals = TestWard.Vitals(messages, patient);
            var before = TestWard.MinuteScore(vitals, TimeSpan.Zero);
            var fullEffect = TestWard.MinuteScore(vitals, TimeSpan.FromMinutes(8));

            Assert.True(before.Total <= 1, $"{patient} before onset: {before.Total}");
            Assert.True(fullEffect.Total >= 7, $"{patient} at full effect: {fullEffect.Total}");
            Assert.Equal(News2Band.High, fullEffect.Band);
        }
    }

    [Fact]
    public void Deterioration_Ramp_HeartRateRisesEveryMinuteThenHolds()
    {
        var patient = TestWard.Patient(1);
        var options = TestWard.Options(1, 42, new ScenarioEvent(patient, ScenarioKind.Deterioration, TimeSpan.Zero, TimeSpan.FromMinutes(30)));
        var vitals = TestWard.Vitals(TestWard.Generate(options, TimeSpan.FromMinutes(8)), patient);

        var heartRates = Enumerable.Range(0, 8).Select(m => TestWard.MinuteMean(vitals, TimeSpan.FromMinutes(m)).HeartRate!.Value).ToList();

        Assert.All(heartRates.Take(5).Zip(heartRates.Skip(1).Take(5)), p => Assert.True(p.Second > p.First, $"{p.First} → {p.Second}"));
        Assert.InRange(heartRates[7] - heartRates[6], -2, 2);
    }

    [Fact]
    public void Baseline_20PatientWardOverTenMinutes_NoMinuteInAnAlertBand()
    {
        var messages = TestWard.Generate(TestWard.Options(WardSize) with { Motion = false }, TimeSpan.FromMinutes(10));

        var scores = WardPatients
            .SelectMany(p => Enumerable.Range(0, 10).Select(m => TestWard.MinuteScore(TestWard.Vitals(messages, p), TimeSpan.FromMinutes(m))))
            .ToList();

        Assert.Equal(WardSize * 10, scores.Count);
        Assert.All(scores, s => Assert.Null(News2AlertRule.Condition(s)));
        Assert.All(scores, s => Assert.InRange(s.Total, 0, 4));
        Assert.True(scores.Count(s => s.Total == 0) > scores.Count / 2, "most baseline minutes score 0");
    }

    [Fact]
    public void Baseline_20PatientWard_AboutHalfMeasureBloodPressure()
    {
        var generator = new WardGenerator(TestWard.Options(WardSize), TestWard.Start);

        var withBloodPressure = generator.Patients.Count(p => p.Baseline.SystolicBp is not null);

        Assert.InRange(withBloodPressure, 6, 14);
        Assert.All(generator.Patients, p =>
        {
            Assert.InRange(p.Baseline.HeartRate, 60, 85);
            Assert.InRange(p.Baseline.RespirationRate, 12, 18);
            Assert.InRange(p.Baseline.SpO2, 96, 99);
            Assert.InRange(p.Baseline.TemperatureC, 36.4, 37.0);
        });
    }

    [Fact]
    public void Desaturation_Onset_SpO2AtMost88Within60sThenRecovers()
    {
        var onset = TimeSpan.FromMinutes(1);
        var events = WardPatients.Select(p => new ScenarioEvent(p, ScenarioKind.Desaturation, onset, TimeSpan.FromMinutes(3))).ToArray();
        var generator = new WardGenerator(TestWard.Options(WardSize, 42, events) with { Motion = false }, TestWard.Start);
        var messages = generator.AdvanceTo(TimeSpan.FromMinutes(7)).ToList();

        foreach (var patient in WardPatients)
        {
            // A motion artefact while the patient walks reads lower still: leave those seconds out.
            var schedule = generator.Patients.Single(p => p.PatientId == patient).Schedule;
            var vitals = TestWard.Vitals(messages, patient).Where(s => schedule.ArtefactAt(s.Ts!.Value) is null).ToList();
            var firstLow = vitals.First(s => s.Ts >= TestWard.Start + onset && s.SpO2 <= 88);
            var held = TestWard.MinuteMean(vitals, TimeSpan.FromMinutes(2));
            var after = TestWard.MinuteMean(vitals, TimeSpan.FromMinutes(5));

            Assert.True(firstLow.Ts - (TestWard.Start + onset) <= TimeSpan.FromSeconds(60), $"{patient} reached 88 % at {firstLow.Ts}");
            Assert.InRange(held.SpO2!.Value, 83, 85);
            Assert.True(after.SpO2 >= 95.5, $"{patient} after recovery: {after.SpO2}");
            Assert.True(News2.Score(held).Components.Single(c => c.Parameter == Clinical.Samples.VitalSign.SpO2).Points == 3);
        }
    }

    [Fact]
    public void Deterioration_AfterEnd_VitalsReturnToBaseline()
    {
        var patient = TestWard.Patient(4);
        var options = TestWard.Options(4, 42, new ScenarioEvent(patient, ScenarioKind.Deterioration, TimeSpan.FromMinutes(1), TimeSpan.FromMinutes(10)));
        var generator = new WardGenerator(options, TestWard.Start);
        var virtualPatient = generator.Patients[3];
        var resting = virtualPatient.Resting(TimeSpan.FromMinutes(18.5));

        var vitals = TestWard.Vitals(generator.AdvanceTo(TimeSpan.FromMinutes(20)), patient);
        var after = TestWard.MinuteMean(vitals, TimeSpan.FromMinutes(18));

        // Back to what the patient's rhythm and activity give without the event (artefacts aside).
        Assert.Equal(virtualPatient.Resting(TimeSpan.FromMinutes(18.5)), virtualPatient.Expected(TimeSpan.FromMinutes(18.5)));
        Assert.InRange(after.HeartRate!.Value, resting.HeartRate - 3, resting.HeartRate + 3);
        Assert.InRange(after.RespirationRate!.Value, resting.RespirationRate - 1.5, resting.RespirationRate + 1.5);
        Assert.InRange(after.Temperature!.Value, resting.TemperatureC - 0.1, resting.TemperatureC + 0.1);
        Assert.True(News2.Score(after).Total <= 1);
    }

    [Theory]
    [InlineData(-1.0, 0.0)]
    [InlineData(0.0, 0.0)]
    [InlineData(3.0, 0.5)]
    [InlineData(6.0, 1.0)]
    [InlineData(20.0, 1.0)]
    [InlineData(30.0, 1.0)]
    [InlineData(33.0, 0.5)]
    [InlineData(36.0, 0.0)]
    [InlineData(50.0, 0.0)]
    public void Intensity_SixMinuteRampThirtyMinuteEvent_RisesHoldsAndRecovers(double minutesSinceOnset, double expected)
    {
        var intensity = EventEffect.Intensity(TimeSpan.FromMinutes(minutesSinceOnset), TimeSpan.FromMinutes(30), TimeSpan.FromMinutes(6));

        Assert.Equal(expected, intensity, 6);
    }

    [Fact]
    public void Intensity_EventShorterThanRamp_RecoversFromWhereItGot()
    {
        var atEnd = EventEffect.Intensity(TimeSpan.FromMinutes(3), TimeSpan.FromMinutes(3), TimeSpan.FromMinutes(6));
        var justAfter = EventEffect.Intensity(TimeSpan.FromMinutes(3.1), TimeSpan.FromMinutes(3), TimeSpan.FromMinutes(6));

        Assert.Equal(0.5, atEnd, 6);
        Assert.True(justAfter < atEnd && justAfter > 0.45);
    }
}

using WearableEdge.Clinical.Alerts;
using WearableEdge.Clinical.Samples;
using WearableEdge.Clinical.Scoring;
using WearableEdge.DeviceSim.Generation;
using WearableEdge.DeviceSim.Physiology;

namespace WearableEdge.DeviceSim.Tests.Physiology;

/// <summary>
/// Each physiological event kind at full effect, noiseless, for every patient of a 20-patient
/// ward at several times of day (asleep, resting, walking): the values cross the thresholds the
/// README says they cross, and raise (or do not raise) the NEWS2 alert it says they raise.
/// </summary>
public sealed class EventKindTests
{
    private static readonly DateTimeOffset Midnight = new(2026, 1, 5, 0, 0, 0, TimeSpan.Zero);
    private static readonly TimeSpan Onset = TimeSpan.FromMinutes(10);

    public static TheoryData<int> StartHours => new() { 3, 8, 11, 15, 19 };

    [Theory]
    [MemberData(nameof(StartHours))]
    public void Tachycardia_FullEffect_HeartRateScores3AndNews2AlertsMedium(int hour)
    {
        foreach (var (patient, full) in AtFullEffect(ScenarioKind.Tachycardia, hour, TimeSpan.FromMinutes(2)))
        {
            Assert.True(full.HeartRate >= 131, $"{patient}: {full.HeartRate}");
            Assert.Equal(3, Points(full, VitalSign.HeartRate));
            Assert.NotNull(News2AlertRule.Condition(News2.Score(Signs(full))));
        }
    }

    [Theory]
    [MemberData(nameof(StartHours))]
    public void Bradycardia_FullEffect_HeartRateScores3AndNews2AlertsMedium(int hour)
    {
        foreach (var (patient, full) in AtFullEffect(ScenarioKind.Bradycardia, hour, TimeSpan.FromMinutes(2)))
        {
            Assert.True(full.HeartRate <= 40, $"{patient}: {full.HeartRate}");
            Assert.NotNull(News2AlertRule.Condition(News2.Score(Signs(full))));
        }
    }

    [Theory]
    [MemberData(nameof(StartHours))]
    public void Fever_FullEffect_TemperatureScores2AndHeartRateRises(int hour)
    {
        foreach (var (patient, full, before) in AtFullEffectWithBefore(ScenarioKind.Fever, hour, TimeSpan.FromHours(1)))
        {
            Assert.True(full.TemperatureC >= 39.1, $"{patient}: {full.TemperatureC}");
            Assert.Equal(2, Points(full, VitalSign.Temperature));
            Assert.True(full.HeartRate - before.HeartRate >= 15, $"{patient}: HR {before.HeartRate:F0} → {full.HeartRate:F0}");
        }
    }

    [Theory]
    [MemberData(nameof(StartHours))]
    public void Sepsis_SlowRamp_NoAlertInTheFirstHalfHourAlertsAtFullEffect(int hour)
    {
        foreach (var (patient, full) in AtFullEffect(ScenarioKind.Sepsis, hour, TimeSpan.FromHours(3.5), TimeSpan.FromHours(8)))
        {
            var score = News2.Score(Signs(full));
            Assert.True(score.Total >= 6, $"{patient}: NEWS2 {score.Total} at full effect");
            Assert.NotNull(News2AlertRule.Condition(score));
        }

        foreach (var (patient, early) in AtFullEffect(ScenarioKind.Sepsis, hour, TimeSpan.FromMinutes(30), TimeSpan.FromHours(8)))
        {
            Assert.Null(News2AlertRule.Condition(News2.Score(Signs(early))));
        }
    }

    [Theory]
    [MemberData(nameof(StartHours))]
    public void IrregularRhythm_FullEffect_MeanRateAtMost110NoNews2AlertButReadingsScatter(int hour)
    {
        foreach (var (patient, full) in AtFullEffect(ScenarioKind.IrregularRhythm, hour, TimeSpan.FromMinutes(2)))
        {
            Assert.InRange(full.HeartRate, 50, 110);
        }

        var start = Midnight + TimeSpan.FromHours(hour);
        var virtualPatient = new VirtualPatient(Ward.PatientId(0), Ward.DeviceId(0), 5, [new ScenarioEvent(Ward.PatientId(0), ScenarioKind.IrregularRhythm, Onset, TimeSpan.FromHours(1))], start);
        var steadyDiffs = Differences(virtualPatient, Onset - TimeSpan.FromMinutes(5), Onset - TimeSpan.FromMinutes(4));
        var irregularDiffs = Differences(virtualPatient, Onset + TimeSpan.FromMinutes(5), Onset + TimeSpan.FromMinutes(6));
        Assert.True(irregularDiffs > 3 * steadyDiffs, $"successive differences {irregularDiffs:F1} vs {steadyDiffs:F1} /min");
    }

    [Theory]
    [MemberData(nameof(StartHours))]
    public void Desaturation_FullEffect_SpO2At84FromAnyActivity(int hour)
    {
        foreach (var (patient, full) in AtFullEffect(ScenarioKind.Desaturation, hour, TimeSpan.FromMinutes(2)))
        {
            Assert.Equal(84, full.SpO2, 6);
            Assert.Equal(AlertPriority.High, SpO2AlertRule.Condition(full.SpO2, SpO2Thresholds.Default).Priority);
        }
    }

    [Theory]
    [InlineData(ScenarioKind.Fall)]
    [InlineData(ScenarioKind.DeviceRemoved)]
    [InlineData(ScenarioKind.BatteryDrain)]
    [InlineData(ScenarioKind.BluetoothGap)]
    public void NonPhysiologicalKinds_DuringTheEvent_VitalsUnchanged(ScenarioKind kind)
    {
        foreach (var (patient, during, before) in AtFullEffectWithBefore(kind, 11, TimeSpan.FromMinutes(2)))
        {
            Assert.Equal(before, during);
        }
    }

    private static IEnumerable<(string Patient, PatientBaseline Full)> AtFullEffect(ScenarioKind kind, int hour, TimeSpan after, TimeSpan? duration = null) =>
        AtFullEffectWithBefore(kind, hour, after, duration).Select(p => (p.Patient, p.Full));

    /// <summary>For 20 patients: the noiseless vitals <paramref name="after"/> the onset with the event, and without it.</summary>
    private static IEnumerable<(string Patient, PatientBaseline Full, PatientBaseline Before)> AtFullEffectWithBefore(
        ScenarioKind kind, int hour, TimeSpan after, TimeSpan? duration = null)
    {
        var start = Midnight + TimeSpan.FromHours(hour);
        for (var i = 0; i < 20; i++)
        {
            var id = Ward.PatientId(i);
            var scenarioEvent = new ScenarioEvent(id, kind, Onset, duration ?? TimeSpan.FromHours(2));
            var patient = new VirtualPatient(id, Ward.DeviceId(i), 100 + i, [scenarioEvent], start);
            yield return (id, patient.Expected(Onset + after), patient.Resting(Onset + after));
        }
    }

    private static VitalSigns Signs(PatientBaseline v) => new(v.HeartRate, v.SpO2, v.RespirationRate, v.TemperatureC, v.SystolicBp);

    private static int Points(PatientBaseline v, VitalSign sign) => News2.Score(Signs(v)).Components.Single(c => c.Parameter == sign).Points;

    /// <summary>Mean absolute difference of successive 1 Hz heart rate readings, /min.</summary>
    private static double Differences(VirtualPatient patient, TimeSpan from, TimeSpan to)
    {
        var readings = new List<double>();
        for (var t = TimeSpan.Zero; t < to; t += TimeSpan.FromSeconds(1))
        {
            var reading = patient.Vitals(t, patient.DeviceStart + t);
            if (t >= from && patient.Schedule.ArtefactAt(patient.DeviceStart + t) is null)
            {
                readings.Add(reading.HeartRate!.Value);
            }
        }

        return readings.Zip(readings.Skip(1)).Average(p => Math.Abs(p.Second - p.First));
    }
}

using WearableEdge.Clinical.Alerts;
using WearableEdge.Clinical.Features;
using WearableEdge.Clinical.Samples;
using WearableEdge.Clinical.Scoring;
using WearableEdge.DeviceSim.Generation;
using WearableEdge.DeviceSim.Motion;
using WearableEdge.DeviceSim.Physiology;
using WearableEdge.DeviceSim.Tests.Motion;

namespace WearableEdge.DeviceSim.Tests.Physiology;

/// <summary>
/// The physiology of a normal day: circadian rhythm, activities that move heart rate, respiration
/// and motion together, and motion artefacts only while moving. Seeded: every assertion is
/// deterministic. The alert tests run the service's own windowing, NEWS2 and alert rules.
/// </summary>
public sealed class DailyPhysiologyTests
{
    private static readonly DateTimeOffset Midnight = new(2026, 1, 5, 0, 0, 0, TimeSpan.Zero);

    private static VirtualPatient Patient(int index, DateTimeOffset start, params ScenarioEvent[] events) =>
        new(Ward.PatientId(index), Ward.DeviceId(index), 1000 + index, events, start);

    [Fact]
    public void Circadian_TemperaturePeakToTroughHalfADegree_HeartRateAndRespirationSamePhase()
    {
        var peak = Circadian.At(TimeSpan.FromHours(17));
        var trough = Circadian.At(TimeSpan.FromHours(5));

        Assert.Equal(0.5, peak.TemperatureC - trough.TemperatureC, 6);
        Assert.True(peak.HeartRate > trough.HeartRate);
        Assert.True(peak.RespirationRate > trough.RespirationRate);
        Assert.All(Enumerable.Range(0, 24).Select(h => Circadian.At(TimeSpan.FromHours(h))), s => Assert.InRange(s.TemperatureC, -0.25, 0.25));
    }

    [Fact]
    public void Schedule_TenPatientDays_SleepAtNightWalksByDayHeartRateHigherWalkingThanAsleep()
    {
        for (var i = 0; i < 10; i++)
        {
            var patient = Patient(i, Midnight);
            var asleep = new List<double>();
            var walking = new List<double>();
            var walks = 0;
            for (var t = TimeSpan.Zero; t < TimeSpan.FromDays(1); t += TimeSpan.FromSeconds(10))
            {
                var bout = patient.Activity(t);
                var settled = TimeSpan.FromTicks((Midnight + t).UtcTicks - bout.StartTicks) > TimeSpan.FromMinutes(2);
                if (bout.Activity == Activity.Sleep && settled)
                {
                    asleep.Add(patient.Resting(t).HeartRate);
                }
                else if (bout.Activity == Activity.Walking && settled)
                {
                    walking.Add(patient.Resting(t).HeartRate);
                }

                walks += bout.Activity == Activity.Walking && TimeSpan.FromTicks((Midnight + t).UtcTicks - bout.StartTicks) < TimeSpan.FromSeconds(10) ? 1 : 0;
            }

            Assert.Equal(Activity.Sleep, patient.Activity(TimeSpan.FromHours(0.5)).Activity);
            Assert.NotEqual(Activity.Sleep, patient.Activity(TimeSpan.FromHours(12)).Activity);
            Assert.InRange(walks, 3, 14);
            Assert.True(walking.Average() > asleep.Average() + 10, $"{Ward.PatientId(i)}: walking {walking.Average():F1}, asleep {asleep.Average():F1}");
        }
    }

    [Fact]
    public void Motion_WalkingBout_MagnitudeVarianceFarAboveRestingAndSleep()
    {
        var probe = Patient(2, Midnight);
        var walk = FirstBout(probe, Activity.Walking, from: TimeSpan.FromHours(8), minimum: TimeSpan.FromMinutes(2));
        var walkStart = new DateTimeOffset(walk.StartTicks, TimeSpan.Zero);
        var start = new DateTimeOffset(walkStart.UtcTicks - (walkStart.UtcTicks % TimeSpan.TicksPerSecond), TimeSpan.Zero) - TimeSpan.FromMinutes(3);
        var patient = Patient(2, start);
        Assert.NotEqual(Activity.Walking, patient.Activity(TimeSpan.FromMinutes(1)).Activity);

        var magnitudes = Magnitudes(patient, TimeSpan.FromMinutes(5));
        var before = Variance(magnitudes, TimeSpan.FromSeconds(30), TimeSpan.FromMinutes(2));
        var during = Variance(magnitudes, TimeSpan.FromMinutes(3.5), TimeSpan.FromMinutes(4.5));

        var night = Patient(2, Midnight + TimeSpan.FromHours(3));
        Assert.Equal(Activity.Sleep, night.Activity(TimeSpan.Zero).Activity);
        var asleep = Variance(Magnitudes(night, TimeSpan.FromMinutes(2)), TimeSpan.FromMinutes(1), TimeSpan.FromMinutes(2));

        Assert.True(during > 20 * before, $"walking {during:G3} vs before {before:G3} g²");
        Assert.True(during > 20 * asleep, $"walking {during:G3} vs asleep {asleep:G3} g²");
    }

    [Fact]
    public void Artefacts_TenPatientDays_SpO2DipsOnlyWhileMovingAndSomeWhileMoving()
    {
        var dipsMoving = 0;
        var flagged = 0;
        var missed = 0;
        for (var i = 0; i < 10; i++)
        {
            var patient = Patient(i, Midnight);
            for (var t = TimeSpan.Zero; t < TimeSpan.FromDays(1); t += TimeSpan.FromSeconds(1))
            {
                var reading = patient.Vitals(t, Midnight + t);

                // Sensor noise is 0.5 % SD and readings are whole percent: 3.5 % below the noiseless value is 6 SD, an artefact.
                if (reading.SpO2 < patient.Expected(t).SpO2 - 3.5)
                {
                    Assert.True(patient.Activity(t).IsMoving, $"{Ward.PatientId(i)} SpO2 dip at {t} while {patient.Activity(t).Activity}");
                    // The device's quality index flags most artefacts (below the service's 0.5) and misses some (0.5–0.7).
                    var quality = patient.SignalQuality(t);
                    Assert.True(quality is (>= 0.15 and < 0.4) or (>= 0.5 and < 0.7), $"quality {quality} in an artefact");
                    if (quality < 0.5)
                    {
                        flagged++;
                    }
                    else
                    {
                        missed++;
                    }

                    dipsMoving++;
                }
            }
        }

        Assert.True(dipsMoving > 100, $"{dipsMoving} artefact seconds in 10 patient-days");
        Assert.True(flagged > missed && missed > 0, $"{flagged} artefact seconds flagged poor, {missed} missed by the quality index");
    }

    [Fact]
    public void NormalDay_TwelvePatientDaysThroughTheServiceRules_NoClinicalAlertButArtefactsAlertWithoutDelays()
    {
        var withDelays = new List<string>();
        var withoutDelays = 0;
        var worstTotal = 0;
        var worst = "";
        for (var i = 0; i < 12; i++)
        {
            var patient = Patient(i, Midnight);
            var windower = new EventTimeWindower(patient.PatientId, WindowSpec.Default);
            var policies = new[] { new AlertEvaluator(AlertRuleSet.Default), new AlertEvaluator(AlertRuleSet.Default.WithoutDelaysOrHysteresis()) };
            for (var t = TimeSpan.Zero; t < TimeSpan.FromDays(1); t += TimeSpan.FromSeconds(1))
            {
                var r = patient.Vitals(t, Midnight + t);
                var sample = new WearableSample(patient.PatientId, patient.DeviceId, Midnight + t, new VitalSigns(r.HeartRate, r.SpO2, r.RespirationRate, r.TemperatureC, r.SystolicBp));
                foreach (var window in windower.Add(sample).ClosedWindows)
                {
                    var (news2, _) = News2Scorer.Score(window, 0.5);
                    if (news2.Total > worstTotal)
                    {
                        worst = $"{patient.PatientId} at {window.WindowEnd:HH:mm:ss} while {patient.Activity(t).Activity}/{patient.Activity(t).Movement}: {string.Join(" ", news2.Components.Select(c => $"{c.Parameter}={c.Value:F1}({c.Points})"))}";
                    }

                    worstTotal = Math.Max(worstTotal, news2.Total);
                    withDelays.AddRange(policies[0].ObserveWindow(window, news2)
                        .Where(e => e.Decision.Action == AlertAction.Raise)
                        .Select(e => $"{patient.PatientId} {e.Type} at {e.At:HH:mm:ss} while {patient.Activity(t).Activity}/{patient.Activity(t).Movement}, NEWS2 {news2.Total}: {string.Join(" ", news2.Components.Select(c => $"{c.Parameter}={c.Value:F1}({c.Points})"))}"));
                    withoutDelays += policies[1].ObserveWindow(window, news2).Count(e => e.Decision.Action == AlertAction.Raise);
                }
            }
        }

        Assert.True(withDelays.Count == 0, string.Join("\n", withDelays));
        Assert.True(withoutDelays > 12, $"{withoutDelays} alerts in 12 patient-days without delays");
        Assert.True(worstTotal is >= 1 and <= 4, $"worst window NEWS2 {worstTotal}: {worst}");
    }

    private static ActivityBout FirstBout(VirtualPatient patient, Activity activity, TimeSpan from, TimeSpan minimum)
    {
        for (var t = from; t < TimeSpan.FromDays(1); t += TimeSpan.FromSeconds(30))
        {
            var bout = patient.Activity(t);
            if (bout.Activity == activity && TimeSpan.FromTicks(bout.EndTicks - bout.StartTicks) >= minimum)
            {
                return bout;
            }
        }

        throw new InvalidOperationException($"no {activity} bout of {minimum}");
    }

    private static double[] Magnitudes(VirtualPatient patient, TimeSpan length)
    {
        var batches = (int)(length.TotalSeconds * 2);
        double[] x = new double[25], y = new double[25], z = new double[25];
        var all = new List<double>(batches * 25);
        for (var b = 0; b < batches; b++)
        {
            patient.Motion(x, y, z);
            all.AddRange(MotionSignal.Magnitudes([.. x.Select(v => (float)v)], [.. y.Select(v => (float)v)], [.. z.Select(v => (float)v)]));
        }

        return [.. all];
    }

    private static double Variance(double[] magnitudes, TimeSpan from, TimeSpan to)
    {
        var part = magnitudes[(int)(from.TotalSeconds * MotionLibrary.SampleRateHz)..(int)(to.TotalSeconds * MotionLibrary.SampleRateHz)];
        var mean = part.Average();
        return part.Average(m => (m - mean) * (m - mean));
    }
}

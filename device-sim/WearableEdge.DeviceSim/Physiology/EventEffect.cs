namespace WearableEdge.DeviceSim.Physiology;

/// <summary>A change to the vital signs, in /min, %, /min, °C and mmHg.</summary>
internal readonly record struct VitalShift(
    double HeartRate, double RespirationRate, double SpO2, double TemperatureC, double SystolicBp)
{
    public static VitalShift operator +(VitalShift a, VitalShift b) => new(
        a.HeartRate + b.HeartRate,
        a.RespirationRate + b.RespirationRate,
        a.SpO2 + b.SpO2,
        a.TemperatureC + b.TemperatureC,
        a.SystolicBp + b.SystolicBp);

    public static VitalShift operator *(VitalShift shift, double factor) => new(
        shift.HeartRate * factor,
        shift.RespirationRate * factor,
        shift.SpO2 * factor,
        shift.TemperatureC * factor,
        shift.SystolicBp * factor);
}

/// <summary>
/// How a scripted event bends a patient's vital signs over device time. Magnitudes are chosen to
/// cross the edge service's thresholds (NEWS2 rows, RCP 2017, FACTS.md; the desaturation rule's
/// 90 %) the way each condition would; README "Event kinds" lists the alert each should raise.
/// </summary>
internal static class EventEffect
{
    public static readonly TimeSpan DeteriorationRamp = TimeSpan.FromMinutes(6);
    public static readonly TimeSpan DesaturationRamp = TimeSpan.FromSeconds(30);
    public static readonly TimeSpan TachycardiaRamp = TimeSpan.FromSeconds(20);
    public static readonly TimeSpan BradycardiaRamp = TimeSpan.FromSeconds(30);
    public static readonly TimeSpan FeverRamp = TimeSpan.FromMinutes(30);
    public static readonly TimeSpan SepsisRamp = TimeSpan.FromHours(3);
    public static readonly TimeSpan IrregularRhythmRamp = TimeSpan.FromSeconds(10);

    /// <summary>SpO2 a desaturation settles at, % (below NEWS2's ≤ 91 row and the usual 88–90 % alarm limits).</summary>
    public const double DesaturationSpO2 = 84;

    /// <summary>Heart rate a tachycardia settles at, /min: NEWS2's ≥ 131 row scores 3.</summary>
    public const double TachycardiaHeartRate = 145;

    /// <summary>Heart rate a bradycardia settles at, /min: NEWS2's ≤ 40 row scores 3.</summary>
    public const double BradycardiaHeartRate = 38;

    /// <summary>Temperature a fever settles at, °C: NEWS2's ≥ 39.1 row scores 2.</summary>
    public const double FeverTemperature = 39.6;

    /// <summary>
    /// Heart rate rise per °C of fever: 8.5 /min (Karjalainen &amp; Viitasalo, "Fever and cardiac
    /// rhythm", Arch Intern Med 1986). The respiration rise per °C is a local choice.
    /// </summary>
    public const double HeartRatePerDegree = 8.5;

    private const double RespirationPerDegree = 1.5;

    /// <summary>The highest mean heart rate an irregular rhythm reaches, /min (NEWS2's 91–110 row: 1 point).</summary>
    private const double IrregularRhythmMaxHeartRate = 108;

    /// <summary>Beat-to-beat variability of the 1 Hz heart rate in an irregular rhythm at full effect, SD /min (local choice).</summary>
    public const double IrregularRhythmHeartRateSd = 12;

    /// <summary>The kind's ramp when the event gives none; zero for kinds without one.</summary>
    public static TimeSpan DefaultRamp(ScenarioKind kind) => kind switch
    {
        ScenarioKind.Deterioration => DeteriorationRamp,
        ScenarioKind.Desaturation => DesaturationRamp,
        ScenarioKind.Tachycardia => TachycardiaRamp,
        ScenarioKind.Bradycardia => BradycardiaRamp,
        ScenarioKind.Fever => FeverRamp,
        ScenarioKind.Sepsis => SepsisRamp,
        ScenarioKind.IrregularRhythm => IrregularRhythmRamp,
        _ => TimeSpan.Zero,
    };

    /// <summary>Whether the kind changes the vital signs (the others change motion or the device only).</summary>
    public static bool IsPhysiological(ScenarioKind kind) => DefaultRamp(kind) > TimeSpan.Zero;

    /// <summary>
    /// The shift <paramref name="scenarioEvent"/> causes at <paramref name="offset"/> from the
    /// simulation start, on top of <paramref name="current"/>: the patient's noiseless vitals
    /// without events (baseline, circadian rhythm, activity). Kinds that settle at a value
    /// (desaturation, tachycardia, bradycardia, fever) pull towards it from there.
    /// </summary>
    public static VitalShift At(ScenarioEvent scenarioEvent, PatientBaseline current, TimeSpan offset)
    {
        if (!IsPhysiological(scenarioEvent.Kind))
        {
            // Falls change the motion stream only; the technical kinds change the device.
            return default;
        }

        var ramp = scenarioEvent.Ramp ?? DefaultRamp(scenarioEvent.Kind);
        var sinceOnset = offset - scenarioEvent.Onset;
        var intensity = Intensity(sinceOnset, scenarioEvent.Duration, ramp);
        if (intensity == 0)
        {
            return default;
        }

        switch (scenarioEvent.Kind)
        {
            // Full effect scores NEWS2 ≥ 7 from the baseline ranges: RR 24–30 (2–3), SpO2 89–92 (2–3),
            // HR 105–130 (1–2), temperature 38.4–39.0 (1), SBP 85–110 when measured (1–3).
            case ScenarioKind.Deterioration:
                return new VitalShift(45, 12, -7, 2.0, -25) * intensity;
            case ScenarioKind.Desaturation:
                return new VitalShift(15, 6, DesaturationSpO2 - current.SpO2, 0, 0) * intensity;
            case ScenarioKind.Tachycardia:
                return new VitalShift(TachycardiaHeartRate - current.HeartRate, 3, 0, 0, 0) * intensity;
            case ScenarioKind.Bradycardia:
                return new VitalShift(BradycardiaHeartRate - current.HeartRate, 0, 0, 0, 0) * intensity;
            case ScenarioKind.Fever:
                var rise = Math.Max(0, FeverTemperature - current.TemperatureC);
                return new VitalShift(HeartRatePerDegree * rise, RespirationPerDegree * rise, 0, rise, 0) * intensity;
            case ScenarioKind.IrregularRhythm:
                return new VitalShift(Math.Clamp(IrregularRhythmMaxHeartRate - current.HeartRate, 0, 20), 0, 0, 0, 0) * intensity;
            default:
                return Sepsis(sinceOnset, scenarioEvent.Duration, ramp);
        }
    }

    /// <summary>Extra beat-to-beat variability of the 1 Hz heart rate, SD /min: an irregular rhythm's, else 0.</summary>
    public static double HeartRateIrregularity(ScenarioEvent scenarioEvent, TimeSpan offset) =>
        scenarioEvent.Kind == ScenarioKind.IrregularRhythm
            ? IrregularRhythmHeartRateSd * Intensity(offset - scenarioEvent.Onset, scenarioEvent.Duration, scenarioEvent.Ramp ?? IrregularRhythmRamp)
            : 0;

    /// <summary>
    /// Sepsis in phases over the ramp (a local choice following the usual order of the signs):
    /// temperature and heart rate over its first 60 %, respiration rate over 30–100 %, SpO2 and
    /// systolic BP over 50–100 %. Full effect scores NEWS2 ≥ 6 from every baseline (HR 100–125,
    /// RR 23–29, temperature 38.2–38.8, SpO2 90–93; SBP 80–105 when measured): medium, mostly high.
    /// </summary>
    private static VitalShift Sepsis(TimeSpan sinceOnset, TimeSpan duration, TimeSpan ramp)
    {
        double Phase(double from, double to) =>
            Intensity(sinceOnset - (ramp * from), duration - (ramp * from), ramp * (to - from));

        var early = Phase(0, 0.6);
        var breathing = Phase(0.3, 1);
        var late = Phase(0.5, 1);
        return new VitalShift(40 * early, 11 * breathing, -6 * late, 1.8 * early, -30 * late);
    }

    /// <summary>
    /// 0 before onset; rises smoothly to 1 over <paramref name="ramp"/>; holds until the event's
    /// end; falls smoothly from where it was back to 0 over another <paramref name="ramp"/>.
    /// </summary>
    public static double Intensity(TimeSpan sinceOnset, TimeSpan duration, TimeSpan ramp)
    {
        if (sinceOnset <= TimeSpan.Zero)
        {
            return 0;
        }

        var rise = ramp > TimeSpan.Zero ? sinceOnset / ramp : 1;
        if (sinceOnset <= duration)
        {
            return Smooth(rise);
        }

        var peak = Smooth(ramp > TimeSpan.Zero ? duration / ramp : 1);
        var recovery = ramp > TimeSpan.Zero ? (sinceOnset - duration) / ramp : 1;
        return peak * (1 - Smooth(recovery));
    }

    /// <summary>Smoothstep on [0, 1]: no jump in rate at either end of a ramp.</summary>
    private static double Smooth(double x)
    {
        var t = Math.Clamp(x, 0, 1);
        return t * t * (3 - (2 * t));
    }
}

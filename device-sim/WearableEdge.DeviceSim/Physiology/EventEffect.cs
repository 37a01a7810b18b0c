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

/// <summary>How a scripted event bends a patient's vital signs over device time.</summary>
internal static class EventEffect
{
    public static readonly TimeSpan DeteriorationRamp = TimeSpan.FromMinutes(6);
    public static readonly TimeSpan DesaturationRamp = TimeSpan.FromSeconds(30);

    /// <summary>SpO2 a desaturation settles at, % (below NEWS2's ≤ 91 row and the usual 88–90 % alarm limits).</summary>
    public const double DesaturationSpO2 = 84;

    /// <summary>The shift <paramref name="scenarioEvent"/> causes at <paramref name="offset"/> from the simulation start.</summary>
    public static VitalShift At(ScenarioEvent scenarioEvent, PatientBaseline baseline, TimeSpan offset)
    {
        if (scenarioEvent.Kind == ScenarioKind.Fall)
        {
            // A fall changes the motion stream only; the vital signs stay as they were.
            return default;
        }

        var ramp = scenarioEvent.Ramp ?? (scenarioEvent.Kind == ScenarioKind.Deterioration ? DeteriorationRamp : DesaturationRamp);
        var intensity = Intensity(offset - scenarioEvent.Onset, scenarioEvent.Duration, ramp);
        if (intensity == 0)
        {
            return default;
        }

        return scenarioEvent.Kind switch
        {
            // Full effect scores NEWS2 ≥ 7 from the baseline ranges: RR 24–30 (2–3), SpO2 89–92 (2–3),
            // HR 105–130 (1–2), temperature 38.4–39.0 (1), SBP 85–110 when measured (1–3).
            ScenarioKind.Deterioration => new VitalShift(45, 12, -7, 2.0, -25) * intensity,
            ScenarioKind.Desaturation => new VitalShift(15, 6, DesaturationSpO2 - baseline.SpO2, 0, 0) * intensity,
            _ => throw new ArgumentOutOfRangeException(nameof(scenarioEvent), scenarioEvent.Kind, null),
        };
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

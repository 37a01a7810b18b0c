namespace WearableEdge.Clinical.Samples;

/// <summary>Whether a sample may feed clinical features and alerts.</summary>
public enum SampleQuality
{
    /// <summary>Plausible values and an acceptable (or unreported) signal quality.</summary>
    Usable,

    /// <summary>The device flagged the signal as poor (motion artefact, loose sensor): counted, not used.</summary>
    PoorSignal,

    /// <summary>A value outside <see cref="PlausibilityRanges"/>: sensor garbage, counted, not used.</summary>
    Implausible,
}

/// <summary>
/// Physiological plausibility ranges: values a living patient can show, wide on purpose. They
/// reject sensor garbage (0 % SpO2 from a loose probe, a 400 /min pulse), never an abnormal value a
/// patient can really have: NEWS2 scores well inside them (its extreme bands are HR ≤ 40 or ≥ 131,
/// RR ≤ 8 or ≥ 25, SpO2 ≤ 91 %, T ≤ 35.0 or ≥ 39.1 °C, SBP ≤ 90 or ≥ 220 mmHg; RCP 2017, FACTS.md).
/// Source of the limits themselves: the same ranges as the contract v1 decoder (docs/contract.md);
/// they are local engineering choices with no cited clinical source in FACTS.md, and a clinician
/// should confirm them before clinical use.
/// </summary>
public static class PlausibilityRanges
{
    /// <summary>The inclusive plausible range of <paramref name="sign"/> in its canonical unit.</summary>
    /// <param name="sign">The vital sign.</param>
    public static (double Min, double Max) Of(VitalSign sign) => sign switch
    {
        VitalSign.HeartRate => (20, 300),
        VitalSign.SpO2 => (50, 100),
        VitalSign.RespirationRate => (1, 80),
        VitalSign.Temperature => (25, 45),
        VitalSign.SystolicBp => (40, 300),
        _ => throw new ArgumentOutOfRangeException(nameof(sign), sign, "unknown vital sign"),
    };

    /// <summary>The first sign of <paramref name="vitals"/> outside its range (or not finite), or null.</summary>
    /// <param name="vitals">The sample's values.</param>
    public static VitalSign? FirstOutside(VitalSigns vitals)
    {
        foreach (var sign in Enum.GetValues<VitalSign>())
        {
            if (vitals.Get(sign) is { } value)
            {
                var (min, max) = Of(sign);
                if (!double.IsFinite(value) || value < min || value > max)
                {
                    return sign;
                }
            }
        }

        return null;
    }
}

/// <summary>
/// Decides whether a sample may feed clinical features and alerts. Poor signal quality is the
/// device's own index below a threshold; FACTS.md: signal-quality processing cut motion-artefact
/// alarms by 97 %. The default threshold (0.5) is a local choice.
/// </summary>
public static class SampleScreen
{
    /// <summary>Signal quality below this is poor. Default 0.5 (local choice).</summary>
    public const double DefaultMinSignalQuality = 0.5;

    /// <summary>Screens one sample.</summary>
    /// <param name="sample">The sample.</param>
    /// <param name="minSignalQuality">Signal quality below this is <see cref="SampleQuality.PoorSignal"/>.</param>
    public static SampleQuality Assess(WearableSample sample, double minSignalQuality = DefaultMinSignalQuality)
    {
        ArgumentNullException.ThrowIfNull(sample);
        if (PlausibilityRanges.FirstOutside(sample.Vitals) is not null)
        {
            return SampleQuality.Implausible;
        }

        return sample.SignalQuality is { } quality && (double.IsNaN(quality) || quality < minSignalQuality)
            ? SampleQuality.PoorSignal
            : SampleQuality.Usable;
    }
}

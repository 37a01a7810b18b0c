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
/// Physiological plausibility ranges: values a monitored patient can show and a wearable or ward
/// monitor can measure, wide on purpose. They reject sensor garbage (0 % SpO2 from a loose probe, a
/// 400 /min pulse), never an abnormal value a patient can really have: NEWS2 scores well inside them
/// (its extreme bands are HR ≤ 40 or ≥ 131, RR ≤ 8 or ≥ 25, SpO2 ≤ 91 %, T ≤ 35.0 or ≥ 39.1 °C,
/// SBP ≤ 90 or ≥ 220 mmHg; RCP 2017, FACTS.md). Each bound names its source below; the table with
/// links is docs/plausibility.md. Every bound lies inside the "valid" range of the MIMIC-III
/// benchmark cleaning table (Harutyunyan et al., Sci Data 2019, resources/variable_ranges.csv:
/// HR 0–350, SpO2 0–100, RR 0–300, T 26–45 °C, SBP 0–375), so none is wider than what published
/// ICU data cleaning keeps; where ours is narrower it is a local choice, said so. For adult and
/// paediatric ward patients: not set for neonates (whose RR can pass 80 /min). A clinician should
/// confirm them before clinical use.
/// </summary>
public static class PlausibilityRanges
{
    /// <summary>The inclusive plausible range of <paramref name="sign"/> in its canonical unit.</summary>
    /// <param name="sign">The vital sign.</param>
    public static (double Min, double Max) Of(VitalSign sign) => sign switch
    {
        // 20–300 /min: the pulse-rate measurement range of a monitor's SpO2 module (Mindray BeneVision
        // N22/N19 operator's manual, A.14.4: 20 to 300 bpm). Real rates beyond it are documented
        // (600 /min for 20 s: Chhabra et al., Indian Pacing Electrophysiol J 2012) but no optical
        // wearable measures them; a reading there is artefact.
        VitalSign.HeartRate => (20, 300),

        // 100 %: the physical maximum (ISO 80601-2-61 pulse oximeters measure 0–100 %). 50 %: local
        // choice. Pulse-oximeter accuracy is specified only for 70–100 % (Mindray manuals: "0 % to
        // 69 %: not specified"), but 50–69 % can be a real, dying patient's value, so it is kept
        // (it will raise an SpO2 alert); below 50 % a wrist PPG reading is taken as a loose probe.
        VitalSign.SpO2 => (50, 100),

        // 1–80 /min: local choice for adult and paediatric patients, inside the 0–200 rpm measurement
        // range of an impedance respiration monitor (Mindray BeneVision N1 manual, A.14.2). 0 is an
        // apnoea or a lost signal, which the no-data alert handles; neonates may exceed 80.
        VitalSign.RespirationRate => (1, 80),

        // 25–45 °C: the MIMIC-III benchmark's valid temperature range is 26–45 °C; 25 °C is a local
        // choice one degree lower so cool skin-temperature sensors are not all rejected. Survival
        // beyond it is documented (13.7 °C: Gilbert et al., Lancet 2000) but not on a ward wearable.
        VitalSign.Temperature => (25, 45),

        // 40–300 mmHg: local choice inside the MIMIC-III benchmark's valid systolic range (0–375).
        // An oscillometric cuff cannot report above its inflation limit (Masimo Rad-97 manual: at
        // most 280 mmHg in adult mode); 300 leaves a margin for other cuffs. Below 40 mmHg a cuff
        // reading is not usable (local choice).
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
/// device's own index below a threshold: contract v1 vitals carry it per sample (optional
/// <c>signalQuality</c>, docs/contract.md); FACTS.md: signal-quality processing cut motion-artefact
/// alarms by 97 %. The default threshold (0.5) is a local choice: device indices are not on a common
/// scale, so a site sets it per device model.
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

namespace WearableEdge.Clinical.Alerts;

/// <summary>
/// Thresholds of the fast low-SpO2 (desaturation) rule, in % SpO2, with hysteresis: an alert is
/// raised below <see cref="MediumBelow"/> (or <see cref="HighBelow"/>) and clears only at or above
/// <see cref="ClearAtOrAbove"/>, so a value wavering around the raise threshold neither re-raises
/// nor resolves the alert.
/// </summary>
public sealed record SpO2Thresholds
{
    /// <summary>
    /// Defaults: medium below 90 %, the limit of the delay study in FACTS.md ("a 15 s delay at SpO2
    /// 90 % cut low-SpO2 alarms by 60 %"); high below 85 % and clear at 92 % are local choices
    /// (no source in FACTS.md; 92 % is where NEWS2 scale 1 stops scoring 3), configurable per rule and patient.
    /// </summary>
    public static SpO2Thresholds Default { get; } = new(90, 85, 92);

    public SpO2Thresholds(double mediumBelow, double highBelow, double clearAtOrAbove)
    {
        if (!(highBelow <= mediumBelow && mediumBelow <= clearAtOrAbove) || highBelow < 0 || clearAtOrAbove > 100)
        {
            throw new ArgumentException(
                $"SpO2 thresholds must satisfy 0 ≤ highBelow ≤ mediumBelow ≤ clearAtOrAbove ≤ 100 (got {highBelow}, {mediumBelow}, {clearAtOrAbove}).");
        }

        MediumBelow = mediumBelow;
        HighBelow = highBelow;
        ClearAtOrAbove = clearAtOrAbove;
    }

    /// <summary>A value below this raises a medium-priority alert (%).</summary>
    public double MediumBelow { get; }

    /// <summary>A value below this raises (or escalates to) a high-priority alert (%).</summary>
    public double HighBelow { get; }

    /// <summary>The condition is clear only at or above this (%).</summary>
    public double ClearAtOrAbove { get; }
}

/// <summary>
/// Fast desaturation alert from the most recent SpO2 reading of each window hop (every 5 s by
/// default), rather than from the NEWS2 score of a 60 s mean: with the 15 s condition delay a
/// desaturation alerts within about 20 s of its onset, in line with the 6–15 s SpO2 alarm
/// validation delays of bedside monitors (FACTS.md, "Alarms").
/// </summary>
public static class SpO2AlertRule
{
    /// <summary>Alert type of desaturation alerts.</summary>
    public const string AlertType = "desaturation";

    /// <summary>Rule id in every desaturation alert's provenance.</summary>
    public const string RuleId = "spo2-low";

    /// <summary>Rule version; changes when the mapping or its defaults change.</summary>
    public const string RuleVersion = "1.0.0";

    /// <summary>Timing defaults: the 15 s condition delay of FACTS.md; 30 s clear and 5 min re-alert are local choices.</summary>
    public static AlertTiming DefaultTiming { get; } = new(TimeSpan.FromSeconds(15), TimeSpan.FromSeconds(30))
    {
        ReAlertAfter = TimeSpan.FromMinutes(5),
    };

    /// <summary>The condition an SpO2 reading (%) shows under <paramref name="thresholds"/>.</summary>
    public static AlertCondition Condition(double spO2, SpO2Thresholds thresholds)
    {
        ArgumentNullException.ThrowIfNull(thresholds);
        if (spO2 < thresholds.HighBelow)
        {
            return AlertCondition.Present(AlertPriority.High, spO2);
        }

        if (spO2 < thresholds.MediumBelow)
        {
            return AlertCondition.Present(AlertPriority.Medium, spO2);
        }

        return spO2 >= thresholds.ClearAtOrAbove ? AlertCondition.ClearAt(spO2) : AlertCondition.Hold(spO2);
    }

    /// <summary>A sentence for the nurse saying why the rule alerts.</summary>
    public static string Reason(double spO2, double peak, SpO2Thresholds thresholds, AlertTiming timing)
    {
        ArgumentNullException.ThrowIfNull(thresholds);
        ArgumentNullException.ThrowIfNull(timing);
        return string.Create(
            System.Globalization.CultureInfo.InvariantCulture,
            $"SpO2 {spO2:0.#} % (lowest {peak:0.#} %) below {thresholds.MediumBelow:0.#} % for at least {timing.ConditionDelay.TotalSeconds:0} s; high below {thresholds.HighBelow:0.#} %, clears at ≥ {thresholds.ClearAtOrAbove:0.#} %");
    }
}

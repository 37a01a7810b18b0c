using WearableEdge.Clinical.Scoring;

namespace WearableEdge.Clinical.Alerts;

/// <summary>
/// Maps a NEWS2 score to the alert priority its band calls for (FACTS.md, "NEWS2" bands):
/// total ≥ 7 → high (emergency response); total 5–6 → medium (urgent response within 1 h);
/// any single parameter scoring 3 → medium (urgent ward review). Totals 1–4 raise nothing: they
/// call for ward-based response, and an alert for them would feed alarm fatigue.
/// </summary>
public static class News2AlertRule
{
    /// <summary>Alert type of NEWS2 alerts.</summary>
    public const string AlertType = "news2";

    /// <summary>Rule id in every NEWS2 alert's provenance.</summary>
    public const string RuleId = "news2-band";

    /// <summary>Rule version; changes when the mapping or its defaults change.</summary>
    public const string RuleVersion = "1.0.0";

    /// <summary>
    /// The condition with hysteresis on the total: a score that no longer alerts clears only at a total
    /// of at most <paramref name="clearAtOrBelowTotal"/> (default 3, one below the top of the low band);
    /// in between it holds an open alert open. A local choice against flapping at the 4/5 boundary.
    /// </summary>
    public static AlertCondition Observation(News2Score score, int clearAtOrBelowTotal = 3)
    {
        ArgumentNullException.ThrowIfNull(score);
        return Condition(score) is { } priority
            ? AlertCondition.Present(priority, score.Total)
            : score.Total <= clearAtOrBelowTotal ? AlertCondition.ClearAt(score.Total) : AlertCondition.Hold(score.Total);
    }

    public static AlertPriority? Condition(News2Score score)
    {
        ArgumentNullException.ThrowIfNull(score);
        return score.Band switch
        {
            News2Band.High => AlertPriority.High,
            News2Band.Medium or News2Band.LowMedium => AlertPriority.Medium,
            _ => null,
        };
    }

    /// <summary>A sentence for the nurse saying why the score alerts.</summary>
    public static string Reason(News2Score score)
    {
        ArgumentNullException.ThrowIfNull(score);
        var threes = score.Components.Where(c => c.Points == 3).Select(c => c.Parameter.ToString()).ToList();
        var band = score.Band switch
        {
            News2Band.High => "NEWS2 sub-score ≥ 7 (emergency response)",
            News2Band.Medium => "NEWS2 sub-score 5–6 (urgent response within 1 h)",
            News2Band.LowMedium => "a single NEWS2 parameter scored 3 (urgent ward review)",
            News2Band.Low => "NEWS2 sub-score 1–4",
            _ => "NEWS2 sub-score 0",
        };
        var detail = threes.Count > 0 ? $"; scored 3: {string.Join(", ", threes)}" : "";
        return $"{band}: total {score.Total} from {score.Components.Count} wearable parameters{detail}; not assessed: {string.Join(", ", score.NotAssessed)}";
    }
}

namespace WearableEdge.Evaluation.Scenarios;

/// <summary>Which moment of the event a tolerance bound is counted from.</summary>
public enum EventAnchor
{
    Onset,
    End,
}

/// <summary>
/// When an alert counts as the detection of a ground-truth event: its type is one of
/// <see cref="AlertTypes"/>, its patient is the event's, and its raise (device time) lies in
/// [<see cref="From"/> + <see cref="FromOffset"/>, <see cref="To"/> + <see cref="ToOffset"/>].
/// An event kind with no alert types has no detector: it is always reported missed with <see cref="NoDetectorReason"/>.
/// </summary>
/// <param name="Kind">Ground-truth event name.</param>
/// <param name="AlertTypes">Alert types that count as a detection.</param>
/// <param name="From">Anchor of the window's start.</param>
/// <param name="FromOffset">Offset from that anchor (negative: before it).</param>
/// <param name="To">Anchor of the window's end.</param>
/// <param name="ToOffset">Offset from that anchor.</param>
/// <param name="Technical">The event is about the device (its alerts are technical), reported apart from clinical events.</param>
/// <param name="Why">Why this window: the source or reasoning, for the report.</param>
public sealed record MatchingRule(
    string Kind, IReadOnlyList<string> AlertTypes, EventAnchor From, TimeSpan FromOffset, EventAnchor To, TimeSpan ToOffset, bool Technical, string Why)
{
    /// <summary>Set when no alert of the service can detect this kind.</summary>
    public string? NoDetectorReason { get; init; }

    /// <summary>Start of the window for <paramref name="truth"/>.</summary>
    /// <param name="truth">The event.</param>
    public DateTimeOffset WindowStart(TruthEvent truth) => Anchor(truth, From) + FromOffset;

    /// <summary>End of the window for <paramref name="truth"/> (inclusive).</summary>
    /// <param name="truth">The event.</param>
    public DateTimeOffset WindowEnd(TruthEvent truth) => Anchor(truth, To) + ToOffset;

    /// <summary>True when <paramref name="alert"/> detects <paramref name="truth"/> under this rule.</summary>
    /// <param name="truth">The event.</param>
    /// <param name="alert">An alert.</param>
    public bool Matches(TruthEvent truth, ObservedAlert alert)
    {
        ArgumentNullException.ThrowIfNull(truth);
        ArgumentNullException.ThrowIfNull(alert);
        return alert.PatientId == truth.PatientId
            && AlertTypes.Contains(alert.Type)
            && alert.RaisedAt >= WindowStart(truth)
            && alert.RaisedAt <= WindowEnd(truth);
    }

    /// <summary>The window in words, for the report: "onset − 5 s … onset + 60 s".</summary>
    public string WindowText => $"{Bound(From, FromOffset)} … {Bound(To, ToOffset)}";

    private static DateTimeOffset Anchor(TruthEvent truth, EventAnchor anchor) => anchor == EventAnchor.Onset ? truth.Onset : truth.End;

    private static string Bound(EventAnchor anchor, TimeSpan offset)
    {
        var name = anchor == EventAnchor.Onset ? "onset" : "end";
        if (offset == TimeSpan.Zero)
        {
            return name;
        }

        var sign = offset < TimeSpan.Zero ? "−" : "+";
        var size = offset.Duration();
        var text = size.TotalHours >= 1 && size.TotalHours % 1 == 0 ? $"{size.TotalHours:0} h"
            : size.TotalMinutes >= 1 && size.TotalMinutes % 1 == 0 ? $"{size.TotalMinutes:0} min"
            : $"{size.TotalSeconds:0} s";
        return $"{name} {sign} {text}";
    }
}

/// <summary>
/// The matching rules of the scenario harness, one per ground-truth event kind (docs/validation/scenarios.md,
/// "Matching rules"). The windows are local choices, reasoned from the service's own delays: a 60 s feature
/// window every 5 s, a 15 s condition delay on NEWS2 and desaturation, 30 s on device-off, 60 s on battery-low,
/// device status every 60 s (docs/configuration.md).
/// </summary>
public static class MatchingRules
{
    /// <summary>Slack after an event's end for alerts whose condition delay and window straddle the end.</summary>
    public static TimeSpan AfterEnd { get; } = TimeSpan.FromMinutes(2);

    /// <summary>How long before a replayed PhysioNet patient's Sepsis-3 onset an alert counts as early warning.</summary>
    public static TimeSpan SepsisLeadWindow { get; } = TimeSpan.FromHours(12);

    /// <summary>How long after a replayed PhysioNet patient's Sepsis-3 onset an alert still counts (Challenge utility: 3 h).</summary>
    public static TimeSpan SepsisLateWindow { get; } = TimeSpan.FromHours(3);

    private static readonly string[] News2OrDeterioration = ["news2", "deterioration"];

    /// <summary>The rules for simulated scenario events, by event kind.</summary>
    public static IReadOnlyDictionary<string, MatchingRule> Scenario { get; } = new Dictionary<string, MatchingRule>(StringComparer.Ordinal)
    {
        ["fall"] = new("fall", ["fall"], EventAnchor.Onset, TimeSpan.FromSeconds(-5), EventAnchor.Onset, TimeSpan.FromSeconds(60), false,
            "the fall model scores 2 s motion windows around the impact; 5 s before it allows for window alignment, 60 s after it is the most a nurse would call immediate"),
        ["desaturation"] = new("desaturation", ["desaturation", "news2"], EventAnchor.Onset, TimeSpan.Zero, EventAnchor.End, AfterEnd, false,
            "SpO2 rule or NEWS2 SpO2 points; the 60 s window and 15 s condition delay can confirm after the end"),
        ["deterioration"] = new("deterioration", News2OrDeterioration, EventAnchor.Onset, TimeSpan.Zero, EventAnchor.End, TimeSpan.Zero, false,
            "the event lasts as long as the patient is worse: an alert after recovery began is not a detection"),
        ["sepsis"] = new("sepsis", News2OrDeterioration, EventAnchor.Onset, TimeSpan.Zero, EventAnchor.End, TimeSpan.Zero, false,
            "as deterioration: NEWS2 or the deterioration model while the patient is worse"),
        ["tachycardia"] = new("tachycardia", ["news2"], EventAnchor.Onset, TimeSpan.Zero, EventAnchor.End, AfterEnd, false,
            "NEWS2 pulse points are the service's only heart-rate alert"),
        ["bradycardia"] = new("bradycardia", ["news2"], EventAnchor.Onset, TimeSpan.Zero, EventAnchor.End, AfterEnd, false,
            "NEWS2 pulse points are the service's only heart-rate alert"),
        ["fever"] = new("fever", ["news2"], EventAnchor.Onset, TimeSpan.Zero, EventAnchor.End, AfterEnd, false,
            "NEWS2 temperature points are the service's only temperature alert"),
        ["irregular-rhythm"] = new("irregular-rhythm", [], EventAnchor.Onset, TimeSpan.Zero, EventAnchor.End, TimeSpan.Zero, false,
            "no rhythm analysis in the service")
        {
            NoDetectorReason = "no detector: the service has no rhythm (RR-irregularity) analysis",
        },
        ["device-removed"] = new("device-removed", ["device-off"], EventAnchor.Onset, TimeSpan.Zero, EventAnchor.End, AfterEnd, true,
            "device status every 60 s and a 30 s condition delay"),
        ["battery-drain"] = new("battery-drain", ["battery-low", "no-data"], EventAnchor.Onset, TimeSpan.Zero, EventAnchor.End, AfterEnd, true,
            "battery below 15 % for 60 s, reported in the 60 s device status; at the end the device dies, and no-data for it is a true alert too"),
        ["bluetooth-gap"] = new("bluetooth-gap", ["no-data"], EventAnchor.Onset, TimeSpan.FromMinutes(-1), EventAnchor.End, AfterEnd, true,
            "nothing arrives during the gap; the no-data rule alerts after 2 min of gateway-clock silence and dates its window by the last device time it saw (up to a vitals batch before the onset)"),
    };

    /// <summary>
    /// The patient-level rule for a replayed PhysioNet septic patient: a NEWS2 or deterioration-model alert
    /// raised from 12 h before the Sepsis-3 onset to 3 h after it. The window is the Challenge utility score's
    /// (Reyna et al., Crit Care Med 2020; the data set's README), and the one the deterioration model's card
    /// (models/deterioration-sepsis-6h/1.0.0/MODEL_CARD.md) computes its patient sensitivity over.
    /// </summary>
    public static MatchingRule PhysioNetSepsis { get; } = new("sepsis", News2OrDeterioration, EventAnchor.Onset, -SepsisLeadWindow, EventAnchor.Onset, SepsisLateWindow, false,
        "the Challenge's utility window, as the deterioration model's card: from 12 h before the Sepsis-3 onset to 3 h after it");

    /// <summary>The rule for <paramref name="truth"/>; null for an event kind the harness does not know.</summary>
    /// <param name="truth">A ground-truth event.</param>
    public static MatchingRule? For(TruthEvent truth)
    {
        ArgumentNullException.ThrowIfNull(truth);
        if (truth.IsPhysioNet && truth.Kind == "sepsis")
        {
            return PhysioNetSepsis;
        }

        return Scenario.GetValueOrDefault(truth.Kind);
    }
}

using WearableEdge.Evaluation.Scenarios;

namespace WearableEdge.Evaluation.Tests.Scenarios;

/// <summary>Builders of ground-truth events and alerts at times relative to a fixed start.</summary>
internal static class Truths
{
    public static readonly DateTimeOffset Start = new(2025, 3, 1, 8, 0, 0, TimeSpan.Zero);

    public static TruthEvent Event(string kind, TimeSpan onset, TimeSpan duration, string patient = "patient-001", string source = GroundTruth.ScenarioSource) =>
        new(patient, kind, Start + onset, Start + onset + duration, source);

    public static ObservedAlert Alert(string type, TimeSpan raisedAfterStart, string patient = "patient-001", string priority = "medium", string? id = null, bool late = false) =>
        new(id ?? Guid.NewGuid().ToString("N"), patient, type, priority, Start + raisedAfterStart, Start + raisedAfterStart, late,
            ObservedAlert.TechnicalTypes.Contains(type), type);

    public static TimeSpan S(double seconds) => TimeSpan.FromSeconds(seconds);

    public static TimeSpan M(double minutes) => TimeSpan.FromMinutes(minutes);

    public static TimeSpan H(double hours) => TimeSpan.FromHours(hours);
}

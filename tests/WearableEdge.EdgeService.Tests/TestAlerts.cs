using WearableEdge.Contracts;
using WearableEdge.EdgeService.Storage;

namespace WearableEdge.EdgeService.Tests;

/// <summary>Alert documents and transitions for storage and sync tests.</summary>
internal static class TestAlerts
{
    /// <summary>A device time on a whole minute.</summary>
    public static readonly DateTimeOffset T0 = new(2025, 3, 1, 8, 0, 0, TimeSpan.Zero);

    public static AlertMessage Alert(
        string id = "al-0001",
        string patientId = "p-001",
        string priority = "medium",
        string status = "active",
        DateTimeOffset? raisedAt = null,
        double score = 5,
        bool late = false) => new()
        {
            SchemaVersion = ContractVersion.V1,
            Id = id,
            PatientId = patientId,
            Type = "news2",
            Priority = priority,
            Status = status,
            RaisedAt = raisedAt ?? T0,
            StoredAt = T0.AddSeconds(1),
            Score = score,
            Reason = "NEWS2 5: respiration rate 24 /min (2), SpO2 93 % (2), pulse 95 /min (1)",
            RuleId = "news2-alert",
            RuleVersion = "1",
            ScoreSourceKind = "rule",
            ScoreSourceId = "news2-wearable",
            ScoreSourceVersion = "2017",
            Completeness = 0.95,
            NotAssessed = ["systolicBp", "consciousness"],
            WindowStart = (raisedAt ?? T0).AddSeconds(-60),
            WindowEnd = raisedAt ?? T0,
            Late = late,
            Parameters =
            [
                new AlertParameter { Name = "respirationRate", Loinc = "9279-1", Value = 24, Unit = "/min", Points = 2 },
                new AlertParameter { Name = "spO2", Loinc = "59408-5", Value = 93, Unit = "%", Points = 2 },
            ],
        };

    public static AlertTransition Raised(AlertMessage alert) => new(alert, AlertTransition.Raised, alert.RaisedAt);

    public static AlertTransition Escalated(AlertMessage alert, string priority, DateTimeOffset at, double score) =>
        new(alert with { Priority = priority, Score = score }, AlertTransition.Escalated, at);

    public static AlertTransition Resolved(AlertMessage alert, DateTimeOffset at) =>
        new(alert with { Status = "resolved", ResolvedAt = at }, AlertTransition.Resolved, at);
}

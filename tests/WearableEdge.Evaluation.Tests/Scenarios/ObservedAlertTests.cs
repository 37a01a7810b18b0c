using WearableEdge.Contracts;
using WearableEdge.Evaluation.Scenarios;

namespace WearableEdge.Evaluation.Tests.Scenarios;

public sealed class ObservedAlertTests
{
    private static readonly DateTimeOffset Gateway = new(2026, 11, 26, 2, 0, 0, TimeSpan.Zero);
    private static readonly DateTimeOffset Device = new(2026, 11, 27, 0, 20, 0, TimeSpan.Zero);

    private static AlertMessage Message(string type, bool? technical, string priority = "medium", string id = "al-1") => new()
    {
        SchemaVersion = 1,
        Id = id,
        PatientId = "patient-001",
        Type = type,
        Priority = priority,
        Status = "active",
        RaisedAt = Gateway,
        StoredAt = Gateway,
        Score = 0,
        Reason = "",
        RuleId = "r",
        RuleVersion = "1",
        ScoreSourceKind = "rule",
        ScoreSourceId = "src",
        ScoreSourceVersion = "1",
        Completeness = 1,
        NotAssessed = [],
        WindowStart = Device,
        WindowEnd = Device,
        Late = false,
        Technical = technical,
        Parameters = [],
    };

    [Fact]
    public void From_TechnicalAlert_RaisedAtTheDeviceTimeOfItsStatus()
    {
        var alert = ObservedAlert.From(Message("device-off", technical: true));

        Assert.True(alert.Technical);
        Assert.Equal(Device, alert.RaisedAt);
    }

    [Fact]
    public void From_ClinicalAlert_KeepsRaisedAt()
    {
        var alert = ObservedAlert.From(Message("news2", technical: null));

        Assert.False(alert.Technical);
        Assert.Equal(Gateway, alert.RaisedAt);
    }

    [Fact]
    public void From_BatteryLowWithoutTechnicalFlag_StillTechnical() =>
        Assert.True(ObservedAlert.From(Message("battery-low", technical: null)).Technical);

    [Fact]
    public void Update_Escalation_KeepsRaiseTakesHighestPriority()
    {
        var first = ObservedAlert.From(Message("news2", null, "medium"));

        var escalated = first.Update(Message("news2", null, "high") with { RaisedAt = Gateway.AddMinutes(5) });
        var resolvedLow = escalated.Update(Message("news2", null, "low"));

        Assert.Equal("high", resolvedLow.Priority);
        Assert.Equal(first.RaisedAt, resolvedLow.RaisedAt);
    }
}

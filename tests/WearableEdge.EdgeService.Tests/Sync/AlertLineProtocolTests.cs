using WearableEdge.EdgeService.Sync;

namespace WearableEdge.EdgeService.Tests.Sync;

public sealed class AlertLineProtocolTests
{
    private static readonly DateTimeOffset EventAt = new(2025, 3, 1, 8, 0, 5, 123, TimeSpan.Zero);

    [Fact]
    public void ToLine_Alert_IsMeasurementTagsFieldsAndMillisecondTimestamp()
    {
        var alert = TestAlerts.Alert(priority: "high", score: 7);

        var line = AlertLineProtocol.ToLine(alert, EventAt, "p-5f1e");

        Assert.Equal("alert,patient=p-5f1e,type=news2,priority=high,source=news2-alert score=7,late=0i,parameters=2i 1740816005123", line);
    }

    [Fact]
    public void ToLine_FractionalScoreAndLate_WritesBoth()
    {
        var alert = TestAlerts.Alert(score: 5.25, late: true);

        var line = AlertLineProtocol.ToLine(alert, EventAt, "p-1");

        Assert.Contains(" score=5.25,late=1i,parameters=2i ", line, StringComparison.Ordinal);
    }

    [Fact]
    public void ToLine_TagValueWithSpaceCommaEquals_IsEscaped()
    {
        var alert = TestAlerts.Alert() with { RuleId = "news2 rule,v=2", Priority = "very high" };

        var line = AlertLineProtocol.ToLine(alert, EventAt, "p-1");

        Assert.StartsWith(@"alert,patient=p-1,type=news2,priority=very\ high,source=news2\ rule\,v\=2 score=", line, StringComparison.Ordinal);
    }

    [Fact]
    public void ToLine_SameAlertAndTime_GivesIdenticalLine()
    {
        var alert = TestAlerts.Alert();

        var first = AlertLineProtocol.ToLine(alert, EventAt, "p-1");
        var resent = AlertLineProtocol.ToLine(TestAlerts.Alert() with { StoredAt = EventAt.AddHours(3) }, EventAt, "p-1");

        Assert.Equal(first, resent);
    }

    [Fact]
    public void ToLine_DifferentEventTime_GivesDifferentTimestamp()
    {
        var alert = TestAlerts.Alert();

        var line = AlertLineProtocol.ToLine(alert, EventAt.AddMilliseconds(1), "p-1");

        Assert.EndsWith(" 1740816005124", line, StringComparison.Ordinal);
    }

    [Fact]
    public void ToLine_NeverContainsPatientId()
    {
        var alert = TestAlerts.Alert(patientId: "bed-12-smith");

        var line = AlertLineProtocol.ToLine(alert, EventAt, "p-0a1b");

        Assert.DoesNotContain("bed-12-smith", line, StringComparison.Ordinal);
    }

    [Fact]
    public void ToLine_EmptyPseudonym_Throws() =>
        Assert.Throws<ArgumentException>(() => AlertLineProtocol.ToLine(TestAlerts.Alert(), EventAt, ""));

    [Fact]
    public void ToLine_ModelAlertWithInterval_AddsProbabilityAndBounds()
    {
        var alert = TestAlerts.Alert(priority: "high", score: 7) with
        {
            Type = "fall",
            RuleId = "model-threshold",
            ScoreSourceKind = "model",
            ScoreSourceId = "fall-detection",
            Probability = 0.42,
            ProbabilityLower = 0.3,
            ProbabilityUpper = 0.55,
        };

        var line = AlertLineProtocol.ToLine(alert, EventAt, "p-5f1e");

        // The source of a model alert is the model, not the generic threshold rule.
        Assert.Equal(
            "alert,patient=p-5f1e,type=fall,priority=high,source=fall-detection score=7,late=0i,parameters=2i,probability=0.42,probability_lower=0.3,probability_upper=0.55 1740816005123",
            line);
    }

    [Fact]
    public void ToLine_ProbabilityWithoutInterval_AddsProbabilityOnly()
    {
        var alert = TestAlerts.Alert() with { Probability = 0.8 };

        var line = AlertLineProtocol.ToLine(alert, EventAt, "p-1");

        Assert.Contains(",parameters=2i,probability=0.8 ", line, StringComparison.Ordinal);
        Assert.DoesNotContain("probability_lower", line, StringComparison.Ordinal);
        Assert.DoesNotContain("probability_upper", line, StringComparison.Ordinal);
    }

    [Fact]
    public void ToLine_RuleAlert_HasNoProbabilityFields()
    {
        var line = AlertLineProtocol.ToLine(TestAlerts.Alert(), EventAt, "p-1");

        Assert.DoesNotContain("probability", line, StringComparison.Ordinal);
        Assert.EndsWith("parameters=2i 1740816005123", line, StringComparison.Ordinal);
    }
}

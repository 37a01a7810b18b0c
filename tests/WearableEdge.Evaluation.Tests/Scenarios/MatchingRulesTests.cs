using WearableEdge.Evaluation.Scenarios;
using static WearableEdge.Evaluation.Tests.Scenarios.Truths;

namespace WearableEdge.Evaluation.Tests.Scenarios;

public sealed class MatchingRulesTests
{
    // Event at 10 min lasting 4 min: onset 10:00, end 14:00 after start.
    [Theory]
    [InlineData("fall", "fall", 10 * 60 - 5, true)]
    [InlineData("fall", "fall", 10 * 60 - 6, false)]
    [InlineData("fall", "fall", 10 * 60 + 60, true)]
    [InlineData("fall", "fall", 10 * 60 + 61, false)]
    [InlineData("fall", "news2", 10 * 60 + 10, false)]
    [InlineData("desaturation", "desaturation", 10 * 60, true)]
    [InlineData("desaturation", "desaturation", 10 * 60 - 1, false)]
    [InlineData("desaturation", "news2", 14 * 60 + 120, true)]
    [InlineData("desaturation", "desaturation", 14 * 60 + 121, false)]
    [InlineData("desaturation", "fall", 11 * 60, false)]
    [InlineData("deterioration", "news2", 14 * 60, true)]
    [InlineData("deterioration", "deterioration", 12 * 60, true)]
    [InlineData("deterioration", "news2", 14 * 60 + 1, false)]
    [InlineData("deterioration", "desaturation", 12 * 60, false)]
    [InlineData("sepsis", "deterioration", 13 * 60, true)]
    [InlineData("sepsis", "news2", 10 * 60 - 1, false)]
    [InlineData("tachycardia", "news2", 14 * 60 + 120, true)]
    [InlineData("tachycardia", "news2", 14 * 60 + 121, false)]
    [InlineData("tachycardia", "desaturation", 11 * 60, false)]
    [InlineData("bradycardia", "news2", 10 * 60 + 30, true)]
    [InlineData("bradycardia", "news2", 9 * 60, false)]
    [InlineData("fever", "news2", 13 * 60, true)]
    [InlineData("fever", "deterioration", 13 * 60, false)]
    [InlineData("device-removed", "device-off", 11 * 60, true)]
    [InlineData("device-removed", "device-off", 16 * 60 + 1, false)]
    [InlineData("device-removed", "no-data", 11 * 60, false)]
    [InlineData("battery-drain", "battery-low", 16 * 60, true)]
    [InlineData("battery-drain", "battery-low", 10 * 60 - 1, false)]
    [InlineData("battery-drain", "no-data", 14 * 60, true)]
    [InlineData("battery-drain", "device-off", 14 * 60, false)]
    [InlineData("bluetooth-gap", "no-data", 12 * 60, true)]
    [InlineData("bluetooth-gap", "device-off", 12 * 60, false)]
    [InlineData("bluetooth-gap", "no-data", (9 * 60) + 30, true)]
    [InlineData("bluetooth-gap", "no-data", (9 * 60) - 1, false)]
    public void Matches_AlertTypeAndRaiseTime_DetectsOnlyInsideTheKindsWindow(string kind, string alertType, int raisedSeconds, bool expected)
    {
        var truth = Event(kind, M(10), M(4));
        var rule = MatchingRules.For(truth)!;

        Assert.Equal(expected, rule.Matches(truth, Alert(alertType, S(raisedSeconds))));
    }

    [Fact]
    public void Matches_OtherPatient_NoDetection()
    {
        var truth = Event("desaturation", M(10), M(4));

        Assert.False(MatchingRules.For(truth)!.Matches(truth, Alert("desaturation", M(11), patient: "patient-002")));
    }

    [Fact]
    public void For_IrregularRhythm_HasNoDetectorAndSaysWhy()
    {
        var rule = MatchingRules.For(Event("irregular-rhythm", M(10), M(30)))!;

        Assert.Empty(rule.AlertTypes);
        Assert.Contains("no detector", rule.NoDetectorReason, StringComparison.Ordinal);
    }

    [Fact]
    public void For_PhysioNetSepsis_WindowIsTwelveHoursBeforeOnsetToThreeAfter()
    {
        var truth = Event("sepsis", H(20), H(10), source: GroundTruth.PhysioNetSource);
        var rule = MatchingRules.For(truth)!;

        Assert.Same(MatchingRules.PhysioNetSepsis, rule);
        Assert.True(rule.Matches(truth, Alert("deterioration", H(8))));
        Assert.True(rule.Matches(truth, Alert("news2", H(23))));
        Assert.False(rule.Matches(truth, Alert("news2", H(8) - S(1))));
        Assert.False(rule.Matches(truth, Alert("news2", H(23) + S(1))));
        Assert.False(rule.Matches(truth, Alert("desaturation", H(20))));
    }

    [Fact]
    public void For_UnknownKind_Null() => Assert.Null(MatchingRules.For(Event("hiccups", M(1), M(1))));

    [Fact]
    public void Scenario_EveryContractEventKind_HasARule()
    {
        string[] kinds = ["deterioration", "desaturation", "fall", "tachycardia", "bradycardia", "fever", "sepsis", "irregular-rhythm", "device-removed", "battery-drain", "bluetooth-gap"];

        Assert.All(kinds, k => Assert.True(MatchingRules.Scenario.ContainsKey(k), k));
    }

    [Fact]
    public void WindowText_FallRule_NamesBothBounds() =>
        Assert.Equal("onset − 5 s … onset + 1 min", MatchingRules.Scenario["fall"].WindowText);
}

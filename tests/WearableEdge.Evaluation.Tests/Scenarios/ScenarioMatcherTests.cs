using WearableEdge.Evaluation.Scenarios;
using static WearableEdge.Evaluation.Tests.Scenarios.Truths;

namespace WearableEdge.Evaluation.Tests.Scenarios;

public sealed class ScenarioMatcherTests
{
    [Fact]
    public void Match_TwoAlertsForOneEvent_OneDetectionAtTheEarlierNoFalseAlert()
    {
        var truth = Event("desaturation", M(10), M(4));
        var early = Alert("desaturation", M(10) + S(30));
        var later = Alert("news2", M(11));

        var result = ScenarioMatcher.Match([truth], [later, early]);

        var outcome = Assert.Single(result.Events);
        Assert.Same(early, outcome.Detection);
        Assert.Equal(2, outcome.MatchingAlerts);
        Assert.Equal(S(30), outcome.Latency);
        Assert.Empty(result.FalseAlerts);
    }

    [Fact]
    public void Match_AlertOutsideEveryEvent_CountedFalseOnce()
    {
        var truth = Event("fall", M(10), M(2));
        var stray = Alert("news2", M(40), priority: "high");
        var otherPatient = Alert("fall", M(10) + S(2), patient: "patient-002");

        var result = ScenarioMatcher.Match([truth], [stray, otherPatient]);

        Assert.False(result.Events[0].Detected);
        Assert.Equal([otherPatient.Id, stray.Id], result.FalseAlerts.Select(a => a.Id));
    }

    [Fact]
    public void Match_AlertInsideTwoOverlappingEvents_DetectsBoth()
    {
        var deterioration = Event("deterioration", M(0), H(1));
        var desaturation = Event("desaturation", M(20), M(5));
        var news2 = Alert("news2", M(21));

        var result = ScenarioMatcher.Match([deterioration, desaturation], [news2]);

        Assert.All(result.Events, e => Assert.Same(news2, e.Detection));
        Assert.Empty(result.FalseAlerts);
    }

    [Fact]
    public void Match_IrregularRhythm_MissedWithNoDetectorEvenWithAlerts()
    {
        var truth = Event("irregular-rhythm", M(10), M(30));

        var result = ScenarioMatcher.Match([truth], [Alert("news2", M(15))]);

        Assert.False(result.Events[0].Detected);
        Assert.Contains("no detector", result.Events[0].MissedReason, StringComparison.Ordinal);
        Assert.Single(result.FalseAlerts);
    }

    [Fact]
    public void Match_RightTypeTooLate_MissedReasonSaysAfterTheWindow()
    {
        var truth = Event("fall", M(10), M(2));

        var result = ScenarioMatcher.Match([truth], [Alert("fall", M(12))]);

        Assert.Equal("nearest fall alert after the window, at onset + 2 min 0 s", result.Events[0].MissedReason);
    }

    [Fact]
    public void Match_NoAlertOfTheType_MissedReasonNamesTypesAndWhatCameInstead()
    {
        var truth = Event("bluetooth-gap", M(10), M(5));

        var result = ScenarioMatcher.Match([truth], [Alert("device-off", M(12))]);

        Assert.Equal("no no-data alert for the patient (in the window only: device-off)", result.Events[0].MissedReason);
    }

    [Fact]
    public void Match_AlertWindowInsideABluetoothGap_ListedAsBackfilledWithItsLateFlag()
    {
        var gap = Event("bluetooth-gap", M(10), M(5));
        var backfilled = Alert("news2", M(12), late: true);
        var live = Alert("news2", M(30));

        var result = ScenarioMatcher.Match([gap], [backfilled, live]);

        var listed = Assert.Single(result.Backfilled);
        Assert.Same(backfilled, listed.Alert);
        Assert.True(listed.Alert.Late);
    }

    [Fact]
    public void Summary_FalseAlertsPerPatientDay_ByPriorityClinicalAndTechnicalApart()
    {
        var truth = Event("fall", M(10), M(2));
        ObservedAlert[] alerts =
        [
            Alert("fall", M(10)),
            Alert("news2", H(2), priority: "high"),
            Alert("desaturation", H(3), priority: "medium"),
            Alert("desaturation", H(4), priority: "medium"),
            Alert("battery-low", H(5), priority: "low"),
        ];

        var summary = ScenarioSummary.From(ScenarioMatcher.Match([truth], alerts), patientDays: 2);

        Assert.Equal(0.5, summary.ClinicalFalsePerDayByPriority["high"]);
        Assert.Equal(1.0, summary.ClinicalFalsePerDayByPriority["medium"]);
        Assert.Equal(0.0, summary.ClinicalFalsePerDayByPriority["low"]);
        Assert.Equal(0.5, summary.TechnicalFalsePerDayByType["battery-low"]);
        Assert.Equal(1.0, summary.AlertsPerDayByType["desaturation"]);
        Assert.Equal(0.5, summary.AlertsPerDayByType["fall"]);
        Assert.Equal(0.0, summary.FalsePerDayByType["fall"]);
        Assert.Equal(1.0, summary.FalsePerDayByType["desaturation"]);
        var fall = Assert.Single(summary.Kinds);
        Assert.Equal(1, fall.DetectedBy["fall"]);
        Assert.Equal((1, 1), (fall.Sensitivity.Successes, fall.Sensitivity.Trials));
        Assert.Equal(0, fall.MedianLatency);
    }

    [Fact]
    public void Summary_Latency_MedianAndP95OverDetectedEventsOfAKind()
    {
        TruthEvent[] falls = [.. Enumerable.Range(0, 5).Select(i => Event("fall", H(i + 1), M(2), patient: $"patient-00{i + 1}"))];
        ObservedAlert[] alerts = [.. Enumerable.Range(0, 4).Select(i => Alert("fall", H(i + 1) + S(i * 10), patient: $"patient-00{i + 1}"))];

        var summary = ScenarioSummary.From(ScenarioMatcher.Match(falls, alerts), patientDays: 1);

        var fall = Assert.Single(summary.Kinds);
        Assert.Equal((4, 5), (fall.Sensitivity.Successes, fall.Sensitivity.Trials));
        Assert.Equal(15, fall.MedianLatency);
        Assert.Equal(28.5, fall.P95Latency!.Value, 6);
    }

    [Fact]
    public void ClippedTo_EventsAfterTheRunEnd_LeftOutAndCounted()
    {
        var run = new ScenarioRun("t", [], [], new GroundTruth([Event("fall", M(1), M(2)), Event("deterioration", M(3), H(1)), Event("fever", H(2), H(1))], []), [], 0,
            new Dictionary<string, long>(), TimeSpan.Zero);

        var clipped = run.ClippedTo(Start + M(30));

        Assert.Equal(1, clipped.EventsOutsideRun);
        Assert.Equal(["fall", "deterioration"], clipped.Truth.Events.Select(e => e.Kind));
        Assert.Equal(Start + M(30), clipped.Truth.Events[1].End);
    }
}

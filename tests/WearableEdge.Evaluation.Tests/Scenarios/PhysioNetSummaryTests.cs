using WearableEdge.Evaluation.Scenarios;
using static WearableEdge.Evaluation.Tests.Scenarios.Truths;

namespace WearableEdge.Evaluation.Tests.Scenarios;

public sealed class PhysioNetSummaryTests
{
    [Fact]
    public void From_SepticAndNonSepticPatients_SensitivityLeadTimeAndFalseAlertsPerDay()
    {
        const string Physionet = GroundTruth.PhysioNetSource;
        var truth = new GroundTruth(
            [
                Event("sepsis", H(30), H(10), patient: "p1", source: Physionet),
                Event("sepsis", H(30), H(10), patient: "p2", source: Physionet),
                Event("sepsis", H(5), H(10), patient: "p3", source: Physionet),
            ],
            [
                Event(GroundTruth.MonitoredKind, H(0), H(40), patient: "p1", source: Physionet),
                Event(GroundTruth.MonitoredKind, H(0), H(40), patient: "p2", source: Physionet),
                Event(GroundTruth.MonitoredKind, H(0), H(15), patient: "p3", source: Physionet),
                Event(GroundTruth.MonitoredKind, H(0), H(48), patient: "p4", source: Physionet),
                Event(GroundTruth.MonitoredKind, H(0), H(24), patient: "p5", source: Physionet),
            ]);
        ObservedAlert[] alerts =
        [
            Alert("news2", H(10), patient: "p1"), // 20 h before onset: outside the window
            Alert("deterioration", H(24), patient: "p1"), // 6 h before onset: detects
            Alert("news2", H(27), patient: "p1"),
            Alert("news2", H(33) + S(1), patient: "p2"), // more than 3 h after onset: missed
            Alert("news2", H(3), patient: "p4", priority: "high"),
            Alert("desaturation", H(4), patient: "p4"),
            Alert("no-data", H(5), patient: "p5", priority: "low"), // technical: not a false clinical alert
        ];

        var summary = PhysioNetSummary.From(truth, alerts);

        Assert.Equal((1, 3), (summary.Sensitivity.Successes, summary.Sensitivity.Trials));
        Assert.Equal((1, 3), (summary.SensitivityByType["deterioration"].Successes, summary.SensitivityByType["deterioration"].Trials));
        Assert.Equal(6.0, Assert.Single(summary.LeadTimesHours), 10);
        Assert.True(summary.Septic.Single(s => s.PatientId == "p3").ShortLookBack);
        Assert.Equal("nearest news2 alert at onset + 3 h 0 min", summary.Septic.Single(s => s.PatientId == "p2").MissedReason);
        Assert.Equal("no news2 or deterioration alert", summary.Septic.Single(s => s.PatientId == "p3").MissedReason);
        Assert.Null(summary.Septic.Single(s => s.PatientId == "p1").MissedReason);
        Assert.False(summary.Septic.Single(s => s.PatientId == "p1").ShortLookBack);
        Assert.Equal(2, summary.NonSepticPatients);
        Assert.Equal(3.0, summary.NonSepticPatientDays, 10);
        Assert.Equal(1 / 3.0, summary.NonSepticClinicalPerDayByPriority["high"], 10);
        Assert.Equal(1 / 3.0, summary.NonSepticAlertsPerDayByType["desaturation"], 10);
        Assert.False(summary.NonSepticAlertsPerDayByType.ContainsKey("no-data"));
    }
}

using WearableEdge.Evaluation.Scenarios;

namespace WearableEdge.Evaluation.Tests.Scenarios;

public sealed class GroundTruthTests
{
    [Fact]
    public void Parse_EventAndMonitoredLines_SplitWithSourceDefaultingToScenario()
    {
        string[] lines =
        [
            """{"patientId":"patient-003","deviceId":"dev-003","event":"fall","onset":"2025-03-01T08:00:40+00:00","end":"2025-03-01T08:02:40+00:00","seed":42}""",
            "",
            """{"patientId":"p100123","deviceId":"dev-001","event":"sepsis","onset":"2025-03-02T10:00:00Z","end":"2025-03-03T00:00:00Z","seed":1,"source":"physionet"}""",
            """{"patientId":"p100123","deviceId":"dev-001","event":"monitored","onset":"2025-03-01T00:00:00Z","end":"2025-03-03T00:00:00Z","seed":1,"source":"physionet"}""",
        ];

        var truth = GroundTruth.Parse(lines);

        Assert.Equal(2, truth.Events.Count);
        var fall = truth.Events[0];
        Assert.Equal(("patient-003", "fall", GroundTruth.ScenarioSource), (fall.PatientId, fall.Kind, fall.Source));
        Assert.Equal(new DateTimeOffset(2025, 3, 1, 8, 0, 40, TimeSpan.Zero), fall.Onset);
        Assert.True(truth.Events[1].IsPhysioNet);
        Assert.Equal("p100123", Assert.Single(truth.Monitored).PatientId);
    }

    [Fact]
    public void Parse_LineWithoutOnset_FormatExceptionNamesTheLine()
    {
        var error = Assert.Throws<FormatException>(() => GroundTruth.Parse(["""{"patientId":"a","event":"fall","onset":"2025-03-01T08:00:00Z","end":"2025-03-01T08:00:00Z"}""", """{"patientId":"a","event":"fall"}"""]));

        Assert.StartsWith("ground truth line 2:", error.Message, StringComparison.Ordinal);
    }
}

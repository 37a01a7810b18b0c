using WearableEdge.DeviceSim.CommandLine;

namespace WearableEdge.DeviceSim.Tests.Motion;

/// <summary>The live ward publishes a scripted fall in its 50 Hz motion batches, impact at the event's onset.</summary>
public sealed class LiveFallTests
{
    private const int Hz = MotionSignal.RateHz;

    [Fact]
    public void AdvanceTo_FallEvent_FreeFallImpactAtOnsetThenLyingStill()
    {
        var options = TestWard.Options(4, 42, new ScenarioEvent("patient-003", ScenarioKind.Fall, TimeSpan.FromSeconds(40), TimeSpan.FromMinutes(2)));
        var (x, y, z) = TestWard.Motion(TestWard.Generate(options, TimeSpan.FromMinutes(3)), "patient-003");
        var m = MotionSignal.Magnitudes(x, y, z);
        var impact = 40 * Hz;

        Assert.Equal(3 * 60 * Hz, m.Length);
        Assert.True(MotionSignal.Max(m, 0, impact - (5 * Hz)) < 1.8, "resting before the fall");
        Assert.True(MotionSignal.RunBelowBefore(m, impact, 0.6, slack: 2) >= 0.25, "free fall before the impact");
        Assert.True(m[impact] >= 2.5, $"impact {m[impact]:F2} g at the onset");
        Assert.Equal(impact, Array.IndexOf(m, MotionSignal.Max(m, 0, 3 * 60 * Hz)));
        Assert.True(MotionSignal.Std(m, impact + (2 * Hz), impact + (10 * Hz)) < 0.05, "still after the impact");
        Assert.True(MotionSignal.TiltDegrees(x, y, z, impact - (5 * Hz), impact + (2 * Hz)) > 30, "lying after the fall");
    }

    [Fact]
    public void AdvanceTo_FallEvent_OtherStreamsAndPatientsUnchanged()
    {
        var fall = new ScenarioEvent("patient-003", ScenarioKind.Fall, TimeSpan.FromSeconds(40), TimeSpan.FromMinutes(2));
        var withFall = TestWard.Generate(TestWard.Options(4, 42, fall), TimeSpan.FromMinutes(2));
        var without = TestWard.Generate(TestWard.Options(4, 42), TimeSpan.FromMinutes(2));

        Assert.Equal(withFall.Select(m => m.Topic), without.Select(m => m.Topic));
        Assert.All(
            withFall.Zip(without).Where(p => p.First.Topic != Contracts.Topics.Motion("patient-003")),
            p => Assert.Equal(p.Second.Payload, p.First.Payload));
        Assert.NotEqual(
            TestWard.Motion(withFall, "patient-003").X,
            TestWard.Motion(without, "patient-003").X);
    }

    [Fact]
    public void AdvanceTo_FallInTheFirstSecond_ImpactStillAtOnset()
    {
        var options = TestWard.Options(1, 42, new ScenarioEvent("patient-001", ScenarioKind.Fall, TimeSpan.FromMilliseconds(200), TimeSpan.FromSeconds(30)));
        var (x, y, z) = TestWard.Motion(TestWard.Generate(options, TimeSpan.FromSeconds(40)), "patient-001");
        var m = MotionSignal.Magnitudes(x, y, z);

        Assert.Equal(10, Array.IndexOf(m, m.Max()));
        Assert.True(m[10] >= 2.5);
    }

    [Fact]
    public async Task RunAsync_CommandLineFallEvent_PublishesTheFallAndItsGroundTruth()
    {
        var groundTruth = Path.Combine(Path.GetTempPath(), $"ground-truth-{Guid.NewGuid():N}.jsonl");
        try
        {
            var options = SimulatorCommandLine.Parse(
            [
                "--event", "fall:patient-003:40s:2m", "--patients", "3", "--speed", "600", "--duration", "1m",
                "--device-start", "2025-03-01T08:00:00Z", "--ground-truth", groundTruth,
            ]).Options!;
            var time = new SteppedTimeProvider(TestWard.Start);
            var sink = new RecordingSink();
            var simulator = new WardSimulator(options, time, (_, _) => sink);

            await time.AdvanceUntilDone(simulator.RunAsync(TestContext.Current.CancellationToken), TimeSpan.FromMilliseconds(100));

            var (x, y, z) = TestWard.Motion(sink.Messages, "patient-003");
            var m = MotionSignal.Magnitudes(x, y, z);
            Assert.Equal(60 * Hz, m.Length);
            Assert.True(m[40 * Hz] >= 2.5, $"impact {m[40 * Hz]:F2} g at 40 s");
            Assert.True(MotionSignal.RunBelowBefore(m, 40 * Hz, 0.6, slack: 2) >= 0.25);
            Assert.True(MotionSignal.Max(TestWardMagnitudes(sink, "patient-001"), 0, 60 * Hz) < 2, "patient-001 does not fall");
            var lines = await File.ReadAllLinesAsync(groundTruth, TestContext.Current.CancellationToken);
            Assert.Equal(3, lines.Count(l => l.Contains("\"event\":\"monitored\"", StringComparison.Ordinal)));
            Assert.Equal(
                """{"patientId":"patient-003","deviceId":"dev-003","event":"fall","onset":"2025-03-01T08:00:40+00:00","end":"2025-03-01T08:02:40+00:00","seed":42,"source":"scenario"}""",
                lines[^1]);
        }
        finally
        {
            File.Delete(groundTruth);
        }
    }

    private static double[] TestWardMagnitudes(RecordingSink sink, string patientId)
    {
        var (x, y, z) = TestWard.Motion(sink.Messages, patientId);
        return MotionSignal.Magnitudes(x, y, z);
    }
}

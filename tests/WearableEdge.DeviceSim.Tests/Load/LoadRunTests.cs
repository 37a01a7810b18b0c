using WearableEdge.DeviceSim.Load;

namespace WearableEdge.DeviceSim.Tests.Load;

public sealed class LoadRunTests
{
    [Fact]
    public async Task RunAsync_TwoPatientsTenSeconds_EveryMessageAtRealisticRates()
    {
        var time = new SteppedTimeProvider(TestWard.Start);
        var sink = new RecordingSink();
        var options = TestWard.Options(patients: 2) with { Duration = TimeSpan.FromSeconds(10), VitalsBatchSize = 1, Speed = 50 };
        var load = new LoadRun(options, time, (_, _) => sink);

        var run = load.RunAsync(TestContext.Current.CancellationToken);
        await time.AdvanceUntilDone(run, TimeSpan.FromMilliseconds(100));
        var report = await run;

        // Per patient in 10 s: 10 vitals (1 s each), 20 motion (0.5 s each) and the device status at 0 s.
        Assert.Equal(2 * (10 + 20 + 1), sink.Messages.Count);
        Assert.Equal(sink.Messages.Count, report.Messages);
        Assert.Equal(2 * (10 + (20 * 25)), report.Samples);
        Assert.Equal(2 * (1 + 2 + (1 / 60.0)), report.OfferedMessagesPerSecond, 6);
        Assert.Equal(TimeSpan.FromSeconds(10), report.Duration);
        Assert.InRange(report.WallElapsed, TimeSpan.FromSeconds(10), TimeSpan.FromSeconds(10.2));
        Assert.Contains("achieved", report.Summary(), StringComparison.Ordinal);
    }

    [Fact]
    public void Constructor_NoDuration_Throws() =>
        Assert.Throws<ArgumentException>(() => new LoadRun(TestWard.Options(patients: 1), TimeProvider.System));
}

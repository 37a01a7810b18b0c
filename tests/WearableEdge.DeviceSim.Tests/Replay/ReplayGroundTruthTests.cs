using System.Text.Json;
using WearableEdge.DeviceSim.Replay;

namespace WearableEdge.DeviceSim.Tests.Replay;

public sealed class ReplayGroundTruthTests : IDisposable
{
    private static readonly DateTimeOffset Start = new(2025, 3, 1, 0, 0, 0, TimeSpan.Zero);
    private readonly PsvFolder _folder = PsvFolder.TwoStays();

    public void Dispose() => _folder.Dispose();

    [Fact]
    public async Task RunAsync_TwoStays_PublishesEveryMessageAndWritesMonitoredAndSepsisLines()
    {
        var groundTruth = Path.Combine(_folder.Path, "truth.jsonl");
        var options = new SimulationOptions
        {
            Broker = new Uri("mqtt://127.0.0.1:1883"),
            Speed = 3600,
            Seed = 3,
            DeviceStart = Start,
            GroundTruthPath = groundTruth,
            Motion = false,
        };
        var sink = new RecordingSink();
        var time = new SteppedTimeProvider(Start);
        var replay = new PhysioNetReplay(options, new ReplayOptions(_folder.Path, null), time, (_, _) => sink);

        await time.AdvanceUntilDone(replay.RunAsync(TestContext.Current.CancellationToken), TimeSpan.FromSeconds(1));

        var expected = new PhysioNetReplayGenerator(replay.Stays, 3, 5, Start).AdvanceTo(TimeSpan.FromDays(1)).ToList();
        Assert.Equal(expected.Count, sink.Messages.Count);
        Assert.Equal(expected.Count, replay.Publisher!.MessagesPublished);
        Assert.Equal(expected.Select(m => Convert.ToBase64String(m.Payload)), sink.Messages.Select(m => Convert.ToBase64String(m.Payload)));
        var lines = (await File.ReadAllLinesAsync(groundTruth, TestContext.Current.CancellationToken)).Select(l => JsonDocument.Parse(l).RootElement).ToList();
        Assert.Equal(
            [("physionet-p000001", "monitored"), ("physionet-p000002", "monitored"), ("physionet-p000002", "sepsis")],
            lines.Select(l => (l.GetProperty("patientId").GetString(), l.GetProperty("event").GetString())));
        var sepsis = lines[2];
        Assert.Equal(Start + TimeSpan.FromHours(8), sepsis.GetProperty("onset").GetDateTimeOffset());
        Assert.Equal(Start + TimeSpan.FromHours(8), sepsis.GetProperty("end").GetDateTimeOffset());
        Assert.Equal("physionet", sepsis.GetProperty("source").GetString());
        Assert.Equal("dev-p000002", sepsis.GetProperty("deviceId").GetString());
        Assert.Equal(3, sepsis.GetProperty("seed").GetInt32());
        Assert.Equal(Start, lines[0].GetProperty("onset").GetDateTimeOffset());
        Assert.Equal(Start + TimeSpan.FromHours(3), lines[0].GetProperty("end").GetDateTimeOffset());
    }

    [Fact]
    public void Lines_SepsisOnsetInsideTheData_EndsWithTheData()
    {
        var stay = new PhysioNetStay("p1", Enumerable.Range(0, 12).Select(_ => new HourlyVitals([80, null, null, null, null])).ToList(), FirstSepsisLabelHour: 0);

        var lines = System.Text.Encoding.UTF8.GetString(ReplayGroundTruth.Lines(stay, 1, Start)).Split('\n', StringSplitOptions.RemoveEmptyEntries);

        var sepsis = JsonDocument.Parse(lines[1]).RootElement;
        Assert.Equal(Start + TimeSpan.FromHours(6), sepsis.GetProperty("onset").GetDateTimeOffset());
        Assert.Equal(Start + TimeSpan.FromHours(12), sepsis.GetProperty("end").GetDateTimeOffset());
    }

    [Fact]
    public void Lines_CutShort_MonitoredUntilTheCutAndNoSepsisAfterIt()
    {
        var stay = new PhysioNetStay("p1", Enumerable.Range(0, 12).Select(_ => new HourlyVitals([80, null, null, null, null])).ToList(), FirstSepsisLabelHour: 3);

        var before = Parse(ReplayGroundTruth.Lines(stay, 1, Start, cut: TimeSpan.FromHours(5)));
        var after = Parse(ReplayGroundTruth.Lines(stay, 1, Start, cut: TimeSpan.FromHours(10)));

        Assert.Equal(["monitored"], before.Select(l => l.GetProperty("event").GetString()));
        Assert.Equal(Start + TimeSpan.FromHours(5), before[0].GetProperty("end").GetDateTimeOffset());
        Assert.Equal(["monitored", "sepsis"], after.Select(l => l.GetProperty("event").GetString()));
        Assert.Equal(Start + TimeSpan.FromHours(9), after[1].GetProperty("onset").GetDateTimeOffset());
        Assert.Equal(Start + TimeSpan.FromHours(10), after[1].GetProperty("end").GetDateTimeOffset());
    }

    private static List<JsonElement> Parse(byte[] lines) =>
        System.Text.Encoding.UTF8.GetString(lines).Split('\n', StringSplitOptions.RemoveEmptyEntries).Select(l => JsonDocument.Parse(l).RootElement).ToList();
}

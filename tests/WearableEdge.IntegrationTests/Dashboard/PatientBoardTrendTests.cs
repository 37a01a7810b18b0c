using WearableEdge.EdgeService.Api;
using WearableEdge.EdgeService.Features;
using Xunit;

namespace WearableEdge.IntegrationTests.Dashboard;

/// <summary>The board's one-hour trend behind the dashboard's sparklines.</summary>
public sealed class PatientBoardTrendTests
{
    private static readonly DateTimeOffset T0 = new(2026, 3, 1, 8, 0, 0, TimeSpan.Zero);

    [Fact]
    public void RecordMinute_SeventyMinutes_KeepsTheLastHourOldestFirst()
    {
        var board = new PatientBoard();
        for (var minute = 0; minute < 70; minute++)
        {
            board.RecordMinute(Minute("p-1", minute, spO2: 90 + (minute % 10)));
        }

        var minutes = Assert.Single(board.All).Minutes;
        Assert.Equal(60, minutes.Count);
        Assert.Equal(T0.AddMinutes(10), minutes[0].MinuteStart);
        Assert.Equal(T0.AddMinutes(69), minutes[^1].MinuteStart);
        Assert.True(minutes.Zip(minutes.Skip(1)).All(pair => pair.First.MinuteStart < pair.Second.MinuteStart));
    }

    [Fact]
    public void RecordMinute_LateMinuteWithinTheHour_IsInsertedInOrder_AndOneOlderThanTheHourIsDropped()
    {
        var board = new PatientBoard();
        board.RecordMinute(Minute("p-1", 0, 95));
        board.RecordMinute(Minute("p-1", 61, 95));
        board.RecordMinute(Minute("p-1", 30, 94));

        var minutes = Assert.Single(board.All).Minutes;
        Assert.Equal([T0.AddMinutes(30), T0.AddMinutes(61)], minutes.Select(m => m.MinuteStart));
    }

    private static MinuteSummary Minute(string patientId, int minute, double spO2) => new(
        patientId,
        T0.AddMinutes(minute),
        1.0,
        new Dictionary<string, MinuteVital> { ["spO2"] = new(spO2, spO2 - 1, spO2 + 1, 1.0) });
}

using System.Buffers;
using System.Text;
using WearableEdge.Contracts;
using WearableEdge.EdgeService.Ingest;

namespace WearableEdge.EdgeService.Tests.Ingest;

public sealed class EventTimeClockSkewTests
{
    private static readonly DateTimeOffset ReceivedAt = new(2025, 3, 1, 8, 0, 0, TimeSpan.Zero);
    private static readonly ClockSkewLimit TwoMinutes = new EventTimeOptions().LimitAt(ReceivedAt);

    private static DecodedPayload Decode(string topic, string json, ClockSkewLimit? limit) =>
        PayloadDecoder.Decode(topic, new ReadOnlySequence<byte>(Encoding.UTF8.GetBytes(json)), limit);

    private static string Vitals(DateTimeOffset first, DateTimeOffset second) => $$"""
        {"schemaVersion":1,"deviceId":"watch-42","samples":[
          {"ts":"{{first:O}}","heartRate":72},{"ts":"{{second:O}}","heartRate":73}]}
        """;

    [Fact]
    public void Default_MaxClockSkew_IsTwoMinutes() =>
        Assert.Equal(TimeSpan.FromMinutes(2), new EventTimeOptions().MaxClockSkew);

    [Theory]
    [InlineData(0)]
    [InlineData(-30)]
    [InlineData(119)]
    [InlineData(120)]
    public void Vitals_WithinTolerance_AreAccepted(int secondsAhead)
    {
        var decoded = Decode(Topics.Vitals("p-1"), Vitals(ReceivedAt.AddMinutes(-1), ReceivedAt.AddSeconds(secondsAhead)), TwoMinutes);

        Assert.Equal(2, Assert.IsType<DecodedPayload.Vitals>(decoded).Samples.Count);
    }

    [Theory]
    [InlineData(121)]
    [InlineData(3600)]
    public void Vitals_OneSampleBeyondTolerance_RejectsTheBatchAsTimestampInFuture(int secondsAhead)
    {
        var decoded = Decode(Topics.Vitals("p-1"), Vitals(ReceivedAt.AddMinutes(-1), ReceivedAt.AddSeconds(secondsAhead)), TwoMinutes);

        var rejected = Assert.IsType<DecodedPayload.Rejected>(decoded);
        Assert.Equal(RejectReason.TimestampInFuture, rejected.Reason);
        Assert.Contains("ahead of the gateway clock", rejected.Detail, StringComparison.Ordinal);
    }

    [Fact]
    public void Vitals_WithoutALimit_AreNotCheckedForSkew()
    {
        var decoded = Decode(Topics.Vitals("p-1"), Vitals(ReceivedAt, ReceivedAt.AddDays(1)), null);

        Assert.IsType<DecodedPayload.Vitals>(decoded);
    }

    [Fact]
    public void Vitals_ALargerConfiguredTolerance_AcceptsWhatTheDefaultRejects()
    {
        var json = Vitals(ReceivedAt, ReceivedAt.AddMinutes(10));
        var day = new EventTimeOptions { MaxClockSkew = TimeSpan.FromDays(1) }.LimitAt(ReceivedAt);

        Assert.IsType<DecodedPayload.Rejected>(Decode(Topics.Vitals("p-1"), json, TwoMinutes));
        Assert.IsType<DecodedPayload.Vitals>(Decode(Topics.Vitals("p-1"), json, day));
    }

    [Theory]
    [InlineData(60, false)]
    [InlineData(180, true)]
    public void DeviceStatus_InTheFuture_IsRejected(int secondsAhead, bool rejected)
    {
        var json = $$"""
            {"schemaVersion":1,"deviceId":"watch-42","ts":"{{ReceivedAt.AddSeconds(secondsAhead):O}}","batteryPercent":81,"wearStatus":"on","signalQuality":0.9}
            """;

        var decoded = Decode(Topics.Device("p-1"), json, TwoMinutes);

        Assert.Equal(rejected, decoded is DecodedPayload.Rejected { Reason: RejectReason.TimestampInFuture });
        Assert.Equal(!rejected, decoded is DecodedPayload.Device);
    }

    [Theory]
    [InlineData(60, false)]
    [InlineData(180, true)]
    public void Motion_InTheFuture_IsRejected(int secondsAhead, bool rejected)
    {
        var json = $$"""
            {"schemaVersion":1,"deviceId":"watch-42","ts":"{{ReceivedAt.AddSeconds(secondsAhead):O}}","sampleRateHz":25,
             "x":[0,0,0,0],"y":[0,0,0,0],"z":[1,1,1,1]}
            """;

        var decoded = Decode(Topics.Motion("p-1"), json, TwoMinutes);

        Assert.Equal(rejected, decoded is DecodedPayload.Rejected { Reason: RejectReason.TimestampInFuture });
        Assert.Equal(!rejected, decoded is DecodedPayload.Motion);
    }

    [Fact]
    public void Validator_NonPositiveSkew_NamesTheKey()
    {
        var result = new EventTimeOptionsValidator().Validate(null, new EventTimeOptions { MaxClockSkew = TimeSpan.Zero });

        Assert.True(result.Failed);
        Assert.Contains("Ingest:MaxClockSkew", result.FailureMessage, StringComparison.Ordinal);
    }
}

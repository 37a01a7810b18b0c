using WearableEdge.EdgeService.Alerts;

namespace WearableEdge.EdgeService.Tests.Alerts;

public sealed class AlertServiceTests
{
    private static readonly DateTimeOffset RaisedAt = new(2025, 3, 1, 8, 0, 15, TimeSpan.Zero);

    [Fact]
    public void AlertId_SameInput_IsStable()
    {
        var first = AlertService.AlertId("p-001", "news2", RaisedAt);
        var replayed = AlertService.AlertId("p-001", "news2", RaisedAt.ToOffset(TimeSpan.FromHours(2)));

        Assert.Equal(first, replayed);
        Assert.Matches("^al-[0-9a-f]{24}$", first);
    }

    [Fact]
    public void AlertId_DifferentPatient_Differs() =>
        Assert.NotEqual(AlertService.AlertId("p-001", "news2", RaisedAt), AlertService.AlertId("p-002", "news2", RaisedAt));

    [Fact]
    public void AlertId_DifferentType_Differs() =>
        Assert.NotEqual(AlertService.AlertId("p-001", "news2", RaisedAt), AlertService.AlertId("p-001", "desaturation", RaisedAt));

    [Fact]
    public void AlertId_DifferentTime_Differs() =>
        Assert.NotEqual(AlertService.AlertId("p-001", "news2", RaisedAt), AlertService.AlertId("p-001", "news2", RaisedAt.AddMilliseconds(1)));

    [Theory]
    [InlineData("p-001")]
    [InlineData("bed-12")]
    [InlineData("patient.17")]
    public void AlertId_NeverContainsPatientId(string patientId) =>
        Assert.DoesNotContain(patientId, AlertService.AlertId(patientId, "news2", RaisedAt), StringComparison.OrdinalIgnoreCase);
}

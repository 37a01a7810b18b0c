using WearableEdge.Clinical.Alerts;

namespace WearableEdge.Clinical.Tests.Alerts;

public sealed class AlertPriorityTests
{
    [Theory]
    [InlineData(AlertPriority.Low, "low")]
    [InlineData(AlertPriority.Medium, "medium")]
    [InlineData(AlertPriority.High, "high")]
    public void ToWire_EachPriority_IecWordAndBack(AlertPriority priority, string wire)
    {
        Assert.Equal(wire, priority.ToWire());
        Assert.Equal(priority, AlertPriorityNames.ParseWire(wire));
    }

    [Theory]
    [InlineData("High")]
    [InlineData("critical")]
    [InlineData("")]
    public void ParseWire_UnknownWord_FormatException(string wire)
    {
        Assert.Throws<FormatException>(() => AlertPriorityNames.ParseWire(wire));
    }

    [Fact]
    public void Priorities_Ordered_HighMostUrgent()
    {
        Assert.True(AlertPriority.High > AlertPriority.Medium);
        Assert.True(AlertPriority.Medium > AlertPriority.Low);
    }
}

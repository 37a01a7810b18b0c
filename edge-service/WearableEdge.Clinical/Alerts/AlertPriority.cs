namespace WearableEdge.Clinical.Alerts;

/// <summary>
/// Alarm priorities in the words of IEC 60601-1-8 (FACTS.md, "Alarms"). Ordered: a larger value
/// is more urgent. High = act immediately, medium = promptly, low = should be addressed.
/// </summary>
public enum AlertPriority
{
    Low = 1,
    Medium = 2,
    High = 3,
}

public static class AlertPriorityNames
{
    public static string ToWire(this AlertPriority priority) => priority switch
    {
        AlertPriority.Low => "low",
        AlertPriority.Medium => "medium",
        AlertPriority.High => "high",
        _ => throw new ArgumentOutOfRangeException(nameof(priority), priority, null),
    };

    public static AlertPriority ParseWire(string value) => value switch
    {
        "low" => AlertPriority.Low,
        "medium" => AlertPriority.Medium,
        "high" => AlertPriority.High,
        _ => throw new FormatException($"'{value}' is not an alert priority (high, medium, low)."),
    };
}

namespace WearableEdge.Clinical.Alerts;

/// <summary>
/// Technical alerts, about the wearable rather than the patient (IEC 60601-1-8 separates technical
/// from physiological alarm conditions, FACTS.md "Alarms"): the device is off the body, or its
/// battery is low. They are never mixed with clinical alerts: their own types and the technical flag.
/// Thresholds are local choices (no source in FACTS.md), configurable per rule.
/// </summary>
public static class DeviceAlertRule
{
    /// <summary>Alert type: the wearable reports it is not worn, so nothing is being monitored.</summary>
    public const string DeviceOffType = "device-off";

    /// <summary>Alert type: the wearable's battery is low.</summary>
    public const string BatteryLowType = "battery-low";

    public const string RuleId = "device-status";

    public const string RuleVersion = "1.0.0";

    /// <summary>Battery below this (%) raises a low-priority alert. Default 15 %.</summary>
    public const double DefaultBatteryLowBelow = 15;

    /// <summary>The battery alert clears at or above this (%): hysteresis against a reading wavering at the limit. Default 20 %.</summary>
    public const double DefaultBatteryClearAtOrAbove = 20;

    /// <summary>
    /// Off-body timing: 30 s condition delay (a strap adjusted for a moment raises nothing), 10 s
    /// clear; re-alert after 10 min if nobody acknowledged it. Local choices.
    /// </summary>
    public static AlertTiming DeviceOffTiming { get; } = new(TimeSpan.FromSeconds(30), TimeSpan.FromSeconds(10))
    {
        ReAlertAfter = TimeSpan.FromMinutes(10),
    };

    /// <summary>Battery timing: 60 s condition delay, 60 s clear, no re-alert. Local choices.</summary>
    public static AlertTiming BatteryTiming { get; } = new(TimeSpan.FromSeconds(60), TimeSpan.FromSeconds(60));

    /// <summary>Off body: medium priority (monitoring has stopped); on body: clear; unknown: hold.</summary>
    public static AlertCondition DeviceOff(bool? worn) => worn switch
    {
        false => AlertCondition.Present(AlertPriority.Medium),
        true => AlertCondition.Clear,
        null => AlertCondition.Hold(),
    };

    /// <summary>Low battery: low priority below <paramref name="lowBelow"/>, clear at or above <paramref name="clearAtOrAbove"/>.</summary>
    public static AlertCondition BatteryLow(double batteryPercent, double lowBelow = DefaultBatteryLowBelow, double clearAtOrAbove = DefaultBatteryClearAtOrAbove)
    {
        if (batteryPercent < lowBelow)
        {
            return AlertCondition.Present(AlertPriority.Low, batteryPercent);
        }

        return batteryPercent >= clearAtOrAbove ? AlertCondition.ClearAt(batteryPercent) : AlertCondition.Hold(batteryPercent);
    }
}

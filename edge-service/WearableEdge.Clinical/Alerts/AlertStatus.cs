namespace WearableEdge.Clinical.Alerts;

/// <summary>Where an alert is in its lifecycle. Escalation is an event (priority raised), not a status.</summary>
public enum AlertStatus
{
    /// <summary>Raised (or re-alerted, or escalated) and not yet handled.</summary>
    Active,

    /// <summary>Someone took it on; it stays open until it resolves.</summary>
    Acknowledged,

    /// <summary>Silenced for a stated time and reason; it re-alerts when the time runs out.</summary>
    Silenced,

    /// <summary>Closed: the condition stayed clear, or staff resolved it.</summary>
    Resolved,
}

/// <summary>A staff command on an alert.</summary>
public enum AlertCommand
{
    Acknowledge,
    Silence,
    Resolve,
}

/// <summary>The allowed staff transitions, and the wire names of statuses.</summary>
public static class AlertLifecycle
{
    /// <summary>Longest silence a command may ask for: 2 h. A longer one would hide a patient for a shift.</summary>
    public static readonly TimeSpan MaxSilence = TimeSpan.FromHours(2);

    /// <summary>
    /// The status after <paramref name="command"/>, or null when the command is not allowed from
    /// <paramref name="status"/>: acknowledge from active or silenced; silence from active,
    /// acknowledged or silenced (a new silence replaces the old); resolve from any open status.
    /// Nothing applies to a resolved alert.
    /// </summary>
    public static AlertStatus? Next(AlertStatus status, AlertCommand command) => (status, command) switch
    {
        (AlertStatus.Resolved, _) => null,
        (AlertStatus.Active or AlertStatus.Silenced, AlertCommand.Acknowledge) => AlertStatus.Acknowledged,
        (_, AlertCommand.Silence) => AlertStatus.Silenced,
        (_, AlertCommand.Resolve) => AlertStatus.Resolved,
        _ => null,
    };

    public static string ToWire(this AlertStatus status) => status switch
    {
        AlertStatus.Active => "active",
        AlertStatus.Acknowledged => "acknowledged",
        AlertStatus.Silenced => "silenced",
        AlertStatus.Resolved => "resolved",
        _ => throw new ArgumentOutOfRangeException(nameof(status), status, null),
    };

    public static AlertStatus ParseStatus(string value) => value switch
    {
        "active" => AlertStatus.Active,
        "acknowledged" => AlertStatus.Acknowledged,
        "silenced" => AlertStatus.Silenced,
        "resolved" => AlertStatus.Resolved,
        _ => throw new FormatException($"'{value}' is not an alert status (active, acknowledged, silenced, resolved)."),
    };
}

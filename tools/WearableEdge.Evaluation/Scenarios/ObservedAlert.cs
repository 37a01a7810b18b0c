using WearableEdge.Contracts;

namespace WearableEdge.Evaluation.Scenarios;

/// <summary>
/// One alert the service raised, as the harness saw it on <c>wearable-edge/alerts/+</c>: the
/// first message of an alert id gives its raise, later messages of the same id (escalation,
/// resolution) only raise <see cref="Priority"/> to the highest reached.
/// </summary>
/// <param name="Id">The service's alert id.</param>
/// <param name="PatientId">Patient id as published (the topic's patient, not a pseudonym).</param>
/// <param name="Type">Alert type: <c>news2</c>, <c>desaturation</c>, <c>fall</c>, <c>deterioration</c>, <c>device-off</c>, <c>battery-low</c>, <c>no-data</c>…</param>
/// <param name="Priority">Highest priority reached: <c>high</c>, <c>medium</c> or <c>low</c>.</param>
/// <param name="RaisedAt">
/// Device time at which the condition was confirmed. For a technical alert this is the device time of the status
/// that raised it (the message's <c>windowEnd</c>): the service judges device statuses on a gateway-clock tick and
/// stamps <c>raisedAt</c> with the gateway clock, which at accelerated speed lies far from device time.
/// </param>
/// <param name="WindowEnd">End of the feature window (device time) of the raise.</param>
/// <param name="Late">The service marked it as about old (backfilled) data.</param>
/// <param name="Technical">A technical alert (about the wearable), not a clinical one.</param>
/// <param name="Source">Rule or model id that scored it, for example <c>news2-wearable</c>.</param>
public sealed record ObservedAlert(
    string Id, string PatientId, string Type, string Priority, DateTimeOffset RaisedAt, DateTimeOffset WindowEnd, bool Late, bool Technical, string Source)
{
    /// <summary>Alert types that are technical even if a message does not say so.</summary>
    public static IReadOnlySet<string> TechnicalTypes { get; } = new HashSet<string>(StringComparer.Ordinal) { "device-off", "battery-low", "no-data" };

    /// <summary>The harness's view of a published alert message.</summary>
    /// <param name="message">The message as published.</param>
    public static ObservedAlert From(AlertMessage message)
    {
        ArgumentNullException.ThrowIfNull(message);
        var technical = message.Technical == true || TechnicalTypes.Contains(message.Type);
        return new ObservedAlert(
            message.Id,
            message.PatientId,
            message.Type,
            message.Priority,
            technical ? message.WindowEnd : message.RaisedAt,
            message.WindowEnd,
            message.Late,
            technical,
            message.ScoreSourceId);
    }

    /// <summary>Rank of a priority word: high 3, medium 2, low 1, anything else 0.</summary>
    /// <param name="priority">A priority word.</param>
    public static int Rank(string priority) => priority switch
    {
        "high" => 3,
        "medium" => 2,
        "low" => 1,
        _ => 0,
    };

    /// <summary>This alert updated by a later message of the same id: the raise stays, the priority is the highest of both.</summary>
    /// <param name="later">A later message with the same id.</param>
    public ObservedAlert Update(AlertMessage later)
    {
        ArgumentNullException.ThrowIfNull(later);
        return Rank(later.Priority) > Rank(Priority) ? this with { Priority = later.Priority } : this;
    }
}

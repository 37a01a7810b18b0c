namespace WearableEdge.DeviceSim;

/// <summary>The kinds of scripted event that bend one patient's vital signs.</summary>
public enum ScenarioKind
{
    /// <summary>
    /// Gradual deterioration: over a ramp (default 6 min) heart rate +45 /min, respiration rate
    /// +12 /min, SpO2 −7 %, temperature +2.0 °C, systolic BP −25 mmHg; held until the event ends,
    /// then back to baseline over the same ramp.
    /// </summary>
    Deterioration,

    /// <summary>
    /// Desaturation: SpO2 falls to about 84 % within about 30 s (respiration rate +6 /min, heart
    /// rate +15 /min), holds until the event ends, then recovers over about 30 s.
    /// </summary>
    Desaturation,

    /// <summary>
    /// A fall, in the motion stream only: the onset is the impact (a descent with |a| well below
    /// 1 g just before it, an impact of several g), and the duration is how long the patient
    /// stays down, lying still but for breathing (and, after 10 s, sometimes a little movement);
    /// then the patient gets up and rests. Vital signs do not change. The ramp does not apply.
    /// </summary>
    Fall,
}

/// <summary>One scripted event of a scenario.</summary>
/// <param name="PatientId">The patient it happens to, for example <c>patient-003</c>.</param>
/// <param name="Kind">What happens.</param>
/// <param name="Onset">Device time from the simulation start to the event's onset; 0 or more.</param>
/// <param name="Duration">
/// Device time from onset to the event's end, when recovery to baseline begins; more than 0.
/// The ramp to full effect is part of it.
/// </param>
public sealed record ScenarioEvent(string PatientId, ScenarioKind Kind, TimeSpan Onset, TimeSpan Duration)
{
    /// <summary>
    /// Device time from onset to full effect, and from the end back to baseline; null (default)
    /// takes the kind's own: 6 min for deterioration, 30 s for desaturation; falls have none.
    /// </summary>
    public TimeSpan? Ramp { get; init; }

    /// <summary>Device time from the simulation start at which the event ends and recovery begins.</summary>
    public TimeSpan End => Onset + Duration;
}

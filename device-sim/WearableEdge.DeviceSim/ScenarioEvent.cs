namespace WearableEdge.DeviceSim;

/// <summary>
/// The kinds of scripted event. Each one's effect, default ramp and the alert the edge service is
/// expected to raise for it are documented in device-sim/README.md ("Event kinds"); the names in
/// ground truth and scenario files are <see cref="ScenarioKindNames"/>.
/// </summary>
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

    /// <summary>Tachycardia: heart rate to 145 /min within the ramp (default 20 s), respiration rate +3 /min.</summary>
    Tachycardia,

    /// <summary>Bradycardia: heart rate to 38 /min within the ramp (default 30 s).</summary>
    Bradycardia,

    /// <summary>
    /// Fever: temperature to 39.6 °C over the ramp (default 30 min), heart rate +8.5 /min and
    /// respiration rate +1.5 /min per °C of rise.
    /// </summary>
    Fever,

    /// <summary>
    /// Slow sepsis-like deterioration over the ramp (default 3 h): temperature and heart rate
    /// first, then respiration rate, then SpO2 and systolic BP; at full effect heart rate +40 /min,
    /// temperature +1.8 °C, respiration rate +11 /min, SpO2 −6 %, systolic BP −30 mmHg.
    /// </summary>
    Sepsis,

    /// <summary>
    /// AF-like irregular rhythm within the ramp (default 10 s): the mean heart rate rises by up to
    /// 20 /min (to at most 108) and each 1 Hz reading varies beat to beat (SD 12 /min, uncorrelated).
    /// </summary>
    IrregularRhythm,

    /// <summary>
    /// The device is taken off and put down: wear status off, no vitals (the optical sensor stops
    /// without skin contact), motion of a device lying still; put back on at the end.
    /// </summary>
    DeviceRemoved,

    /// <summary>
    /// The battery drains from its level at the onset to 0 % at the end, when the device dies and
    /// sends nothing; with <see cref="ScenarioEvent.DeadFor"/> it comes back charged after that long.
    /// </summary>
    BatteryDrain,

    /// <summary>
    /// The Bluetooth link drops: the device buffers every message from the onset to the end, then
    /// publishes them all at once, with their original device timestamps (a backfill).
    /// </summary>
    BluetoothGap,
}

/// <summary>The kebab-case names of <see cref="ScenarioKind"/> in ground truth, scenario files and on the command line.</summary>
public static class ScenarioKindNames
{
    /// <summary>Every kind with its name, in declaration order.</summary>
    public static IReadOnlyList<(ScenarioKind Kind, string Name)> All { get; } =
    [
        (ScenarioKind.Deterioration, "deterioration"),
        (ScenarioKind.Desaturation, "desaturation"),
        (ScenarioKind.Fall, "fall"),
        (ScenarioKind.Tachycardia, "tachycardia"),
        (ScenarioKind.Bradycardia, "bradycardia"),
        (ScenarioKind.Fever, "fever"),
        (ScenarioKind.Sepsis, "sepsis"),
        (ScenarioKind.IrregularRhythm, "irregular-rhythm"),
        (ScenarioKind.DeviceRemoved, "device-removed"),
        (ScenarioKind.BatteryDrain, "battery-drain"),
        (ScenarioKind.BluetoothGap, "bluetooth-gap"),
    ];

    /// <summary>The ground-truth event name of a simulated patient's monitored span (not a scripted event).</summary>
    public const string Monitored = "monitored";

    /// <summary>The kind's name, for example <c>irregular-rhythm</c>.</summary>
    public static string Name(ScenarioKind kind) =>
        All.FirstOrDefault(k => k.Kind == kind).Name ?? throw new ArgumentOutOfRangeException(nameof(kind), kind, null);

    /// <summary>The kind named <paramref name="name"/> (exact, kebab-case), or null.</summary>
    public static ScenarioKind? Parse(string? name)
    {
        foreach (var (kind, kindName) in All)
        {
            if (string.Equals(kindName, name, StringComparison.Ordinal))
            {
                return kind;
            }
        }

        return null;
    }
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
    /// takes the kind's own: 6 min for deterioration, 30 s for desaturation, 20 s tachycardia,
    /// 30 s bradycardia, 30 min fever, 3 h sepsis, 10 s irregular rhythm; falls and the technical
    /// kinds have none.
    /// </summary>
    public TimeSpan? Ramp { get; init; }

    /// <summary>
    /// Battery drain only: how long the dead device stays dead before it comes back charged
    /// (100 %); null (default) stays dead to the end of the run.
    /// </summary>
    public TimeSpan? DeadFor { get; init; }

    /// <summary>Device time from the simulation start at which the event ends and recovery begins.</summary>
    public TimeSpan End => Onset + Duration;
}

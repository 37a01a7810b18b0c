using WearableEdge.Contracts;
using WearableEdge.DeviceSim.Motion;

namespace WearableEdge.DeviceSim.Physiology;

/// <summary>
/// One simulated patient and the wearable on them: a <see cref="PatientProfile"/> drawn from the
/// seed, the <see cref="Circadian"/> rhythm, the <see cref="DailySchedule"/> of sleep, rest,
/// walking and exercise (which moves heart rate, respiration and the motion stream together),
/// sensor noise, motion artefacts, and the scripted events. Each stream draws from its own
/// generator, seeded from the patient's seed, and the schedule is a pure function of seed and
/// time, so a patient's payloads do not depend on other patients, on publish interleaving, or on
/// whether another stream is switched off.
/// Not thread-safe; every stream must be sampled in increasing device time.
/// </summary>
internal sealed class VirtualPatient
{
    // Sensor noise, one standard deviation per sample: wrist PPG heart rate and SpO2, impedance or
    // PPG-derived respiration, skin thermistor, cuff. Plausible magnitudes, not a device's datasheet.
    private const double HeartRateNoise = 1.5;
    private const double RespirationRateNoise = 0.8;
    private const double SpO2Noise = 0.5;
    private const double TemperatureNoise = 0.03;
    private const double SystolicBpNoise = 2.0;

    /// <summary>Battery drain in normal use, percentage points per hour: a day's run never reaches the 15 % alert from a full-enough start (local choice).</summary>
    public const double BatteryDrainPerHour = 2.0;

    private readonly IReadOnlyList<ScenarioEvent> _events;
    private readonly IReadOnlyList<ScenarioEvent> _vitalEvents;
    private readonly IReadOnlyList<ScenarioEvent> _drains;
    private readonly Random _vitalsRandom;
    private readonly LiveMotion _motion;
    private readonly double _batteryAtStart;

    /// <param name="patientId">Ward id, for example <c>patient-003</c>.</param>
    /// <param name="deviceId">The device the patient wears.</param>
    /// <param name="seed">The patient's seed: every draw comes from it.</param>
    /// <param name="events">Scripted events; only the patient's own are kept.</param>
    /// <param name="deviceStart">Device time of offset 0, which places the run in the day; null: midnight (UTC) of 1 January 1970.</param>
    public VirtualPatient(string patientId, string deviceId, int seed, IEnumerable<ScenarioEvent> events, DateTimeOffset? deviceStart = null)
    {
        PatientId = patientId;
        DeviceId = deviceId;
        DeviceStart = deviceStart ?? DateTimeOffset.UnixEpoch;
        _events = events.Where(e => e.PatientId == patientId).OrderBy(e => e.Onset).ToList();
        _vitalEvents = _events.Where(e => EventEffect.IsPhysiological(e.Kind)).ToList();
        _drains = _events.Where(e => e.Kind == ScenarioKind.BatteryDrain).ToList();
        var random = new Random(seed);
        Profile = PatientProfile.Draw(random);
        _batteryAtStart = GaussianNoise.Uniform(random, 70, 100);
        _vitalsRandom = new Random(random.Next());
        var motionRandom = new Random(random.Next());
        var scheduleSeed = random.Next();
        Schedule = new DailySchedule(scheduleSeed, Profile);
        _motion = new LiveMotion(motionRandom, DeviceStart, Schedule, _events);
    }

    public string PatientId { get; }

    public string DeviceId { get; }

    public DateTimeOffset DeviceStart { get; }

    public PatientProfile Profile { get; }

    public PatientBaseline Baseline => Profile.Baseline;

    public DailySchedule Schedule { get; }

    /// <summary>The patient's scripted events, by onset.</summary>
    public IReadOnlyList<ScenarioEvent> Events => _events;

    /// <summary>The activity at <paramref name="offset"/>.</summary>
    public ActivityBout Activity(TimeSpan offset) => Schedule.BoutAt(DeviceStart + offset);

    /// <summary>The noiseless vital signs at <paramref name="offset"/> without events: baseline, circadian rhythm and activity.</summary>
    public PatientBaseline Resting(TimeSpan offset)
    {
        var time = DeviceStart + offset;
        return Apply(Baseline, Circadian.At(time.UtcDateTime.TimeOfDay) + Schedule.ShiftAt(time));
    }

    /// <summary>The noiseless vital signs at <paramref name="offset"/> from the simulation start, events applied.</summary>
    public PatientBaseline Expected(TimeSpan offset)
    {
        var resting = Resting(offset);
        var shift = default(VitalShift);
        foreach (var scenarioEvent in _vitalEvents)
        {
            shift += EventEffect.At(scenarioEvent, resting, offset);
        }

        return Apply(resting, shift);
    }

    /// <summary>
    /// One 1 Hz vitals sample as the wearable reports it: noisy, corrupted by motion artefacts
    /// while the patient moves, clamped, rounded as charted. Off the body the optical sensor
    /// measures nothing: every value is null (see <see cref="IsWorn"/>).
    /// </summary>
    public VitalsReading Vitals(TimeSpan offset, DateTimeOffset timestamp)
    {
        if (!IsWorn(offset))
        {
            return new VitalsReading { Ts = timestamp };
        }

        var expected = Expected(offset);
        var irregularity = 0.0;
        foreach (var scenarioEvent in _vitalEvents)
        {
            irregularity = Math.Max(irregularity, EventEffect.HeartRateIrregularity(scenarioEvent, offset));
        }

        var artefact = Schedule.ArtefactAt(DeviceStart + offset);
        return new VitalsReading
        {
            Ts = timestamp,
            HeartRate = Measure(expected.HeartRate + (artefact?.HeartRateJump ?? 0), Math.Sqrt((HeartRateNoise * HeartRateNoise) + (irregularity * irregularity)), 30, 220, 0),
            SpO2 = Measure(expected.SpO2 - (artefact?.SpO2Drop ?? 0), SpO2Noise, 50, 100, 0),
            RespirationRate = Measure(expected.RespirationRate, RespirationRateNoise, 4, 60, 0),
            TemperatureC = Measure(expected.TemperatureC, TemperatureNoise, 33, 42, 1),
            SystolicBp = expected.SystolicBp is { } systolic ? Measure(systolic, SystolicBpNoise, 60, 250, 0) : null,
            SignalQuality = Round(SignalQuality(offset), 2),
        };
    }

    /// <summary>
    /// The optical signal quality of the 1 Hz sample at <paramref name="offset"/>, 0–1 (0 off the body):
    /// sent with each contract-v1 vitals sample (<c>signalQuality</c>, low during motion artefacts);
    /// the device status carries the minute's mean.
    /// </summary>
    public double SignalQuality(TimeSpan offset) =>
        IsWorn(offset) ? Schedule.SignalQualityAt(DeviceStart + offset) : 0;

    /// <summary>
    /// Fills the arrays with the next accelerometer samples, g, rounded to 1 mg: the day's
    /// activities, the scripted falls and device removals (<see cref="LiveMotion"/>).
    /// </summary>
    public void Motion(double[] x, double[] y, double[] z)
    {
        Span<float> fx = stackalloc float[x.Length], fy = stackalloc float[x.Length], fz = stackalloc float[x.Length];
        _motion.Next(fx, fy, fz);
        for (var i = 0; i < x.Length; i++)
        {
            x[i] = Round(fx[i], 3);
            y[i] = Round(fy[i], 3);
            z[i] = Round(fz[i], 3);
        }
    }

    /// <summary>
    /// Battery (%: 2 %/h in normal use; a battery-drain event empties it) and the optical signal
    /// quality at <paramref name="offset"/>: the mean of the minute's per-second quality (0 while off the body).
    /// </summary>
    public (double BatteryPercent, double SignalQuality) Device(TimeSpan offset)
    {
        var quality = 0.0;
        for (var s = 0; s < 60 && IsWorn(offset); s++)
        {
            quality += SignalQuality(offset - TimeSpan.FromSeconds(s));
        }

        return (Round(Battery(offset).Percent, 1), Round(quality / 60, 2));
    }

    /// <summary>Whether the device is on the body at <paramref name="offset"/> (not during a device-removed event).</summary>
    public bool IsWorn(TimeSpan offset)
    {
        foreach (var e in _events)
        {
            if (e.Kind == ScenarioKind.DeviceRemoved && offset >= e.Onset && offset < e.End)
            {
                return false;
            }
        }

        return true;
    }

    /// <summary>Whether the device is running at <paramref name="offset"/>: false once a battery drain has emptied it, until it comes back charged.</summary>
    public bool IsAlive(TimeSpan offset) => Battery(offset).Alive;

    /// <summary>The end of the Bluetooth gap under way at <paramref name="offset"/>, or null when the link is up.</summary>
    public TimeSpan? GapEnd(TimeSpan offset)
    {
        TimeSpan? end = null;
        foreach (var e in _events)
        {
            if (e.Kind == ScenarioKind.BluetoothGap && offset >= e.Onset && offset < e.End && (end is null || e.End > end))
            {
                end = e.End;
            }
        }

        return end;
    }

    private (double Percent, bool Alive) Battery(TimeSpan offset)
    {
        var level = _batteryAtStart;
        var from = TimeSpan.Zero;
        foreach (var drain in _drains)
        {
            if (offset < drain.Onset)
            {
                break;
            }

            var atOnset = Math.Max(0, level - (BatteryDrainPerHour * (drain.Onset - from).TotalHours));
            if (offset < drain.End)
            {
                return (atOnset * (1 - ((offset - drain.Onset) / drain.Duration)), true);
            }

            if (drain.DeadFor is not { } deadFor || offset < drain.End + deadFor)
            {
                return (0, false);
            }

            level = 100;
            from = drain.End + deadFor;
        }

        return (Math.Max(0, level - (BatteryDrainPerHour * (offset - from).TotalHours)), true);
    }

    private static PatientBaseline Apply(PatientBaseline vitals, VitalShift shift) => new(
        vitals.HeartRate + shift.HeartRate,
        vitals.RespirationRate + shift.RespirationRate,
        vitals.SpO2 + shift.SpO2,
        vitals.TemperatureC + shift.TemperatureC,
        vitals.SystolicBp + shift.SystolicBp);

    private double Measure(double expected, double noise, double min, double max, int decimals) =>
        Round(Math.Clamp(expected + GaussianNoise.Next(_vitalsRandom, noise), min, max), decimals);

    /// <summary>Rounds as a device reports; adding +0.0 turns −0 into 0 so the JSON never says <c>-0</c>.</summary>
    private static double Round(double value, int decimals) => Math.Round(value, decimals, MidpointRounding.AwayFromZero) + 0.0;
}

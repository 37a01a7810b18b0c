using WearableEdge.Contracts;
using WearableEdge.DeviceSim.Motion;

namespace WearableEdge.DeviceSim.Physiology;

/// <summary>
/// One simulated patient and the wearable on them. Each stream draws from its own generator,
/// seeded from the patient's seed, so a patient's payloads do not depend on other patients, on
/// publish interleaving, or on whether another stream is switched off.
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

    /// <summary>Battery drain, percentage points per hour.</summary>
    private const double BatteryDrainPerHour = 3.0;

    private readonly IReadOnlyList<ScenarioEvent> _events;
    private readonly Random _vitalsRandom;
    private readonly LiveMotion _motion;
    private readonly Random _deviceRandom;
    private readonly double _batteryAtStart;

    public VirtualPatient(string patientId, string deviceId, int seed, IEnumerable<ScenarioEvent> events)
    {
        PatientId = patientId;
        DeviceId = deviceId;
        _events = events.Where(e => e.PatientId == patientId).ToList();
        var random = new Random(seed);
        Baseline = PatientBaseline.Draw(random);
        _batteryAtStart = GaussianNoise.Uniform(random, 70, 100);
        _vitalsRandom = new Random(random.Next());
        _motion = new LiveMotion(new Random(random.Next()), _events.Where(e => e.Kind == ScenarioKind.Fall));
        _deviceRandom = new Random(random.Next());
    }

    public string PatientId { get; }

    public string DeviceId { get; }

    public PatientBaseline Baseline { get; }

    /// <summary>The noiseless vital signs at <paramref name="offset"/> from the simulation start, events applied.</summary>
    public PatientBaseline Expected(TimeSpan offset)
    {
        var shift = default(VitalShift);
        foreach (var scenarioEvent in _events)
        {
            shift += EventEffect.At(scenarioEvent, Baseline, offset);
        }

        return new PatientBaseline(
            Baseline.HeartRate + shift.HeartRate,
            Baseline.RespirationRate + shift.RespirationRate,
            Baseline.SpO2 + shift.SpO2,
            Baseline.TemperatureC + shift.TemperatureC,
            Baseline.SystolicBp + shift.SystolicBp);
    }

    /// <summary>One 1 Hz vitals sample as the wearable reports it: noisy, clamped, rounded as charted.</summary>
    public VitalsReading Vitals(TimeSpan offset, DateTimeOffset timestamp)
    {
        var expected = Expected(offset);
        return new VitalsReading
        {
            Ts = timestamp,
            HeartRate = Measure(expected.HeartRate, HeartRateNoise, 30, 220, 0),
            SpO2 = Measure(expected.SpO2, SpO2Noise, 50, 100, 0),
            RespirationRate = Measure(expected.RespirationRate, RespirationRateNoise, 4, 60, 0),
            TemperatureC = Measure(expected.TemperatureC, TemperatureNoise, 33, 42, 1),
            SystolicBp = expected.SystolicBp is { } systolic ? Measure(systolic, SystolicBpNoise, 60, 250, 0) : null,
        };
    }

    /// <summary>
    /// Fills the arrays with the next accelerometer samples, g, rounded to 1 mg: resting with
    /// small movements, and the patient's scripted falls (<see cref="LiveMotion"/>).
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

    /// <summary>Battery (%, slowly draining) and optical signal quality (about 0.9) at <paramref name="offset"/>.</summary>
    public (double BatteryPercent, double SignalQuality) Device(TimeSpan offset)
    {
        var battery = Math.Max(0, _batteryAtStart - (BatteryDrainPerHour * offset.TotalHours));
        var quality = Math.Clamp(0.9 + GaussianNoise.Next(_deviceRandom, 0.02), 0, 1);
        return (Round(battery, 1), Round(quality, 2));
    }

    private double Measure(double expected, double noise, double min, double max, int decimals) =>
        Round(Math.Clamp(expected + GaussianNoise.Next(_vitalsRandom, noise), min, max), decimals);

    /// <summary>Rounds as a device reports; adding +0.0 turns −0 into 0 so the JSON never says <c>-0</c>.</summary>
    private static double Round(double value, int decimals) => Math.Round(value, decimals, MidpointRounding.AwayFromZero) + 0.0;
}

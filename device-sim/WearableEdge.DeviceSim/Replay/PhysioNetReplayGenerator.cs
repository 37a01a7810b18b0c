using System.Text.Json;
using WearableEdge.Contracts;
using WearableEdge.DeviceSim.Formats;
using WearableEdge.DeviceSim.Generation;

namespace WearableEdge.DeviceSim.Replay;

/// <summary>
/// Turns PhysioNet 2019 stays into 1 Hz contract-v1 vitals, lazily, in device time. Every stay
/// starts at the device start (its row 0 is device hour [0, 1)). Within an hour a charted sign is
/// the straight line from this hour's value to the next hour's (held when the next is missing),
/// plus seeded noise: a slow wander (Ornstein–Uhlenbeck, 5 min time constant) and a little
/// beat-to-beat jitter, clamped to <see cref="PhysioNetStay.PlausibleRanges"/> and rounded as a
/// wearable reports (°C to 0.1, the rest to whole units). A sign not charted in an hour has no
/// samples in that hour; a second with no sign at all has no sample; a batch with no sample is not
/// sent. No motion and no device status. Contract v1 by default; Open mHealth or FHIR R4 as
/// <c>run</c> writes them (Open mHealth drops systolic BP). <see cref="AdvanceTo"/> orders messages as
/// <see cref="WardGenerator"/> does — by last sample time, then stay — so the sequence depends only on
/// the stays, the seed and the batch size, never on how a run is cut into steps. Not thread-safe.
/// </summary>
internal sealed class PhysioNetReplayGenerator
{
    /// <summary>Prefix of a replayed stay's patient id: <c>physionet-p100004</c> for <c>p100004.psv</c>.</summary>
    public const string PatientPrefix = "physionet-";

    /// <summary>Prefix of a replayed stay's device id: <c>dev-p100004</c>.</summary>
    public const string DevicePrefix = "dev-";

    private const int SecondsPerHour = 3600;

    /// <summary>Noise per sign in <see cref="ReplaySign"/> order: (slow wander SD, jitter SD), in the sign's unit. Our choice, not a cited figure: small beside the hour-to-hour changes of a chart.</summary>
    private static readonly (double Slow, double Jitter)[] Noise = [(2.0, 1.0), (0.6, 0.4), (1.0, 0.7), (0.05, 0.03), (3.0, 2.0)];

    /// <summary>The slow wander's time constant: 5 min, so it drifts within an hour and does not hide the chart's trend.</summary>
    private static readonly double Persistence = Math.Exp(-1.0 / 300);

    private readonly List<ReplayPatient> _patients = [];
    private readonly PriorityQueue<int, (long DueTicks, int Patient)> _due = new();
    private readonly int _batchSize;
    private readonly PayloadFormat _format;
    private readonly TemperatureUnit _temperatureUnit;

    /// <param name="stays">The stays, in the order patients are numbered.</param>
    /// <param name="seed">Seed of the noise; each stay's noise depends only on it and the stay's name.</param>
    /// <param name="vitalsBatchSize">1 Hz seconds per message, 1 or more (a message holds the seconds that have a sample).</param>
    /// <param name="deviceStart">Device time of every stay's hour 0.</param>
    /// <param name="format">Wire format, as <c>run</c>'s <c>--format</c>; default contract v1.</param>
    /// <param name="temperatureUnit">Temperature unit in Open mHealth and FHIR; default °C.</param>
    public PhysioNetReplayGenerator(
        IReadOnlyList<PhysioNetStay> stays, int seed, int vitalsBatchSize, DateTimeOffset deviceStart,
        PayloadFormat format = PayloadFormat.V1, TemperatureUnit temperatureUnit = TemperatureUnit.Celsius)
    {
        ArgumentNullException.ThrowIfNull(stays);
        ArgumentOutOfRangeException.ThrowIfLessThan(vitalsBatchSize, 1);
        _batchSize = vitalsBatchSize;
        _format = format;
        _temperatureUnit = temperatureUnit;
        DeviceStart = deviceStart;
        for (var i = 0; i < stays.Count; i++)
        {
            _patients.Add(new ReplayPatient(stays[i], StaySeed(seed, stays[i].Name)));
            Schedule(i);
        }

        Length = stays.Count == 0 ? TimeSpan.Zero : stays.Max(s => s.Length);
    }

    /// <summary>Device time of every stay's hour 0.</summary>
    public DateTimeOffset DeviceStart { get; }

    /// <summary>Device time the longest stay covers: the replay is over then.</summary>
    public TimeSpan Length { get; }

    public static string PatientId(string stayName) => PatientPrefix + stayName;

    public static string DeviceId(string stayName) => DevicePrefix + stayName;

    /// <summary>Yields, lazily, every message not yet yielded whose last second falls before <paramref name="elapsed"/> after <see cref="DeviceStart"/>.</summary>
    public IEnumerable<OutgoingMessage> AdvanceTo(TimeSpan elapsed)
    {
        while (_due.TryPeek(out var index, out var priority) && priority.DueTicks < elapsed.Ticks)
        {
            _due.Dequeue();
            var message = Build(_patients[index]);
            _patients[index].Batch++;
            Schedule(index);
            if (message is not null)
            {
                yield return message;
            }
        }
    }

    private void Schedule(int index)
    {
        var patient = _patients[index];
        var first = patient.Batch * _batchSize;
        if (first >= patient.Seconds)
        {
            return;
        }

        var last = Math.Min(first + _batchSize, patient.Seconds) - 1;
        _due.Enqueue(index, (TimeSpan.FromSeconds(last).Ticks, index));
    }

    private OutgoingMessage? Build(ReplayPatient patient)
    {
        var first = patient.Batch * _batchSize;
        var end = Math.Min(first + _batchSize, patient.Seconds);
        var samples = new List<VitalsReading>(_batchSize);
        for (var second = first; second < end; second++)
        {
            if (patient.Sample(second, DeviceStart) is { } sample)
            {
                samples.Add(sample);
            }
        }

        var patientId = PatientId(patient.Stay.Name);
        var deviceId = DeviceId(patient.Stay.Name);
        switch (_format)
        {
            // Open mHealth has no blood-pressure schema the gateway reads: a batch of blood pressure only is not sent.
            case PayloadFormat.OpenMHealth when samples.Any(s => s.HeartRate is not null || s.SpO2 is not null || s.RespirationRate is not null || s.TemperatureC is not null):
                return new OutgoingMessage(Topics.OpenMHealth(patientId), OpenMHealthEncoder.Vitals(deviceId, samples, _temperatureUnit, samples[^1].Ts!.Value));
            case PayloadFormat.OpenMHealth:
                return null;
            case PayloadFormat.Fhir when samples.Count > 0:
                return new OutgoingMessage(Topics.Fhir(patientId), FhirBundleEncoder.Vitals(patientId, deviceId, samples, _temperatureUnit));
        }

        if (samples.Count == 0)
        {
            return null;
        }

        var message = new VitalsBatch { SchemaVersion = ContractVersion.V1, DeviceId = deviceId, Samples = samples };
        return new OutgoingMessage(
            Topics.Vitals(patientId), JsonSerializer.SerializeToUtf8Bytes(message, ContractJsonContext.Default.VitalsBatch));
    }

    /// <summary>FNV-1a over the stay's name, mixed with the seed: stable across runs and platforms, unlike string.GetHashCode.</summary>
    internal static int StaySeed(int seed, string name)
    {
        var hash = 2166136261u ^ unchecked((uint)seed);
        foreach (var c in name)
        {
            hash = unchecked((hash ^ c) * 16777619u);
        }

        return unchecked((int)hash);
    }

    private sealed class ReplayPatient(PhysioNetStay stay, int seed)
    {
        private readonly Random _random = new(seed);
        private readonly double[] _wander = new double[Noise.Length];

        public PhysioNetStay Stay { get; } = stay;

        public long Seconds { get; } = (long)stay.Hours.Count * SecondsPerHour;

        public long Batch { get; set; }

        /// <summary>The sample of second <paramref name="second"/> of the stay, or null when no sign was charted in its hour.</summary>
        public VitalsReading? Sample(long second, DateTimeOffset deviceStart)
        {
            var hour = (int)(second / SecondsPerHour);
            var row = Stay.Hours[hour];
            if (!row.Any)
            {
                return null;
            }

            var next = hour + 1 < Stay.Hours.Count ? Stay.Hours[hour + 1] : null;
            var fraction = (second % SecondsPerHour) / (double)SecondsPerHour;
            return new VitalsReading
            {
                Ts = deviceStart + TimeSpan.FromSeconds(second),
                HeartRate = Value(ReplaySign.HeartRate, row, next, fraction, 0),
                SpO2 = Value(ReplaySign.SpO2, row, next, fraction, 0),
                RespirationRate = Value(ReplaySign.RespirationRate, row, next, fraction, 0),
                TemperatureC = Value(ReplaySign.TemperatureC, row, next, fraction, 1),
                SystolicBp = Value(ReplaySign.SystolicBp, row, next, fraction, 0),
            };
        }

        private double? Value(ReplaySign sign, HourlyVitals row, HourlyVitals? next, double fraction, int decimals)
        {
            if (row[sign] is not { } value)
            {
                return null;
            }

            var trend = next?[sign] is { } nextValue ? value + ((nextValue - value) * fraction) : value;
            var s = (int)sign;
            var (slow, jitter) = Noise[s];
            _wander[s] = (_wander[s] * Persistence) + (Math.Sqrt(1 - (Persistence * Persistence)) * slow * Gaussian());
            var (min, max) = PhysioNetStay.PlausibleRanges[s];
            return Math.Round(Math.Clamp(trend + _wander[s] + (jitter * Gaussian()), min, max), decimals, MidpointRounding.AwayFromZero);
        }

        /// <summary>A standard normal draw (Box–Muller).</summary>
        private double Gaussian()
        {
            var u1 = 1.0 - _random.NextDouble();
            var u2 = _random.NextDouble();
            return Math.Sqrt(-2.0 * Math.Log(u1)) * Math.Cos(2.0 * Math.PI * u2);
        }
    }
}

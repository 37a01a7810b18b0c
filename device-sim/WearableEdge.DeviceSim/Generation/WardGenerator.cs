using System.Text.Json;
using WearableEdge.Contracts;
using WearableEdge.DeviceSim.Formats;
using WearableEdge.DeviceSim.Physiology;

namespace WearableEdge.DeviceSim.Generation;

/// <summary>
/// Generates the ward's messages in device time, without a broker. <see cref="AdvanceTo"/> yields
/// every message whose last sample falls before the target, ordered by (that sample's time,
/// patient, stream): the sequence depends only on the options and the device start, never on how
/// the run was cut into steps. The device's own troubles shape what is sent: off the body a
/// vitals message carries only the samples the sensor measured (none: no message); a dead
/// battery sends nothing (the samples are still generated, and lost, so the streams stay in
/// step); in a Bluetooth gap every message is held and, at the gap's end, all of them are
/// published at once, in their original order with their original device timestamps (a backfill).
/// Not thread-safe.
/// </summary>
internal sealed class WardGenerator
{
    /// <summary>Vitals sample interval: 1 Hz, as wearables report HR/RR (FACTS.md, "Wearable data rates").</summary>
    public static readonly TimeSpan VitalsInterval = TimeSpan.FromSeconds(1);

    /// <summary>Accelerometer rate, Hz (within the 25–200 Hz of FACTS.md, "Wearable data rates").</summary>
    public const int MotionRateHz = 50;

    /// <summary>Accelerometer samples per message: 0.5 s, inside FACTS.md's 0.25–1 s per message.</summary>
    public const int MotionBatchSize = 25;

    public static readonly TimeSpan MotionInterval = TimeSpan.FromTicks(TimeSpan.TicksPerSecond / MotionRateHz);

    public static readonly TimeSpan DeviceStatusInterval = TimeSpan.FromSeconds(60);

    private readonly List<VirtualPatient> _patients = [];
    private readonly PriorityQueue<Cursor, (long DueTicks, int Patient, Stream Stream)> _due = new();
    private readonly int _vitalsBatchSize;
    private readonly PayloadFormat _format;
    private readonly TemperatureUnit _temperatureUnit;
    private readonly Dictionary<int, List<OutgoingMessage>> _held = [];

    public WardGenerator(SimulationOptions options, DateTimeOffset deviceStart)
    {
        ArgumentNullException.ThrowIfNull(options);
        _vitalsBatchSize = options.VitalsBatchSize;
        _format = options.Format;
        _temperatureUnit = options.TemperatureUnit;
        DeviceStart = deviceStart;

        // One seed per patient, drawn in patient order from the ward seed: patient-003 is the same
        // patient in a ward of 3 and in a ward of 300.
        var seeds = new Random(options.Seed);
        for (var i = 0; i < options.Patients; i++)
        {
            _patients.Add(new VirtualPatient(Ward.PatientId(i), Ward.DeviceId(i), seeds.Next(), options.Events, deviceStart));
            Schedule(new Cursor(i, Stream.Vitals, 0));
            if (options.Motion)
            {
                Schedule(new Cursor(i, Stream.Motion, 0));
            }

            Schedule(new Cursor(i, Stream.Device, 0));
        }
    }

    private enum Stream
    {
        /// <summary>The release of a Bluetooth gap's held messages: before any live message due at the same time.</summary>
        Backfill = -1,
        Vitals,
        Motion,
        Device,
    }

    /// <summary>Device time of offset zero.</summary>
    public DateTimeOffset DeviceStart { get; }

    public IReadOnlyList<VirtualPatient> Patients => _patients;

    /// <summary>
    /// Yields, lazily, every message not yet yielded whose last sample was taken before
    /// <paramref name="elapsed"/> device time after <see cref="DeviceStart"/>.
    /// </summary>
    public IEnumerable<OutgoingMessage> AdvanceTo(TimeSpan elapsed)
    {
        while (_due.TryPeek(out var cursor, out var priority) && priority.DueTicks < elapsed.Ticks)
        {
            _due.Dequeue();
            if (cursor.Stream == Stream.Backfill)
            {
                if (_held.Remove(cursor.Patient, out var held))
                {
                    foreach (var backfilled in held)
                    {
                        yield return backfilled;
                    }
                }

                continue;
            }

            var message = Build(cursor);
            Schedule(cursor with { Batch = cursor.Batch + 1 });
            var patient = _patients[cursor.Patient];
            var lastSample = TimeSpan.FromTicks(priority.DueTicks);
            if (message is null || !patient.IsAlive(lastSample))
            {
                continue;
            }

            if (patient.GapEnd(lastSample) is { } gapEnd)
            {
                if (!_held.TryGetValue(cursor.Patient, out var buffer))
                {
                    buffer = [];
                    _held[cursor.Patient] = buffer;
                    _due.Enqueue(new Cursor(cursor.Patient, Stream.Backfill, 0), (gapEnd.Ticks, cursor.Patient, Stream.Backfill));
                }

                buffer.Add(message);
                continue;
            }

            yield return message;
        }
    }

    private void Schedule(Cursor cursor)
    {
        var lastSample = cursor.Stream switch
        {
            Stream.Vitals => Times(VitalsInterval, ((cursor.Batch + 1) * _vitalsBatchSize) - 1),
            Stream.Motion => Times(MotionInterval, ((cursor.Batch + 1) * MotionBatchSize) - 1),
            _ => Times(DeviceStatusInterval, cursor.Batch),
        };
        _due.Enqueue(cursor, (lastSample.Ticks, cursor.Patient, cursor.Stream));
    }

    private OutgoingMessage? Build(Cursor cursor)
    {
        var patient = _patients[cursor.Patient];
        return cursor.Stream switch
        {
            Stream.Vitals => Vitals(patient, cursor.Batch),
            Stream.Motion => Motion(patient, cursor.Batch),
            _ => Device(patient, cursor.Batch),
        };
    }

    private OutgoingMessage? Vitals(VirtualPatient patient, long batch)
    {
        var samples = new VitalsReading[_vitalsBatchSize];
        for (var i = 0; i < samples.Length; i++)
        {
            var offset = Times(VitalsInterval, (batch * _vitalsBatchSize) + i);
            samples[i] = patient.Vitals(offset, DeviceStart + offset);
        }

        // Off the body the optical sensor measures nothing: only measured samples are sent.
        samples = Array.FindAll(samples, s => s.HeartRate is not null || s.SpO2 is not null || s.RespirationRate is not null || s.TemperatureC is not null);
        if (samples.Length == 0)
        {
            return null;
        }

        // Created when its last sample is taken: the time the message becomes due.
        var created = samples[^1].Ts!.Value;
        switch (_format)
        {
            case PayloadFormat.OpenMHealth:
                return new OutgoingMessage(
                    Topics.OpenMHealth(patient.PatientId), OpenMHealthEncoder.Vitals(patient.DeviceId, samples, _temperatureUnit, created));
            case PayloadFormat.Fhir:
                return new OutgoingMessage(
                    Topics.Fhir(patient.PatientId), FhirBundleEncoder.Vitals(patient.PatientId, patient.DeviceId, samples, _temperatureUnit));
        }

        var message = new VitalsBatch { SchemaVersion = ContractVersion.V1, DeviceId = patient.DeviceId, Samples = samples };
        return new OutgoingMessage(
            Topics.Vitals(patient.PatientId), JsonSerializer.SerializeToUtf8Bytes(message, ContractJsonContext.Default.VitalsBatch));
    }

    private OutgoingMessage Motion(VirtualPatient patient, long batch)
    {
        double[] x = new double[MotionBatchSize], y = new double[MotionBatchSize], z = new double[MotionBatchSize];
        patient.Motion(x, y, z);
        var ts = DeviceStart + Times(MotionInterval, batch * MotionBatchSize);
        if (_format == PayloadFormat.OpenMHealth)
        {
            var created = ts + Times(MotionInterval, MotionBatchSize - 1);
            return new OutgoingMessage(
                Topics.OpenMHealth(patient.PatientId), OpenMHealthEncoder.Acceleration(patient.DeviceId, ts, MotionRateHz, x, y, z, created));
        }

        var message = new MotionBatch
        {
            SchemaVersion = ContractVersion.V1,
            DeviceId = patient.DeviceId,
            Ts = ts,
            SampleRateHz = MotionRateHz,
            X = x,
            Y = y,
            Z = z,
        };
        return new OutgoingMessage(
            Topics.Motion(patient.PatientId), JsonSerializer.SerializeToUtf8Bytes(message, ContractJsonContext.Default.MotionBatch));
    }

    private OutgoingMessage Device(VirtualPatient patient, long batch)
    {
        var offset = Times(DeviceStatusInterval, batch);
        var (battery, quality) = patient.Device(offset);
        var message = new DeviceStatus
        {
            SchemaVersion = ContractVersion.V1,
            DeviceId = patient.DeviceId,
            Ts = DeviceStart + offset,
            BatteryPercent = battery,
            WearStatus = patient.IsWorn(offset) ? WearStatus.On : WearStatus.Off,
            SignalQuality = quality,
        };
        return new OutgoingMessage(
            Topics.Device(patient.PatientId), JsonSerializer.SerializeToUtf8Bytes(message, ContractJsonContext.Default.DeviceStatus));
    }

    /// <summary>Exact in ticks, unlike TimeSpan × double.</summary>
    private static TimeSpan Times(TimeSpan interval, long count) => TimeSpan.FromTicks(interval.Ticks * count);

    /// <summary>The next batch of one stream of one patient.</summary>
    private readonly record struct Cursor(int Patient, Stream Stream, long Batch);
}

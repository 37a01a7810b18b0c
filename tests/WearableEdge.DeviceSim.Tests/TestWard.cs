using System.Text.Json;
using WearableEdge.Clinical.Samples;
using WearableEdge.Clinical.Scoring;
using WearableEdge.Contracts;
using WearableEdge.DeviceSim.Generation;

namespace WearableEdge.DeviceSim.Tests;

/// <summary>Builds seeded wards and reads their generated messages back through the contract.</summary>
internal static class TestWard
{
    public static readonly DateTimeOffset Start = new(2025, 3, 1, 8, 0, 0, TimeSpan.Zero);

    public static SimulationOptions Options(int patients = 8, int seed = 42, params ScenarioEvent[] events) => new()
    {
        Broker = new Uri("mqtt://127.0.0.1:1883"),
        Patients = patients,
        Seed = seed,
        Events = events,
        DeviceStart = Start,
    };

    public static List<OutgoingMessage> Generate(SimulationOptions options, TimeSpan until) =>
        new WardGenerator(options, Start).AdvanceTo(until).ToList();

    public static string Patient(int number) => $"patient-{number:D3}";

    /// <summary>Every vitals sample of one patient, in message order.</summary>
    public static List<VitalsReading> Vitals(IEnumerable<OutgoingMessage> messages, string patientId) =>
        messages
            .Where(m => m.Topic == Topics.Vitals(patientId))
            .SelectMany(m => JsonSerializer.Deserialize(m.Payload, ContractJsonContext.Default.VitalsBatch)!.Samples)
            .ToList();

    /// <summary>Every accelerometer sample of one patient, g, in message order.</summary>
    public static (float[] X, float[] Y, float[] Z) Motion(IEnumerable<OutgoingMessage> messages, string patientId)
    {
        var batches = messages
            .Where(m => m.Topic == Topics.Motion(patientId))
            .Select(m => JsonSerializer.Deserialize(m.Payload, ContractJsonContext.Default.MotionBatch)!)
            .ToList();
        return (
            [.. batches.SelectMany(b => b.X).Select(v => (float)v)],
            [.. batches.SelectMany(b => b.Y).Select(v => (float)v)],
            [.. batches.SelectMany(b => b.Z).Select(v => (float)v)]);
    }

    /// <summary>The mean of each sign over the minute starting <paramref name="from"/> after the start, as the service's window does.</summary>
    public static VitalSigns MinuteMean(IEnumerable<VitalsReading> samples, TimeSpan from)
    {
        var inMinute = samples.Where(s => s.Ts >= Start + from && s.Ts < Start + from + TimeSpan.FromMinutes(1)).ToList();
        double? Mean(Func<VitalsReading, double?> value)
        {
            var values = inMinute.Select(value).OfType<double>().ToList();
            return values.Count > 0 ? values.Average() : null;
        }

        return new VitalSigns(
            Mean(s => s.HeartRate), Mean(s => s.SpO2), Mean(s => s.RespirationRate), Mean(s => s.TemperatureC), Mean(s => s.SystolicBp));
    }

    public static News2Score MinuteScore(IEnumerable<VitalsReading> samples, TimeSpan from) => News2.Score(MinuteMean(samples, from));
}

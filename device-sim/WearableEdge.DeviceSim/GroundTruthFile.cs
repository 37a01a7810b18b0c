using System.Text.Json;
using WearableEdge.DeviceSim.Generation;

namespace WearableEdge.DeviceSim;

/// <summary>
/// The scenario's ground truth, for scoring the edge service's alerts: one JSON object per line,
/// <c>{"patientId","deviceId","event","onset","end","seed","source"}</c>, onset and end in device
/// time (ISO 8601, UTC), source <c>scenario</c>. First one <c>monitored</c> line per simulated
/// patient (onset = the start, end = the start + the run's duration; no <c>end</c> when the run
/// has no duration), then one line per scripted event by onset, <c>event</c> one of
/// <see cref="ScenarioKindNames"/> (for a fall, onset = the impact and end = when the patient
/// starts to get up). device-sim/README.md lists what each event's onset and end mean.
/// </summary>
internal static class GroundTruthFile
{
    /// <summary>The <c>source</c> of every line the simulator writes (PhysioNet replay writes <c>physionet</c>).</summary>
    public const string Source = "scenario";

    public static async Task WriteAsync(string path, SimulationOptions options, DateTimeOffset deviceStart, CancellationToken cancellationToken)
    {
        var stream = new FileStream(path, FileMode.Create, FileAccess.Write, FileShare.Read);
        await using (stream.ConfigureAwait(false))
        {
            for (var i = 0; i < options.Patients; i++)
            {
                await stream.WriteAsync(MonitoredLine(i, options.Seed, deviceStart, options.Duration), cancellationToken).ConfigureAwait(false);
            }

            foreach (var scenarioEvent in options.Events.OrderBy(e => e.Onset).ThenBy(e => e.PatientId, StringComparer.Ordinal))
            {
                await stream.WriteAsync(Line(scenarioEvent, options.Seed, deviceStart), cancellationToken).ConfigureAwait(false);
            }

            await stream.FlushAsync(cancellationToken).ConfigureAwait(false);
        }
    }

    public static byte[] Line(ScenarioEvent scenarioEvent, int seed, DateTimeOffset deviceStart)
    {
        var index = Ward.PatientIndex(scenarioEvent.PatientId) ?? throw new ArgumentException("Not a ward patient id.", nameof(scenarioEvent));
        var start = deviceStart.ToUniversalTime();
        return Write(scenarioEvent.PatientId, Ward.DeviceId(index), ScenarioKindNames.Name(scenarioEvent.Kind), start + scenarioEvent.Onset, start + scenarioEvent.End, seed);
    }

    /// <summary>The <c>monitored</c> line of the patient at <paramref name="patientIndex"/>: the span the run covers.</summary>
    public static byte[] MonitoredLine(int patientIndex, int seed, DateTimeOffset deviceStart, TimeSpan? duration)
    {
        var start = deviceStart.ToUniversalTime();
        return Write(Ward.PatientId(patientIndex), Ward.DeviceId(patientIndex), ScenarioKindNames.Monitored, start, start + duration, seed);
    }

    /// <summary>The event's name in ground truth and on the command line.</summary>
    public static string KindName(ScenarioKind kind) => ScenarioKindNames.Name(kind);

    private static byte[] Write(string patientId, string deviceId, string name, DateTimeOffset onset, DateTimeOffset? end, int seed)
    {
        using var buffer = new MemoryStream();
        using (var writer = new Utf8JsonWriter(buffer))
        {
            writer.WriteStartObject();
            writer.WriteString("patientId", patientId);
            writer.WriteString("deviceId", deviceId);
            writer.WriteString("event", name);
            writer.WriteString("onset", onset);
            if (end is { } e)
            {
                writer.WriteString("end", e);
            }

            writer.WriteNumber("seed", seed);
            writer.WriteString("source", Source);
            writer.WriteEndObject();
        }

        buffer.WriteByte((byte)'\n');
        return buffer.ToArray();
    }
}

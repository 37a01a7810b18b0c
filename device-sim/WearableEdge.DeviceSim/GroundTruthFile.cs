using System.Text.Json;
using WearableEdge.DeviceSim.Generation;

namespace WearableEdge.DeviceSim;

/// <summary>
/// The scenario's ground truth, for scoring the edge service's alerts: one JSON object per line,
/// <c>{"patientId","deviceId","event","onset","end","seed"}</c>, onset and end in device time
/// (ISO 8601, UTC), event <c>deterioration</c>, <c>desaturation</c> or <c>fall</c> (onset = the impact,
/// end = when the patient starts to get up).
/// </summary>
internal static class GroundTruthFile
{
    public static async Task WriteAsync(string path, SimulationOptions options, DateTimeOffset deviceStart, CancellationToken cancellationToken)
    {
        var stream = new FileStream(path, FileMode.Create, FileAccess.Write, FileShare.Read);
        await using (stream.ConfigureAwait(false))
        {
            foreach (var scenarioEvent in options.Events.OrderBy(e => e.Onset).ThenBy(e => e.PatientId, StringComparer.Ordinal))
            {
                await stream.WriteAsync(Line(scenarioEvent, options.Seed, deviceStart), cancellationToken).ConfigureAwait(false);
            }

            await stream.FlushAsync(cancellationToken).ConfigureAwait(false);
        }
    }

    public static byte[] Line(ScenarioEvent scenarioEvent, int seed, DateTimeOffset deviceStart)
    {
        using var buffer = new MemoryStream();
        using (var writer = new Utf8JsonWriter(buffer))
        {
            var start = deviceStart.ToUniversalTime();
            writer.WriteStartObject();
            writer.WriteString("patientId", scenarioEvent.PatientId);
            writer.WriteString("deviceId", Ward.DeviceId(Ward.PatientIndex(scenarioEvent.PatientId) ?? throw new ArgumentException("Not a ward patient id.", nameof(scenarioEvent))));
            writer.WriteString("event", KindName(scenarioEvent.Kind));
            writer.WriteString("onset", start + scenarioEvent.Onset);
            writer.WriteString("end", start + scenarioEvent.End);
            writer.WriteNumber("seed", seed);
            writer.WriteEndObject();
        }

        buffer.WriteByte((byte)'\n');
        return buffer.ToArray();
    }

    /// <summary>The event's name in ground truth and on the command line.</summary>
    public static string KindName(ScenarioKind kind) => kind switch
    {
        ScenarioKind.Deterioration => "deterioration",
        ScenarioKind.Desaturation => "desaturation",
        ScenarioKind.Fall => "fall",
        _ => throw new ArgumentOutOfRangeException(nameof(kind), kind, null),
    };
}

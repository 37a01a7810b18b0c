using System.Globalization;
using System.Text.Json;

namespace WearableEdge.Evaluation.Scenarios;

/// <summary>
/// One line of the simulator's ground truth (plan contract 1): an event a patient had, with its
/// onset and end in device time, or a <c>monitored</c> line giving the span a patient was streamed.
/// </summary>
/// <param name="PatientId">The patient, for example <c>patient-003</c>.</param>
/// <param name="Kind">Kebab-case event name, for example <c>fall</c>, or <see cref="GroundTruth.MonitoredKind"/>.</param>
/// <param name="Onset">Device time of the onset (for a fall, the impact; for PhysioNet sepsis, the Sepsis-3 onset).</param>
/// <param name="End">Device time the event ended (recovery begins).</param>
/// <param name="Source"><c>scenario</c> (default) or <c>physionet</c>.</param>
public sealed record TruthEvent(string PatientId, string Kind, DateTimeOffset Onset, DateTimeOffset End, string Source = GroundTruth.ScenarioSource)
{
    /// <summary>True for a replayed PhysioNet patient's line.</summary>
    public bool IsPhysioNet => Source == GroundTruth.PhysioNetSource;
}

/// <summary>The ground-truth file, split into events and monitored spans.</summary>
/// <param name="Events">Every line but the monitored ones, in file order.</param>
/// <param name="Monitored">The <c>monitored</c> lines: one per patient, the span of its data.</param>
public sealed record GroundTruth(IReadOnlyList<TruthEvent> Events, IReadOnlyList<TruthEvent> Monitored)
{
    /// <summary>Event name of a line that only says which span of device time a patient was streamed.</summary>
    public const string MonitoredKind = "monitored";

    public const string ScenarioSource = "scenario";

    public const string PhysioNetSource = "physionet";

    /// <summary>Reads a JSONL ground-truth file; blank lines are skipped.</summary>
    /// <exception cref="FormatException">A line is not a ground-truth object; the message names the line.</exception>
    public static GroundTruth Read(string path) => Parse(File.ReadLines(path));

    /// <summary>Parses ground-truth lines; see <see cref="Read"/>.</summary>
    /// <param name="lines">The file's lines.</param>
    public static GroundTruth Parse(IEnumerable<string> lines)
    {
        ArgumentNullException.ThrowIfNull(lines);
        var events = new List<TruthEvent>();
        var monitored = new List<TruthEvent>();
        var number = 0;
        foreach (var line in lines)
        {
            number++;
            if (string.IsNullOrWhiteSpace(line))
            {
                continue;
            }

            TruthEvent parsed;
            try
            {
                using var document = JsonDocument.Parse(line);
                var root = document.RootElement;
                var source = root.TryGetProperty("source", out var s) && s.ValueKind == JsonValueKind.String ? s.GetString()! : ScenarioSource;
                parsed = new TruthEvent(
                    root.GetProperty("patientId").GetString() ?? throw new FormatException("patientId is null"),
                    root.GetProperty("event").GetString() ?? throw new FormatException("event is null"),
                    Time(root, "onset"),
                    Time(root, "end"),
                    source);
            }
            catch (Exception e) when (e is JsonException or KeyNotFoundException or InvalidOperationException or FormatException)
            {
                throw new FormatException($"ground truth line {number.ToString(CultureInfo.InvariantCulture)}: {e.Message}", e);
            }

            (parsed.Kind == MonitoredKind ? monitored : events).Add(parsed);
        }

        return new GroundTruth(events, monitored);
    }

    private static DateTimeOffset Time(JsonElement root, string name) =>
        DateTimeOffset.Parse(root.GetProperty(name).GetString() ?? throw new FormatException($"{name} is null"), CultureInfo.InvariantCulture, DateTimeStyles.AssumeUniversal);
}

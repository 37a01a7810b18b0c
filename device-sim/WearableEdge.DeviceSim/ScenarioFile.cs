using System.Globalization;
using System.Text.Json;
using WearableEdge.DeviceSim.CommandLine;
using WearableEdge.DeviceSim.Generation;

namespace WearableEdge.DeviceSim;

/// <summary>
/// Parses a scenario file (JSON; <c>//</c> and <c>/* */</c> comments allowed) into a
/// <see cref="ScenarioSet"/>, checking every field. Every problem is reported, each with the
/// line and the field (<c>events[2].kind</c>); unknown fields are problems, so a typo never
/// silently drops an event. The schema is in device-sim/README.md, "Scenario files".
/// </summary>
internal static class ScenarioFile
{
    private static readonly string[] TopFields = ["name", "description", "patients", "seed", "duration", "events"];
    private static readonly string[] EventFields = ["patient", "kind", "onset", "duration", "ramp", "deadFor"];

    private static readonly JsonDocumentOptions DocumentOptions = new()
    {
        CommentHandling = JsonCommentHandling.Skip,
        AllowTrailingCommas = false,
        MaxDepth = 16,
    };

    public static ScenarioSet Parse(byte[] utf8, string file, string defaultName)
    {
        JsonDocument document;
        try
        {
            document = JsonDocument.Parse(utf8, DocumentOptions);
        }
        catch (JsonException e)
        {
            var line = e.LineNumber is { } l ? (int)l + 1 : (int?)null;
            throw new ScenarioFileException($"not valid JSON: {FirstSentence(e.Message)}", file, line, null);
        }

        using (document)
        {
            var lines = LineMap(utf8);
            var problems = new List<(int? Line, string? Field, string Problem)>();
            void Problem(string field, string problem) => problems.Add((lines.GetValueOrDefault(field), field, problem));

            var root = document.RootElement;
            if (root.ValueKind != JsonValueKind.Object)
            {
                throw new ScenarioFileException("a scenario file is one JSON object: {\"patients\": …, \"events\": […]}.", file, 1, null);
            }

            foreach (var property in root.EnumerateObject().Where(p => !TopFields.Contains(p.Name)))
            {
                Problem(property.Name, $"unknown field; a scenario has {string.Join(", ", TopFields)}.");
            }

            var name = OptionalString(root, "name", Problem) ?? defaultName;
            var description = OptionalString(root, "description", Problem);
            var patients = 0;
            if (!root.TryGetProperty("patients", out var patientsElement))
            {
                problems.Add((null, "patients", "required: the number of patients, 1–9999."));
            }
            else if (patientsElement.ValueKind != JsonValueKind.Number || !patientsElement.TryGetInt32(out patients) || patients is < 1 or > Ward.MaxPatients)
            {
                Problem("patients", $"must be an integer 1–{Ward.MaxPatients}, not {patientsElement.GetRawText()}.");
            }

            int? seed = null;
            if (root.TryGetProperty("seed", out var seedElement))
            {
                if (seedElement.ValueKind == JsonValueKind.Number && seedElement.TryGetInt32(out var parsedSeed))
                {
                    seed = parsedSeed;
                }
                else
                {
                    Problem("seed", $"must be a 32-bit integer, not {seedElement.GetRawText()}.");
                }
            }

            TimeSpan? duration = null;
            if (root.TryGetProperty("duration", out var durationElement))
            {
                duration = Duration(durationElement, "duration", positive: true, Problem);
            }

            var events = new List<ScenarioEvent>();
            if (!root.TryGetProperty("events", out var eventsElement))
            {
                problems.Add((null, "events", "required: an array of events (it may be empty)."));
            }
            else if (eventsElement.ValueKind != JsonValueKind.Array)
            {
                Problem("events", "must be an array of events.");
            }
            else
            {
                var index = 0;
                foreach (var element in eventsElement.EnumerateArray())
                {
                    if (Event(element, $"events[{index}]", patients, duration, Problem) is { } scenarioEvent)
                    {
                        events.Add(scenarioEvent);
                    }

                    index++;
                }
            }

            if (problems.Count > 0)
            {
                var (line, field, problem) = problems[0];
                var all = problems.Select(p => new ScenarioFileException(p.Problem, file, p.Line, p.Field).Message);
                throw new ScenarioFileException(
                    problems.Count == 1 ? problem : $"{problem}\n{string.Join("\n", all.Skip(1))}", file, line, field);
            }

            return new ScenarioSet(name, description, patients, seed, duration, events);
        }
    }

    private static ScenarioEvent? Event(JsonElement element, string path, int patients, TimeSpan? scenarioDuration, Action<string, string> problem)
    {
        if (element.ValueKind != JsonValueKind.Object)
        {
            problem(path, "each event is an object: {\"patient\", \"kind\", \"onset\", \"duration\"}.");
            return null;
        }

        foreach (var property in element.EnumerateObject().Where(p => !EventFields.Contains(p.Name)))
        {
            problem($"{path}.{property.Name}", $"unknown field; an event has {string.Join(", ", EventFields)}.");
        }

        var ok = true;
        var patient = OptionalString(element, "patient", (f, p) => problem($"{path}.{f}", p));
        if (patient is null)
        {
            problem(path, "patient is required, for example \"patient-003\".");
            ok = false;
        }
        else if (Ward.PatientIndex(patient) is not { } index)
        {
            problem($"{path}.patient", $"must be a ward id such as patient-003, not '{patient}'.");
            ok = false;
        }
        else if (patients > 0 && index >= patients)
        {
            problem($"{path}.patient", $"{patient} is not one of the scenario's {patients} patients.");
            ok = false;
        }

        var kindName = OptionalString(element, "kind", (f, p) => problem($"{path}.{f}", p));
        var kind = ScenarioKindNames.Parse(kindName);
        if (kindName is null)
        {
            problem(path, "kind is required.");
            ok = false;
        }
        else if (kind is null)
        {
            problem($"{path}.kind", $"unknown kind '{kindName}'; one of {string.Join(", ", ScenarioKindNames.All.Select(k => k.Name))}.");
            ok = false;
        }

        TimeSpan? Field(string field, bool positive, bool required)
        {
            if (element.TryGetProperty(field, out var value))
            {
                var parsed = Duration(value, $"{path}.{field}", positive, problem);
                ok &= parsed is not null;
                return parsed;
            }

            if (required)
            {
                problem(path, $"{field} is required, a duration such as 90s, 10m or 2h.");
                ok = false;
            }

            return null;
        }

        var onset = Field("onset", positive: false, required: true);
        var duration = Field("duration", positive: true, required: true);
        var ramp = Field("ramp", positive: false, required: false);
        var deadFor = Field("deadFor", positive: true, required: false);
        if (kind is { } k && ramp is not null && !Physiology.EventEffect.IsPhysiological(k))
        {
            problem($"{path}.ramp", $"a {kindName} event takes no ramp.");
            ok = false;
        }

        if (kind is { } d && deadFor is not null && d != ScenarioKind.BatteryDrain)
        {
            problem($"{path}.deadFor", "only a battery-drain event has deadFor.");
            ok = false;
        }

        if (scenarioDuration is { } runFor && onset is { } start && duration is { } length && start + length > runFor)
        {
            problem($"{path}.duration", $"the event ends at {DurationTextOf(start + length)}, after the scenario's duration {DurationTextOf(runFor)}.");
            ok = false;
        }

        return ok ? new ScenarioEvent(patient!, kind!.Value, onset!.Value, duration!.Value) { Ramp = ramp, DeadFor = deadFor } : null;
    }

    private static TimeSpan? Duration(JsonElement value, string field, bool positive, Action<string, string> problem)
    {
        if (value.ValueKind == JsonValueKind.String && DurationText.TryParse(value.GetString()!, out var parsed) && (!positive || parsed > TimeSpan.Zero))
        {
            return parsed;
        }

        problem(field, $"must be a duration{(positive ? " above 0" : "")} such as 500ms, 90s, 10m, 2h or 1h30m (a string), not {value.GetRawText()}.");
        return null;
    }

    private static string? OptionalString(JsonElement element, string field, Action<string, string> problem)
    {
        if (!element.TryGetProperty(field, out var value))
        {
            return null;
        }

        if (value.ValueKind == JsonValueKind.String)
        {
            return value.GetString();
        }

        problem(field, $"must be a string, not {value.GetRawText()}.");
        return null;
    }

    private static string DurationTextOf(TimeSpan duration) =>
        duration.TotalHours >= 1 ? $"{(int)duration.TotalHours}h{duration.Minutes:00}m" : duration.TotalMinutes >= 1 ? $"{(int)duration.TotalMinutes}m{duration.Seconds:00}s" : $"{duration.TotalSeconds.ToString(CultureInfo.InvariantCulture)}s";

    private static string FirstSentence(string message)
    {
        var cut = message.IndexOf(" Path:", StringComparison.Ordinal);
        return cut > 0 ? message[..cut] : message;
    }

    /// <summary>The 1-based line of every field and array item, by path (<c>events[2].kind</c>), from the token positions.</summary>
    private static Dictionary<string, int> LineMap(byte[] utf8)
    {
        var lines = new Dictionary<string, int>(StringComparer.Ordinal);
        var reader = new Utf8JsonReader(utf8, new JsonReaderOptions { CommentHandling = JsonCommentHandling.Skip, MaxDepth = 16 });
        var stack = new Stack<(string Path, bool IsArray, int Index, string? Property)>();
        var line = 1;
        long counted = 0;
        int LineAt(long position)
        {
            for (; counted < position && counted < utf8.Length; counted++)
            {
                if (utf8[counted] == (byte)'\n')
                {
                    line++;
                }
            }

            return line;
        }

        string ValuePath()
        {
            if (stack.Count == 0)
            {
                return "";
            }

            var top = stack.Pop();
            string path;
            if (top.IsArray)
            {
                path = $"{top.Path}[{top.Index}]";
                top.Index++;
            }
            else
            {
                path = top.Path.Length == 0 ? top.Property ?? "" : $"{top.Path}.{top.Property}";
            }

            stack.Push(top);
            return path;
        }

        while (reader.Read())
        {
            var at = LineAt(reader.TokenStartIndex);
            switch (reader.TokenType)
            {
                case JsonTokenType.PropertyName:
                    var top = stack.Pop();
                    top.Property = reader.GetString();
                    stack.Push(top);
                    lines.TryAdd(top.Path.Length == 0 ? top.Property ?? "" : $"{top.Path}.{top.Property}", at);
                    break;
                case JsonTokenType.StartObject:
                case JsonTokenType.StartArray:
                    var path = ValuePath();
                    lines.TryAdd(path, at);
                    stack.Push((path, reader.TokenType == JsonTokenType.StartArray, 0, null));
                    break;
                case JsonTokenType.EndObject:
                case JsonTokenType.EndArray:
                    stack.Pop();
                    break;
                default:
                    lines.TryAdd(ValuePath(), at);
                    break;
            }
        }

        return lines;
    }
}

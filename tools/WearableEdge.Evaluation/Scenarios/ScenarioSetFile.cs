using System.Globalization;
using System.Text.Json;

namespace WearableEdge.Evaluation.Scenarios;

/// <summary>
/// A scenario set as the harness needs it: what to pass to the simulator's <c>--scenario</c>, and the
/// patients and device-time duration (plan contract 2), for the simulator's <c>--duration</c> and the
/// patient-days when the ground truth has no monitored lines.
/// </summary>
/// <param name="Name">Set name, for the report.</param>
/// <param name="Argument">Value of the simulator's <c>--scenario</c>: a built-in name or a file path.</param>
/// <param name="Patients">Patients of the set.</param>
/// <param name="Duration">Device time it runs.</param>
public sealed record ScenarioSetFile(string Name, string Argument, int Patients, TimeSpan Duration)
{
    /// <summary>The file's description, if it has one.</summary>
    public string? Description { get; init; }

    /// <summary>The built-in demo: 8 patients, events within the first 31 min (device-sim Scenarios.Demo); run for 35 min.</summary>
    public static ScenarioSetFile Demo { get; } = new("demo", "demo", 8, TimeSpan.FromMinutes(35))
    {
        Description = "The simulator's built-in demo: patient-002 desaturates 15 s in for 4 min, patient-005 deteriorates from 20 s in for 30 min, patient-003 falls 40 s in and stays down 2 min.",
    };

    /// <summary>
    /// <c>demo</c>, a file path, or the name of a file shipped in <c>device-sim/scenarios/NAME.json</c> under <paramref name="repositoryRoot"/>.
    /// </summary>
    /// <param name="nameOrPath">The <c>--set</c> value.</param>
    /// <param name="repositoryRoot">Folder holding <c>device-sim/scenarios</c>; null if unknown.</param>
    /// <exception cref="FileNotFoundException">Neither a built-in name, a file nor a shipped set.</exception>
    /// <exception cref="FormatException">The file lacks patients or duration.</exception>
    public static ScenarioSetFile Resolve(string nameOrPath, string? repositoryRoot)
    {
        ArgumentException.ThrowIfNullOrWhiteSpace(nameOrPath);
        if (nameOrPath == Demo.Name)
        {
            return Demo;
        }

        var path = File.Exists(nameOrPath) ? Path.GetFullPath(nameOrPath)
            : repositoryRoot is not null && File.Exists(Path.Combine(repositoryRoot, "device-sim", "scenarios", nameOrPath + ".json"))
                ? Path.Combine(repositoryRoot, "device-sim", "scenarios", nameOrPath + ".json")
                : throw new FileNotFoundException($"--set {nameOrPath}: not 'demo', not a file, and not a set shipped in device-sim/scenarios/.", nameOrPath);
        return Parse(File.ReadAllText(path), path);
    }

    /// <summary>Reads name, patients and duration of a scenario file.</summary>
    /// <param name="json">The file's text.</param>
    /// <param name="path">The file's path (the simulator's <c>--scenario</c> value).</param>
    public static ScenarioSetFile Parse(string json, string path)
    {
        using var document = JsonDocument.Parse(json);
        var root = document.RootElement;
        var name = root.TryGetProperty("name", out var n) && n.ValueKind == JsonValueKind.String ? n.GetString()! : Path.GetFileNameWithoutExtension(path);
        if (!root.TryGetProperty("patients", out var p) || !p.TryGetInt32(out var patients) || patients < 1)
        {
            throw new FormatException($"{path}: 'patients' must be a whole number above 0.");
        }

        if (!root.TryGetProperty("duration", out var d) || d.ValueKind != JsonValueKind.String || !TryParseDuration(d.GetString()!, out var duration) || duration <= TimeSpan.Zero)
        {
            throw new FormatException($"{path}: 'duration' must be a duration such as 24h or 1h30m.");
        }

        var description = root.TryGetProperty("description", out var text) && text.ValueKind == JsonValueKind.String ? text.GetString() : null;
        return new ScenarioSetFile(name, path, patients, duration) { Description = description };
    }

    /// <summary>The simulator's duration text: <c>500ms</c>, <c>90s</c>, <c>10m</c>, <c>2h</c>, <c>1d</c>, <c>1h30m</c>.</summary>
    /// <param name="text">The text.</param>
    /// <param name="duration">The duration, when it parses.</param>
    public static bool TryParseDuration(string text, out TimeSpan duration)
    {
        duration = TimeSpan.Zero;
        if (string.IsNullOrEmpty(text))
        {
            return false;
        }

        var i = 0;
        while (i < text.Length)
        {
            var start = i;
            while (i < text.Length && (char.IsAsciiDigit(text[i]) || text[i] == '.'))
            {
                i++;
            }

            var unitStart = i;
            while (i < text.Length && char.IsAsciiLetter(text[i]))
            {
                i++;
            }

            if (unitStart == start || !double.TryParse(text.AsSpan(start, unitStart - start), NumberStyles.AllowDecimalPoint, CultureInfo.InvariantCulture, out var number))
            {
                return false;
            }

            TimeSpan? part = text[unitStart..i] switch
            {
                "ms" => TimeSpan.FromMilliseconds(number),
                "s" => TimeSpan.FromSeconds(number),
                "m" => TimeSpan.FromMinutes(number),
                "h" => TimeSpan.FromHours(number),
                "d" => TimeSpan.FromDays(number),
                _ => null,
            };
            if (part is null)
            {
                return false;
            }

            duration += part.Value;
        }

        return true;
    }

    /// <summary>A duration in the simulator's text form, whole seconds: <c>2h</c>, <c>35m</c>, <c>1h30m</c>, <c>90s</c>.</summary>
    /// <param name="duration">Positive duration.</param>
    public static string Format(TimeSpan duration)
    {
        var seconds = (long)Math.Ceiling(duration.TotalSeconds);
        var text = "";
        if (seconds >= 3600)
        {
            text += (seconds / 3600).ToString(CultureInfo.InvariantCulture) + "h";
            seconds %= 3600;
        }

        if (seconds >= 60)
        {
            text += (seconds / 60).ToString(CultureInfo.InvariantCulture) + "m";
            seconds %= 60;
        }

        if (seconds > 0 || text.Length == 0)
        {
            text += seconds.ToString(CultureInfo.InvariantCulture) + "s";
        }

        return text;
    }
}

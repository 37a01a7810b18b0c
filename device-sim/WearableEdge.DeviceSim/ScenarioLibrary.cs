namespace WearableEdge.DeviceSim;

/// <summary>A named set of scripted events for a ward: a built-in scenario or a scenario file (device-sim/README.md, "Scenario files").</summary>
/// <param name="Name">The scenario's name, for example <c>falls</c>.</param>
/// <param name="Description">What it shows and how long it takes to run; null if the file gives none.</param>
/// <param name="Patients">Ward size it is written for (every event's patient is one of them).</param>
/// <param name="Seed">The seed it is meant to run with; null: the simulator's default.</param>
/// <param name="Duration">Device time it is meant to run for; null: until stopped.</param>
/// <param name="Events">The scripted events.</param>
public sealed record ScenarioSet(string Name, string? Description, int Patients, int? Seed, TimeSpan? Duration, IReadOnlyList<ScenarioEvent> Events);

/// <summary>
/// Finds scenarios by name or path: the built-in <c>demo</c>, the files shipped in the
/// simulator's <c>scenarios</c> folder (device-sim/scenarios/*.json, copied next to the
/// simulator), or any scenario file a user wrote.
/// </summary>
public static class ScenarioLibrary
{
    /// <summary>The folder of the shipped scenario files: <c>scenarios</c> next to the simulator's assembly.</summary>
    public static string Folder => Path.Combine(AppContext.BaseDirectory, "scenarios");

    /// <summary>The built-in <see cref="Scenarios.Demo"/> as a set.</summary>
    public static ScenarioSet Demo { get; } = new(
        Scenarios.DemoName,
        "The edge service's demo: a desaturation, a deterioration and a fall in a ward of 8.",
        Scenarios.DemoPatients,
        Seed: null,
        Duration: null,
        Scenarios.Demo);

    /// <summary>Names <see cref="Resolve"/> knows without a path: <c>demo</c> and each shipped file's name, sorted.</summary>
    public static IReadOnlyList<string> Names()
    {
        var shipped = Directory.Exists(Folder)
            ? Directory.EnumerateFiles(Folder, "*.json").Select(f => Path.GetFileNameWithoutExtension(f)!)
            : [];
        return [Scenarios.DemoName, .. shipped.Where(n => n != Scenarios.DemoName).Order(StringComparer.Ordinal)];
    }

    /// <summary>
    /// The scenario <paramref name="nameOrPath"/> names: <c>demo</c>; a shipped file's name
    /// (<c>falls</c> for <c>scenarios/falls.json</c>); or the path of a scenario file.
    /// </summary>
    /// <exception cref="ScenarioFileException">Unknown name, missing file, or a file that is not a valid scenario; the message names the file, line and field.</exception>
    public static ScenarioSet Resolve(string nameOrPath)
    {
        ArgumentException.ThrowIfNullOrWhiteSpace(nameOrPath);
        if (nameOrPath == Scenarios.DemoName)
        {
            return Demo;
        }

        var looksLikePath = nameOrPath.Contains('/', StringComparison.Ordinal)
            || nameOrPath.Contains(Path.DirectorySeparatorChar, StringComparison.Ordinal)
            || nameOrPath.EndsWith(".json", StringComparison.OrdinalIgnoreCase);
        if (File.Exists(nameOrPath) || looksLikePath)
        {
            return Load(nameOrPath);
        }

        var shipped = Path.Combine(Folder, nameOrPath + ".json");
        if (IsPlainName(nameOrPath) && File.Exists(shipped))
        {
            return Load(shipped);
        }

        throw new ScenarioFileException(
            $"unknown scenario '{nameOrPath}': give a file path or one of {string.Join(", ", Names())}.", nameOrPath, null, null);
    }

    /// <summary>Reads and validates the scenario file at <paramref name="path"/>.</summary>
    /// <exception cref="ScenarioFileException">The file is missing or not a valid scenario.</exception>
    public static ScenarioSet Load(string path)
    {
        ArgumentException.ThrowIfNullOrWhiteSpace(path);
        byte[] bytes;
        try
        {
            bytes = File.ReadAllBytes(path);
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException)
        {
            throw new ScenarioFileException($"cannot read the scenario file: {e.Message}", path, null, null);
        }

        return ScenarioFile.Parse(bytes, path, Path.GetFileNameWithoutExtension(path));
    }

    private static bool IsPlainName(string name) => name.All(c => char.IsAsciiLetterOrDigit(c) || c is '-' or '_');
}

/// <summary>A scenario that cannot be used: unknown, unreadable, or not valid. The message names the file, and the line and field when there is one.</summary>
public sealed class ScenarioFileException : Exception
{
    public ScenarioFileException()
    {
    }

    public ScenarioFileException(string message)
        : base(message)
    {
    }

    public ScenarioFileException(string message, Exception innerException)
        : base(message, innerException)
    {
    }

    /// <param name="problem">What is wrong, in words.</param>
    /// <param name="file">The file or name concerned.</param>
    /// <param name="line">1-based line of the field, if known.</param>
    /// <param name="field">The field, for example <c>events[2].kind</c>, if any.</param>
    public ScenarioFileException(string problem, string file, int? line, string? field)
        : base(Format(problem, file, line, field))
    {
        File = file;
        Line = line;
        Field = field;
    }

    /// <summary>The file or name concerned.</summary>
    public string? File { get; }

    /// <summary>1-based line of the first problem, if known.</summary>
    public int? Line { get; }

    /// <summary>The field of the first problem, for example <c>events[2].kind</c>, if any.</summary>
    public string? Field { get; }

    private static string Format(string problem, string file, int? line, string? field) =>
        $"{file}{(line is { } l ? $":{l}" : "")}: {(field is null ? "" : field + ": ")}{problem}";
}

namespace WearableEdge.DeviceSim;

/// <summary>A named set of scripted events for a ward, as a scenario file or a built-in describes it.</summary>
/// <param name="Name">The scenario's name, for example <c>demo</c>.</param>
/// <param name="Description">What it shows; null when it has none.</param>
/// <param name="Patients">Number of patients it is written for.</param>
/// <param name="Seed">Seed it was written with; null leaves the command line's (default 42).</param>
/// <param name="Duration">Device time it runs for; null runs until cancelled.</param>
/// <param name="Events">Its scripted events.</param>
public sealed record ScenarioSet(string Name, string? Description, int Patients, int? Seed, TimeSpan? Duration, IReadOnlyList<ScenarioEvent> Events);

/// <summary>
/// Finds scenarios by built-in name or file path. Placeholder of the command-line branch: it knows
/// only <c>demo</c>; the scenario-file branch replaces it with the full library.
/// </summary>
public static class ScenarioLibrary
{
    /// <summary>The scenario called <paramref name="nameOrPath"/>.</summary>
    /// <exception cref="ArgumentException">No scenario has that name.</exception>
    public static ScenarioSet Resolve(string nameOrPath)
    {
        ArgumentNullException.ThrowIfNull(nameOrPath);
        return nameOrPath == Scenarios.DemoName
            ? new ScenarioSet(Scenarios.DemoName, "The edge service's demo: a desaturation, a deterioration and a fall.", Scenarios.DemoPatients, null, null, Scenarios.Demo)
            : throw new ArgumentException($"no scenario '{nameOrPath}': the built-in scenario is '{Scenarios.DemoName}'.", nameof(nameOrPath));
    }
}

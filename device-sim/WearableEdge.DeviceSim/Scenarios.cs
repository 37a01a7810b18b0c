namespace WearableEdge.DeviceSim;

/// <summary>Built-in scenarios.</summary>
public static class Scenarios
{
    /// <summary>Name of <see cref="Demo"/> on the command line (<c>--scenario demo</c>).</summary>
    public const string DemoName = "demo";

    /// <summary>Number of patients <see cref="Demo"/> is written for.</summary>
    public const int DemoPatients = 8;

    /// <summary>
    /// The edge service's demo, for <see cref="DemoPatients"/> patients: patient-002 desaturates
    /// 15 s in for 4 min; patient-005 deteriorates from 20 s in for 30 min; patient-003 falls 40 s
    /// in (the impact) and stays down 2 min; the rest stay at baseline.
    /// </summary>
    public static IReadOnlyList<ScenarioEvent> Demo { get; } =
    [
        new("patient-002", ScenarioKind.Desaturation, TimeSpan.FromSeconds(15), TimeSpan.FromMinutes(4)),
        new("patient-005", ScenarioKind.Deterioration, TimeSpan.FromSeconds(20), TimeSpan.FromMinutes(30)),
        new("patient-003", ScenarioKind.Fall, TimeSpan.FromSeconds(40), TimeSpan.FromMinutes(2)),
    ];
}

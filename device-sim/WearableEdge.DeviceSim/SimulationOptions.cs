using WearableEdge.DeviceSim.Generation;

namespace WearableEdge.DeviceSim;

/// <summary>What a <see cref="WardSimulator"/> simulates and where it publishes.</summary>
public sealed record SimulationOptions
{
    /// <summary>MQTT broker, <c>mqtt://host:port</c> (port defaults to 1883). Required.</summary>
    public required Uri Broker { get; init; }

    /// <summary>Number of virtual patients, <c>patient-001</c> … with devices <c>dev-001</c> …; 1–9999, default 8.</summary>
    public int Patients { get; init; } = 8;

    /// <summary>Seed of every random draw: the same seed, options and <see cref="DeviceStart"/> give identical payloads. Default 42.</summary>
    public int Seed { get; init; } = 42;

    /// <summary>Device seconds per wall-clock second; more than 0, default 1.</summary>
    public double Speed { get; init; } = 1;

    /// <summary>Device time after which the run stops; null (default) runs until cancelled.</summary>
    public TimeSpan? Duration { get; init; }

    /// <summary>Scripted events; default none. Each must name a patient of the ward.</summary>
    public IReadOnlyList<ScenarioEvent> Events { get; init; } = [];

    /// <summary>Where to write one JSON line per scheduled event at start; null (default) writes none.</summary>
    public string? GroundTruthPath { get; init; }

    /// <summary>Whether to publish 50 Hz accelerometer batches; default true.</summary>
    public bool Motion { get; init; } = true;

    /// <summary>1 Hz vitals samples per message; 1–3600, default 5.</summary>
    public int VitalsBatchSize { get; init; } = 5;

    /// <summary>MQTT client id; default <c>wearable-edge-sim</c>.</summary>
    public string ClientId { get; init; } = "wearable-edge-sim";

    /// <summary>Device time of the simulation start; null (default) takes the time provider's now, truncated to the millisecond.</summary>
    public DateTimeOffset? DeviceStart { get; init; }

    /// <summary>The problems that make these options unusable, each naming the option; empty when valid.</summary>
    internal IReadOnlyList<string> Problems()
    {
        var problems = new List<string>();
        if (Broker is null || Broker.Scheme != "mqtt" || string.IsNullOrEmpty(Broker.Host))
        {
            problems.Add($"{nameof(Broker)} must be mqtt://host:port, not '{Broker}'.");
        }

        if (Patients is < 1 or > Ward.MaxPatients)
        {
            problems.Add($"{nameof(Patients)} must be 1–{Ward.MaxPatients}, not {Patients}.");
        }

        if (!double.IsFinite(Speed) || Speed <= 0)
        {
            problems.Add($"{nameof(Speed)} must be a finite number above 0, not {Speed}.");
        }

        if (Duration is { } duration && duration <= TimeSpan.Zero)
        {
            problems.Add($"{nameof(Duration)} must be above 0, not {duration}.");
        }

        if (VitalsBatchSize is < 1 or > 3600)
        {
            problems.Add($"{nameof(VitalsBatchSize)} must be 1–3600, not {VitalsBatchSize}.");
        }

        if (string.IsNullOrWhiteSpace(ClientId))
        {
            problems.Add($"{nameof(ClientId)} must not be empty.");
        }

        foreach (var scenarioEvent in Events ?? [])
        {
            if (Ward.PatientIndex(scenarioEvent.PatientId) is not { } index || index >= Patients)
            {
                problems.Add($"{nameof(Events)}: {scenarioEvent.PatientId} is not one of the {Patients} patients (patient-001 …).");
            }

            if (scenarioEvent.Onset < TimeSpan.Zero || scenarioEvent.Duration <= TimeSpan.Zero)
            {
                problems.Add($"{nameof(Events)}: {scenarioEvent.PatientId} {scenarioEvent.Kind} needs onset ≥ 0 and duration > 0.");
            }
        }

        return problems;
    }
}

using WearableEdge.DeviceSim.Generation;

namespace WearableEdge.DeviceSim;

/// <summary>What a <see cref="WardSimulator"/> simulates and where it publishes.</summary>
public sealed record SimulationOptions
{
    /// <summary>
    /// MQTT broker, <c>mqtt://host:port</c> (port defaults to 1883) or over TLS
    /// <c>mqtts://host:port</c> (port defaults to 8883). Required.
    /// </summary>
    public required Uri Broker { get; init; }

    /// <summary>With <c>mqtts://</c>: PEM file of the CA the broker's certificate must chain to (only these roots are trusted); null (default) uses the system trust store.</summary>
    public string? CaFile { get; init; }

    /// <summary>With <c>mqtts://</c>: optional PEM client certificate (mutual TLS); needs <see cref="ClientKeyFile"/>.</summary>
    public string? ClientCertificateFile { get; init; }

    /// <summary>PEM private key of <see cref="ClientCertificateFile"/>.</summary>
    public string? ClientKeyFile { get; init; }

    /// <summary>MQTT user name; null (default) connects anonymously.</summary>
    public string? Username { get; init; }

    /// <summary>
    /// File whose first line is the password of <see cref="Username"/>. Null (default): the
    /// environment variable <c>WEARABLEEDGE_MQTT_PASSWORD</c>, if set. Never a command-line value,
    /// which other users of the machine could read in the process list.
    /// </summary>
    public string? PasswordFile { get; init; }

    /// <summary>True for <c>mqtts://</c> (also <c>ssl://</c>).</summary>
    internal bool UseTls => Broker?.Scheme is "mqtts" or "ssl";

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

    /// <summary>Most vitals samples per message in the standard formats (one data point or Observation per sign).</summary>
    public const int MaxStandardFormatBatchSize = 60;

    /// <summary>1 Hz vitals samples per message; 1–3600 (1–60 for Open mHealth and FHIR), default 5.</summary>
    public int VitalsBatchSize { get; init; } = 5;

    /// <summary>
    /// Wire format of vitals (and, for <see cref="PayloadFormat.OpenMHealth"/>, motion); default
    /// <see cref="PayloadFormat.V1"/>. Device status is always contract v1.
    /// </summary>
    public PayloadFormat Format { get; init; } = PayloadFormat.V1;

    /// <summary>
    /// Unit of temperature in <see cref="PayloadFormat.OpenMHealth"/> and <see cref="PayloadFormat.Fhir"/>
    /// payloads; default °C. Contract v1 has no unit field (always °C), so °F needs one of those formats.
    /// </summary>
    public TemperatureUnit TemperatureUnit { get; init; } = TemperatureUnit.Celsius;

    /// <summary>
    /// MQTT client id; default <c>wearable-edge-sim</c>. With more than one connection, connection
    /// <c>k</c> (1-based) uses <c>{ClientId}-{k}</c>.
    /// </summary>
    public string ClientId { get; init; } = "wearable-edge-sim";

    /// <summary>Most MQTT connections a run may open.</summary>
    public const int MaxConnections = 1000;

    /// <summary>
    /// MQTT connections the patients share, as a phone or hub per few patients would: patients are
    /// dealt to connections in the order they first publish (1, 2, …, N, 1, …), each patient always on
    /// the same one. 1–1000, default 1; never more connections than patients are opened.
    /// </summary>
    public int Connections { get; init; } = 1;

    /// <summary>Device time of the simulation start; null (default) takes the time provider's now, truncated to the millisecond.</summary>
    public DateTimeOffset? DeviceStart { get; init; }

    /// <summary>The problems that make these options unusable, each naming the option; empty when valid.</summary>
    internal IReadOnlyList<string> Problems()
    {
        var problems = new List<string>();
        if (Broker is null || Broker.Scheme is not ("mqtt" or "mqtts" or "ssl") || string.IsNullOrEmpty(Broker.Host))
        {
            problems.Add($"{nameof(Broker)} must be mqtt://host:port or mqtts://host:port, not '{Broker}'.");
        }

        var tlsFiles = new[] { (nameof(CaFile), CaFile), (nameof(ClientCertificateFile), ClientCertificateFile), (nameof(ClientKeyFile), ClientKeyFile) }
            .Where(f => !string.IsNullOrWhiteSpace(f.Item2))
            .Select(f => f.Item1)
            .ToList();
        if (tlsFiles.Count > 0 && !UseTls)
        {
            problems.Add($"{string.Join(", ", tlsFiles)} need a TLS broker (mqtts://host:port).");
        }

        if (string.IsNullOrWhiteSpace(ClientCertificateFile) != string.IsNullOrWhiteSpace(ClientKeyFile))
        {
            problems.Add($"{nameof(ClientCertificateFile)} and {nameof(ClientKeyFile)} go together.");
        }

        if (!string.IsNullOrWhiteSpace(PasswordFile) && string.IsNullOrWhiteSpace(Username))
        {
            problems.Add($"{nameof(PasswordFile)} needs a {nameof(Username)}.");
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

        if (Format != PayloadFormat.V1 && VitalsBatchSize > MaxStandardFormatBatchSize)
        {
            problems.Add($"{nameof(VitalsBatchSize)} must be 1–{MaxStandardFormatBatchSize} with {nameof(Format)} {Format}, not {VitalsBatchSize} (one data point or Observation per sign keeps a message within the gateway's 600 values and 256 KiB).");
        }

        if (Format == PayloadFormat.V1 && TemperatureUnit != TemperatureUnit.Celsius)
        {
            problems.Add($"{nameof(TemperatureUnit)} {TemperatureUnit} needs {nameof(Format)} OpenMHealth or Fhir: contract v1 sends °C only.");
        }

        if (Connections is < 1 or > MaxConnections)
        {
            problems.Add($"{nameof(Connections)} must be 1–{MaxConnections}, not {Connections}.");
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

/// <summary>The wire format the simulator publishes vitals in (docs/contract.md).</summary>
public enum PayloadFormat
{
    /// <summary>Contract v1 on <c>wearables/{patientId}/vitals</c> and <c>/motion</c>.</summary>
    V1,

    /// <summary>
    /// Open mHealth on <c>wearables/{patientId}/omh</c>: a JSON array of vital-sign data points per
    /// message, and each motion batch as one <c>wearable-edge:acceleration:1.0</c> data point.
    /// </summary>
    OpenMHealth,

    /// <summary>
    /// HL7 FHIR R4 on <c>wearables/{patientId}/fhir</c>: a Bundle of vital-signs Observations per
    /// message. Motion stays contract v1 (FHIR has no accelerometer-batch resource the gateway reads).
    /// </summary>
    Fhir,
}

/// <summary>Unit of temperature in the standard formats.</summary>
public enum TemperatureUnit
{
    /// <summary>Degrees Celsius (UCUM <c>Cel</c>, Open mHealth <c>C</c>).</summary>
    Celsius,

    /// <summary>Degrees Fahrenheit (UCUM <c>[degF]</c>, Open mHealth <c>F</c>), as US devices report.</summary>
    Fahrenheit,
}

using System.Text.Json.Serialization;
using WearableEdge.Contracts;

namespace WearableEdge.EdgeService.Api;

/// <summary><c>GET /health</c>.</summary>
public sealed record HealthReport(
    string Status,
    DateTimeOffset CheckedAt,
    BrokerHealth Broker,
    StoreHealth Store,
    SyncHealth Sync,
    IngestHealth Ingest);

public sealed record BrokerHealth(string Endpoint, bool Embedded, bool Connected, int Connects);

public sealed record StoreHealth(string Path, bool Ok, string? Error);

public sealed record SyncHealth(
    bool Configured, string? Url, long OutboxEntries, int MaxOutboxEntries, bool OutboxFull, IReadOnlyDictionary<string, long> MinuteSummaries, IReadOnlyList<OutboxHealth> Targets, long WithheldNoConsent);

public sealed record OutboxHealth(
    string Target,
    int Pending,
    int InFlight,
    double? OldestPendingAgeSeconds,
    DateTimeOffset? LastSuccessAt,
    long Delivered,
    IReadOnlyDictionary<string, long> ErrorsByKind);

public sealed record IngestHealth(
    IReadOnlyDictionary<string, long> MessagesAccepted,
    IReadOnlyDictionary<string, long> MessagesRejected,
    IReadOnlyDictionary<string, long> Samples,
    long DeadLettersUnpublished);

/// <summary>One patient in <c>GET /api/patients</c>.</summary>
public sealed record PatientView(
    string PatientId,
    WindowView? LatestWindow,
    News2View? News2,
    DeviceStatus? Device,
    DateTimeOffset? LastMotionAt,
    double? MotionMagnitudeStdDev,
    PatientIngestView? Ingest = null,
    PatientSampleQualityView? SampleQuality = null);

/// <summary>A patient's MQTT messages: accepted, and rejected by reason (the same reasons as on <c>/metrics</c>).</summary>
public sealed record PatientIngestView(long MessagesAccepted, IReadOnlyDictionary<string, long> MessagesRejected);

/// <summary>
/// A patient's samples that were accepted from the wire but kept out of the windows (so out of
/// every clinical alert): poor signal quality, outside the plausibility ranges, duplicates, too late.
/// </summary>
public sealed record PatientSampleQualityView(long PoorSignal, long Implausible, long Duplicate, long TooLate);

public sealed record WindowView(
    DateTimeOffset Start,
    DateTimeOffset End,
    int SampleCount,
    double Coverage,
    IReadOnlyDictionary<string, VitalView> Vitals);

public sealed record VitalView(
    string Loinc, string Unit, int Count, double Mean, double Min, double Max, double Last, double? SlopePerMinute, double Coverage);

public sealed record News2View(int Total, string Band, IReadOnlyList<News2ParameterView> Parameters, IReadOnlyList<string> NotAssessed, string ScoringVersion);

public sealed record News2ParameterView(string Parameter, string Loinc, double Value, string Unit, int Points);

[JsonSourceGenerationOptions(
    PropertyNamingPolicy = JsonKnownNamingPolicy.CamelCase,
    DefaultIgnoreCondition = JsonIgnoreCondition.WhenWritingNull,
    UseStringEnumConverter = true)]
[JsonSerializable(typeof(HealthReport))]
[JsonSerializable(typeof(IReadOnlyList<PatientView>))]
[JsonSerializable(typeof(IReadOnlyList<AlertMessage>))]
[JsonSerializable(typeof(ProblemDetailsView))]
[JsonSerializable(typeof(ModelsView))]
[JsonSerializable(typeof(ModelReloadView))]
internal sealed partial class ApiJsonContext : JsonSerializerContext
{
}

/// <summary>A client error, RFC 9457-shaped.</summary>
public sealed record ProblemDetailsView(string Title, int Status, string Detail);

/// <summary><c>GET /api/models</c>: the models serving, and the last failed load or reload.</summary>
public sealed record ModelsView(string Path, IReadOnlyList<ModelView> Models, long ReloadFailures, ModelLoadErrorView? LastReloadError);

/// <summary>One serving model: its manifest summary and when it was loaded.</summary>
public sealed record ModelView(
    string Id,
    string Version,
    string Sha256,
    string Task,
    string AlertType,
    string FeatureSet,
    int FeatureCount,
    int EnsembleMembers,
    IReadOnlyList<ModelThresholdView> Thresholds,
    IReadOnlyList<ModelMetricView> Evaluation,
    string TrainingData,
    string TrainingDataLicence,
    int TrainingPatients,
    DateTimeOffset LoadedAt,
    double LoadMilliseconds);

public sealed record ModelThresholdView(string Priority, double Probability, double ExpectedSensitivity, double AlertsPerPatientDay);

public sealed record ModelMetricView(string Name, double Value, double? Lower, double? Upper);

public sealed record ModelLoadErrorView(string ModelId, string Version, DateTimeOffset At, string Message);

/// <summary><c>POST /api/models/reload</c>: what the reload did per model, then the models serving.</summary>
public sealed record ModelReloadView(IReadOnlyList<ModelReloadOutcomeView> Outcomes, ModelsView Models);

public sealed record ModelReloadOutcomeView(string ModelId, string Version, string Outcome, string? Error);

using Microsoft.Extensions.Logging;

namespace WearableEdge.EdgeService;

/// <summary>
/// Every log message of the service, with stable event ids. No message takes a patient id:
/// alerts are named by alert id, patients not at all (privacy rule, ARCHITECTURE.md).
/// </summary>
internal static partial class Log
{
    [LoggerMessage(1000, LogLevel.Information, "Embedded MQTT broker listening on {Endpoint}")]
    public static partial void EmbeddedBrokerStarted(ILogger logger, string endpoint);

    [LoggerMessage(1001, LogLevel.Warning, "Embedded broker dropped a queued message for client {ClientId}: its queue was full")]
    public static partial void EmbeddedBrokerDroppedMessage(ILogger logger, string clientId);

    [LoggerMessage(1010, LogLevel.Information, "Connected to MQTT broker {Broker} (session present: {SessionPresent}); subscribed to {Filter}")]
    public static partial void MqttConnected(ILogger logger, string broker, bool sessionPresent, string filter);

    [LoggerMessage(1011, LogLevel.Warning, "MQTT connection to {Broker} failed; retrying in {Delay}")]
    public static partial void MqttConnectFailed(ILogger logger, Exception exception, string broker, TimeSpan delay);

    [LoggerMessage(1012, LogLevel.Warning, "MQTT connection lost ({Reason}); reconnecting")]
    public static partial void MqttDisconnected(ILogger logger, string reason);

    [LoggerMessage(1020, LogLevel.Debug, "Rejected a payload on stream {Stream}: {Reason}")]
    public static partial void PayloadRejected(ILogger logger, string stream, string reason);

    [LoggerMessage(1021, LogLevel.Warning, "Could not publish a dead letter ({Reason}); it is counted, not published")]
    public static partial void DeadLetterNotPublished(ILogger logger, string reason);

    [LoggerMessage(1022, LogLevel.Error, "Unexpected error while handling an MQTT message on stream {Stream}; the message is dead-lettered and ingest goes on")]
    public static partial void IngestHandlerFailed(ILogger logger, Exception exception, string stream);

    [LoggerMessage(1030, LogLevel.Error, "Feature stage failed on one sample; the sample is dropped and counted")]
    public static partial void FeatureStageFailed(ILogger logger, Exception exception);

    // No score: for some rules the score is a vital sign (the SpO2 rule's is the SpO2 value), and
    // vitals stay out of the logs like patient ids; the alert id leads to them in the local store.
    [LoggerMessage(1040, LogLevel.Warning, "Alert {AlertId} {Action}: priority {Priority}, rule {RuleId} {RuleVersion}")]
    public static partial void AlertTransition(ILogger logger, string alertId, string action, string priority, string ruleId, string ruleVersion);

    [LoggerMessage(1041, LogLevel.Error, "Could not store an alert transition; retrying")]
    public static partial void AlertStoreFailed(ILogger logger, Exception exception);

    [LoggerMessage(1050, LogLevel.Information, "Outbox target {Target}: delivered {Count} entries")]
    public static partial void OutboxDelivered(ILogger logger, string target, int count);

    [LoggerMessage(1051, LogLevel.Warning, "Outbox target {Target}: delivery of {Count} entries failed ({ErrorKind}); next attempt in {Delay}")]
    public static partial void OutboxDeliveryFailed(ILogger logger, string target, int count, string errorKind, TimeSpan delay);

    [LoggerMessage(1055, LogLevel.Error, "Outbox target {Target}: the local store failed; retrying at the next poll")]
    public static partial void OutboxStoreFailed(ILogger logger, Exception exception, string target);

    [LoggerMessage(1052, LogLevel.Information, "Outbox: {Count} entries were in flight at start-up and go back to pending")]
    public static partial void OutboxRecovered(ILogger logger, int count);

    [LoggerMessage(1053, LogLevel.Information, "Time-series sync is idle: no Sync:Url is configured; alerts stay in the local store")]
    public static partial void SyncIdle(ILogger logger);

    [LoggerMessage(1090, LogLevel.Warning, "Health point: {Count} edge_health points could not be written ({ErrorKind}); kept for the next minute")]
    public static partial void HealthPointFailed(ILogger logger, int count, string errorKind);

    [LoggerMessage(1091, LogLevel.Warning, "Health point: the local store could not be read; no edge_health point this minute")]
    public static partial void HealthPointSkipped(ILogger logger, Exception exception);

    [LoggerMessage(1060, LogLevel.Information, "Local store ready at {Path} (schema version {Version})")]
    public static partial void StoreReady(ILogger logger, string path, int version);

    [LoggerMessage(1061, LogLevel.Error, "Could not store {Count} raw samples; they are counted as raw-store-failed")]
    public static partial void RawStoreFailed(ILogger logger, Exception exception, int count);

    [LoggerMessage(1062, LogLevel.Information, "Retention purged {Samples} raw samples and {Outbox} delivered outbox entries")]
    public static partial void RetentionPurged(ILogger logger, long samples, long outbox);

    [LoggerMessage(1063, LogLevel.Warning, "Retention pass failed; it runs again at the next interval")]
    public static partial void RetentionFailed(ILogger logger, Exception exception);

    [LoggerMessage(1054, LogLevel.Warning, "Outbox is at its bound of {Bound} entries: shed {Shed} minute summaries, oldest first")]
    public static partial void SummariesShed(ILogger logger, int bound, int shed);

    [LoggerMessage(1070, LogLevel.Information, "Demo: simulating {Patients} patients (seed {Seed}, speed {Speed}x) on {Broker}")]
    public static partial void DemoStarted(ILogger logger, int patients, int seed, double speed, string broker);

    [LoggerMessage(1071, LogLevel.Error, "Demo simulator stopped with an error")]
    public static partial void DemoFailed(ILogger logger, Exception exception);

    [LoggerMessage(1100, LogLevel.Information, "Model {ModelId} {Version} loaded (SHA-256 {Sha256}) in {Milliseconds:0.0} ms")]
    public static partial void ModelLoaded(ILogger logger, string modelId, string version, string sha256, double milliseconds);

    [LoggerMessage(1101, LogLevel.Warning, "Models folder {Path} does not exist: no models are loaded; alerts come from the clinical rules only")]
    public static partial void ModelFolderMissing(ILogger logger, string path);

    [LoggerMessage(1102, LogLevel.Information, "Models folder {Path} holds no model: alerts come from the clinical rules only")]
    public static partial void ModelFolderEmpty(ILogger logger, string path);

    [LoggerMessage(1103, LogLevel.Error, "Model {ModelId} {Version} failed its checks and was not loaded; {Serving} keeps serving. {Error}")]
    public static partial void ModelReloadFailed(ILogger logger, string modelId, string version, string serving, string error);

    [LoggerMessage(1104, LogLevel.Warning, "Model {ModelId}: now serving {NewVersion} (SHA-256 {Sha256}) in place of {OldVersion}")]
    public static partial void ModelSwapped(ILogger logger, string modelId, string oldVersion, string newVersion, string sha256);

    [LoggerMessage(1105, LogLevel.Information, "Models folder changed; reloading")]
    public static partial void ModelFolderChanged(ILogger logger);

    [LoggerMessage(1106, LogLevel.Error, "Model {ModelId} {Version} failed on a batch of {Rows} rows; they go unscored")]
    public static partial void ModelScoringFailed(ILogger logger, Exception exception, string modelId, string version, int rows);

    [LoggerMessage(1107, LogLevel.Warning, "Models folder {Path} cannot be watched ({Reason}); new versions load only on POST /api/models/reload")]
    public static partial void ModelFolderNotWatched(ILogger logger, string path, string reason);

    [LoggerMessage(1108, LogLevel.Error, "Model scoring: one input could not be turned into features; its windows are skipped")]
    public static partial void ModelInputFailed(ILogger logger, Exception exception);

    [LoggerMessage(1300, LogLevel.Information, "Alert command {Command} on {AlertId} over MQTT: {Outcome}")]
    public static partial void AlertCommandReceived(ILogger logger, string command, string alertId, string outcome);

    [LoggerMessage(1301, LogLevel.Warning, "Alert command rejected on MQTT: {Reason}")]
    public static partial void AlertCommandRejected(ILogger logger, string reason);

    [LoggerMessage(1302, LogLevel.Error, "Alert command over MQTT failed")]
    public static partial void AlertCommandFailed(ILogger logger, Exception exception);
}

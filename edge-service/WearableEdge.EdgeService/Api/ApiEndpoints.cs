using System.Globalization;
using System.Text;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Routing;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Options;
using WearableEdge.Clinical.Samples;
using WearableEdge.Clinical.Scoring;
using WearableEdge.EdgeService.Devices;
using WearableEdge.EdgeService.Features;
using WearableEdge.EdgeService.Ingest;
using WearableEdge.EdgeService.Scoring.Models;
using WearableEdge.EdgeService.Storage;
using WearableEdge.EdgeService.Sync;

namespace WearableEdge.EdgeService.Api;

/// <summary>The HTTP API: <c>/health</c>, <c>/metrics</c>, <c>/api/patients</c>, <c>/api/models</c>; the alert API is in <see cref="AlertEndpoints"/>.</summary>
public static class ApiEndpoints
{
    /// <summary>A backlog older than this makes the service report itself degraded.</summary>
    public static readonly TimeSpan StaleBacklog = TimeSpan.FromMinutes(5);

    public static IEndpointRouteBuilder MapWearableEdgeApi(this IEndpointRouteBuilder endpoints)
    {
        ArgumentNullException.ThrowIfNull(endpoints);
        endpoints.MapGet("/health", HealthAsync).AllowAnonymous();
        endpoints.MapGet("/metrics", MetricsAsync);
        endpoints.MapGet("/api/patients", (PatientBoard board, SampleQualityCounts quality) =>
            Results.Ok<IReadOnlyList<PatientView>>([.. board.All.Select(p => ToView(p, quality.For(p.PatientId)))]));
        endpoints.MapAlertEndpoints();
        endpoints.MapGet("/api/models", (ModelRegistry registry) => Results.Json(ModelsOf(registry), ApiJsonContext.Default.ModelsView));
        endpoints.MapPost("/api/models/reload", ReloadModelsAsync).RequireAuthorization(Auth.AuthPolicies.Admin);
        endpoints.MapDeviceEndpoints();
        return endpoints;
    }

    /// <summary>Loads any new model version now; a failed candidate leaves the old model serving (the answer says why).</summary>
    private static async Task<IResult> ReloadModelsAsync(ModelRegistry registry, CancellationToken cancellationToken)
    {
        var outcomes = await registry.ReloadAsync(cancellationToken).ConfigureAwait(false);
        var view = new ModelReloadView(
            [.. outcomes.Select(o => new ModelReloadOutcomeView(o.ModelId, o.Version, o.Outcome, o.Error))],
            ModelsOf(registry));
        return Results.Json(view, ApiJsonContext.Default.ModelReloadView);
    }

    internal static ModelsView ModelsOf(ModelRegistry registry) => new(
        registry.Root,
        [.. registry.Models.Values.Select(m => new ModelView(
            m.Id,
            m.Version,
            m.Manifest.OnnxSha256,
            m.Manifest.Task,
            m.Manifest.AlertType,
            m.Manifest.FeatureSet,
            m.Features.Count,
            m.Manifest.Outputs.ScoreTensorNames.Count,
            [.. m.Manifest.Thresholds.Select(t => new ModelThresholdView(t.Priority, t.Probability, t.ExpectedSensitivity, t.AlertsPerPatientDay))],
            [.. m.Manifest.Evaluation.Select(e => new ModelMetricView(e.Name, e.Value, e.Lower, e.Upper))],
            m.Manifest.TrainingData.Name,
            m.Manifest.TrainingData.Licence,
            m.Manifest.TrainingData.Patients,
            m.LoadedAt,
            Math.Round(m.LoadDuration.TotalMilliseconds, 1)))],
        registry.ReloadFailures,
        registry.LastError is { } e ? new ModelLoadErrorView(e.ModelId, e.Version, e.At, e.Message) : null);

    private static async Task<IResult> HealthAsync(
        MqttGatewayClient mqtt,
        EdgeDatabase database,
        OutboxStore outbox,
        IEnumerable<OutboxDispatcherRegistration> dispatchers,
        IOptions<SyncOptions> sync,
        EdgeMetrics metrics,
        TimeProvider timeProvider,
        CancellationToken cancellationToken)
    {
        var now = timeProvider.GetUtcNow();
        IReadOnlyList<OutboxHealth> targets = [];
        long outboxEntries = 0;
        StoreHealth store;
        try
        {
            targets = await OutboxHealthAsync(outbox, dispatchers, now, cancellationToken).ConfigureAwait(false);
            outboxEntries = await outbox.UnsyncedCountAsync(cancellationToken).ConfigureAwait(false);
            store = new StoreHealth(database.Path, Ok: true, Error: null);
        }
        catch (Exception e) when (e is Microsoft.Data.Sqlite.SqliteException or IOException)
        {
            store = new StoreHealth(database.Path, Ok: false, e.Message);
        }

        var stale = targets.Any(t => t.OldestPendingAgeSeconds > StaleBacklog.TotalSeconds);
        var full = outboxEntries >= sync.Value.MaxOutboxEntries;
        var status = !store.Ok ? "unhealthy" : !mqtt.IsConnected || stale || full ? "degraded" : "healthy";
        var report = new HealthReport(
            status,
            now,
            new BrokerHealth(mqtt.Endpoint.ToString(), mqtt.Endpoint.IsEmbedded, mqtt.IsConnected, mqtt.Connects),
            store,
            new SyncHealth(
                sync.Value.IsConfigured, sync.Value.Url, outboxEntries, sync.Value.MaxOutboxEntries, full, metrics.Family("minute_summaries"), targets,
                WithheldNoConsent(metrics)),
            new IngestHealth(
                metrics.Family("messages_accepted"),
                metrics.Family("messages_rejected"),
                metrics.Family("samples"),
                metrics.Family("dead_letters_unpublished").Values.Sum()));
        return Results.Json(report, ApiJsonContext.Default.HealthReport, statusCode: store.Ok ? 200 : 503);
    }

    /// <summary>
    /// Outbox entries (alerts and minute summaries) held back from the time-series store because
    /// their patient's consent was withdrawn or never recorded (docs/consent.md), over every target.
    /// </summary>
    private static long WithheldNoConsent(EdgeMetrics metrics) =>
        metrics.Family("outbox_deliveries")
            .Where(d => d.Key.EndsWith(":" + Devices.ConsentWithholding.Outcome, StringComparison.Ordinal))
            .Sum(d => d.Value);

    /// <summary>Counters, and the outbox gauges of every target, in the Prometheus text format.</summary>
    private static async Task<IResult> MetricsAsync(
        EdgeMetrics metrics,
        ModelRegistry models,
        OutboxStore outbox,
        IEnumerable<OutboxDispatcherRegistration> dispatchers,
        TimeProvider timeProvider,
        CancellationToken cancellationToken)
    {
        var text = new StringBuilder(metrics.ToPrometheusText());
        text.Append(CultureInfo.InvariantCulture, $"wearable_edge_models_loaded {models.Models.Count}\n");
        foreach (var model in models.Models.Values)
        {
            text.Append(CultureInfo.InvariantCulture, $"wearable_edge_model_info{{model=\"{model.Id}\",version=\"{model.Version}\",sha256=\"{model.Manifest.OnnxSha256}\"}} 1\n");
        }

        var now = timeProvider.GetUtcNow();
        foreach (var target in await OutboxHealthAsync(outbox, dispatchers, now, cancellationToken).ConfigureAwait(false))
        {
            var label = $"{{target=\"{target.Target}\"}}";
            text.Append(CultureInfo.InvariantCulture, $"wearable_edge_outbox_pending{label} {target.Pending}\n");
            text.Append(CultureInfo.InvariantCulture, $"wearable_edge_outbox_in_flight{label} {target.InFlight}\n");
            text.Append(CultureInfo.InvariantCulture, $"wearable_edge_outbox_oldest_pending_age_seconds{label} {target.OldestPendingAgeSeconds ?? 0}\n");
            if (target.LastSuccessAt is { } last)
            {
                text.Append(CultureInfo.InvariantCulture, $"wearable_edge_outbox_last_success_timestamp_seconds{label} {last.ToUnixTimeSeconds()}\n");
            }

            foreach (var (kind, count) in target.ErrorsByKind.OrderBy(kv => kv.Key, StringComparer.Ordinal))
            {
                text.Append(CultureInfo.InvariantCulture, $"wearable_edge_outbox_errors_total{{target=\"{target.Target}\",kind=\"{kind}\"}} {count}\n");
            }
        }

        return Results.Text(text.ToString(), "text/plain; version=0.0.4", Encoding.UTF8);
    }

    private static async Task<IReadOnlyList<OutboxHealth>> OutboxHealthAsync(
        OutboxStore outbox, IEnumerable<OutboxDispatcherRegistration> dispatchers, DateTimeOffset now, CancellationToken cancellationToken)
    {
        var targets = new List<OutboxHealth>();
        foreach (var dispatcher in dispatchers.Select(d => d.Dispatcher))
        {
            var backlog = await outbox.BacklogAsync(dispatcher.Status.Target, cancellationToken).ConfigureAwait(false);
            targets.Add(new OutboxHealth(
                dispatcher.Status.Target,
                backlog.Pending,
                backlog.InFlight,
                backlog.OldestUnsyncedCreatedAt is { } oldest ? Math.Round((now - oldest).TotalSeconds, 1) : null,
                dispatcher.Status.LastSuccessAt,
                dispatcher.Status.Delivered,
                dispatcher.Status.ErrorsByKind.ToDictionary()));
        }

        return targets;
    }

    private static PatientView ToView(PatientSnapshot patient, SampleQualityCount quality)
    {
        var window = patient.LatestWindow is { } w
            ? new WindowView(
                w.WindowStart,
                w.WindowEnd,
                w.SampleCount,
                Math.Round(w.Coverage, 3),
                w.Vitals.ToDictionary(
                    kv => VitalSignCodes.Name(kv.Key),
                    kv => new VitalView(
                        VitalSignCodes.Loinc(kv.Key),
                        VitalSignCodes.Ucum(kv.Key),
                        kv.Value.Count,
                        Math.Round(kv.Value.Mean, 2),
                        kv.Value.Min,
                        kv.Value.Max,
                        kv.Value.Last,
                        kv.Value.SlopePerMinute is { } slope ? Math.Round(slope, 3) : null,
                        Math.Round(kv.Value.Coverage, 3))))
            : null;
        var news2 = patient.News2 is { } score
            ? new News2View(
                score.Total,
                score.Band.ToString(),
                [.. score.Components.Select(c => new News2ParameterView(
                    VitalSignCodes.Name(c.Parameter), VitalSignCodes.Loinc(c.Parameter), c.Value, VitalSignCodes.Ucum(c.Parameter), c.Points))],
                score.NotAssessed,
                News2.Version)
            : null;
        return new PatientView(patient.PatientId, window, news2, patient.Device, patient.LastMotionAt, patient.MotionMagnitudeStdDev,
            new PatientIngestView(patient.MessagesAccepted, patient.MessagesRejected),
            new PatientSampleQualityView(quality.PoorSignal, quality.Implausible, quality.Duplicate, quality.TooLate));
    }
}

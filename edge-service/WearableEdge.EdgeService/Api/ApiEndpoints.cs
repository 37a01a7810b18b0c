using System.Text;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Routing;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Options;
using WearableEdge.Clinical.Samples;
using WearableEdge.Clinical.Scoring;
using WearableEdge.EdgeService.Ingest;
using WearableEdge.EdgeService.Storage;
using WearableEdge.EdgeService.Sync;

namespace WearableEdge.EdgeService.Api;

/// <summary>The HTTP API: <c>/health</c>, <c>/metrics</c>, <c>/api/patients</c>, <c>/api/alerts</c>.</summary>
public static class ApiEndpoints
{
    /// <summary>A backlog older than this makes the service report itself degraded.</summary>
    public static readonly TimeSpan StaleBacklog = TimeSpan.FromMinutes(5);

    public static IEndpointRouteBuilder MapWearableEdgeApi(this IEndpointRouteBuilder endpoints)
    {
        ArgumentNullException.ThrowIfNull(endpoints);
        endpoints.MapGet("/health", HealthAsync);
        endpoints.MapGet("/metrics", (EdgeMetrics metrics) => Results.Text(metrics.ToPrometheusText(), "text/plain; version=0.0.4", Encoding.UTF8));
        endpoints.MapGet("/api/patients", (PatientBoard board) => Results.Ok<IReadOnlyList<PatientView>>([.. board.All.Select(ToView)]));
        endpoints.MapGet("/api/alerts", AlertsAsync);
        return endpoints;
    }

    private static async Task<IResult> AlertsAsync(AlertStore store, int? limit, CancellationToken cancellationToken)
    {
        var take = limit ?? 100;
        if (take is < 1 or > 1000)
        {
            return Results.BadRequest(new ProblemDetailsView("Invalid limit", 400, "limit must be between 1 and 1000."));
        }

        return Results.Ok(await store.GetRecentAsync(take, cancellationToken).ConfigureAwait(false));
    }

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
        var targets = new List<OutboxHealth>();
        StoreHealth store;
        try
        {
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

            store = new StoreHealth(database.Path, Ok: true, Error: null);
        }
        catch (Exception e) when (e is Microsoft.Data.Sqlite.SqliteException or IOException)
        {
            store = new StoreHealth(database.Path, Ok: false, e.Message);
        }

        var stale = targets.Any(t => t.OldestPendingAgeSeconds > StaleBacklog.TotalSeconds);
        var status = !store.Ok ? "unhealthy" : !mqtt.IsConnected || stale ? "degraded" : "healthy";
        var report = new HealthReport(
            status,
            now,
            new BrokerHealth(mqtt.Endpoint.ToString(), mqtt.Endpoint.IsEmbedded, mqtt.IsConnected, mqtt.Connects),
            store,
            new SyncHealth(sync.Value.IsConfigured, sync.Value.Url, targets),
            new IngestHealth(
                metrics.Family("messages_accepted"),
                metrics.Family("messages_rejected"),
                metrics.Family("samples"),
                metrics.Family("dead_letters_unpublished").Values.Sum()));
        return Results.Json(report, ApiJsonContext.Default.HealthReport, statusCode: store.Ok ? 200 : 503);
    }

    private static PatientView ToView(PatientSnapshot patient)
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
        return new PatientView(patient.PatientId, window, news2, patient.Device, patient.LastMotionAt, patient.MotionMagnitudeStdDev);
    }
}

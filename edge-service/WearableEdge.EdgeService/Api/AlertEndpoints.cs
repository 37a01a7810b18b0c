using System.Text.Json;
using System.Text.Json.Serialization;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Routing;
using WearableEdge.Clinical.Alerts;
using WearableEdge.Contracts;
using WearableEdge.EdgeService.Alerts;
using WearableEdge.EdgeService.Storage;

namespace WearableEdge.EdgeService.Api;

/// <summary>
/// The alert API (docs/contract.md, "Alert lifecycle"): list with filters, one alert with its audit
/// trail, and the staff commands acknowledge, resolve and silence, audited with the signed-in user
/// and the client they came from. The live stream is in <see cref="AlertStream"/>.
/// </summary>
public static class AlertEndpoints
{
    private static readonly string[] Statuses = ["open", "active", "acknowledged", "silenced", "resolved"];
    private static readonly string[] Priorities = ["high", "medium", "low"];

    public static IEndpointRouteBuilder MapAlertEndpoints(this IEndpointRouteBuilder endpoints)
    {
        ArgumentNullException.ThrowIfNull(endpoints);
        endpoints.MapGet("/api/alerts", ListAsync);
        endpoints.MapAlertStream();
        endpoints.MapGet("/api/alerts/{id}", GetAsync);
        endpoints.MapPost("/api/alerts/{id}/ack", (HttpContext context, string id, AlertCommandService commands, AlertStore store) =>
            CommandAsync(context, id, AlertCommand.Acknowledge, commands, store));
        endpoints.MapPost("/api/alerts/{id}/resolve", (HttpContext context, string id, AlertCommandService commands, AlertStore store) =>
            CommandAsync(context, id, AlertCommand.Resolve, commands, store));
        endpoints.MapPost("/api/alerts/{id}/silence", (HttpContext context, string id, AlertCommandService commands, AlertStore store) =>
            CommandAsync(context, id, AlertCommand.Silence, commands, store));
        return endpoints;
    }

    private static async Task<IResult> ListAsync(
        AlertStore store, string? status, string? patient, string? priority, int? limit, CancellationToken cancellationToken)
    {
        var take = limit ?? 100;
        if (take is < 1 or > 1000)
        {
            return Problem(400, "Invalid limit", "limit must be between 1 and 1000.");
        }

        if (status is not null && !Statuses.Contains(status))
        {
            return Problem(400, "Invalid status", $"status must be one of {string.Join(", ", Statuses)}.");
        }

        if (priority is not null && !Priorities.Contains(priority))
        {
            return Problem(400, "Invalid priority", $"priority must be one of {string.Join(", ", Priorities)}.");
        }

        if (patient is not null && !Topics.IsValidPatientId(patient))
        {
            return Problem(400, "Invalid patient", "patient is 1–64 characters from [A-Za-z0-9._-].");
        }

        var alerts = await store.QueryAsync(new AlertQuery(status, patient, priority, take), cancellationToken).ConfigureAwait(false);
        return Results.Json(alerts, AlertApiJsonContext.Default.IReadOnlyListAlertMessage);
    }

    private static async Task<IResult> GetAsync(string id, AlertStore store, CancellationToken cancellationToken) =>
        await DetailAsync(store, id, cancellationToken).ConfigureAwait(false) is { } detail
            ? Results.Json(detail, AlertApiJsonContext.Default.AlertDetailView)
            : Problem(404, "Unknown alert", "No alert has this id.");

    private static async Task<IResult> CommandAsync(HttpContext context, string id, AlertCommand command, AlertCommandService commands, AlertStore store)
    {
        var cancellationToken = context.RequestAborted;
        AlertCommandRequest body;
        try
        {
            body = await ReadBodyAsync(context.Request, cancellationToken).ConfigureAwait(false);
        }
        catch (JsonException)
        {
            return Problem(400, "Invalid body", """The body is empty or JSON like {"note":"…"} (silence: {"minutes":N,"reason":"…"}).""");
        }

        TimeSpan? silenceFor = null;
        var note = body.Note;
        if (command == AlertCommand.Silence)
        {
            if (body.Minutes is not { } minutes || minutes < 1 || minutes > AlertLifecycle.MaxSilence.TotalMinutes)
            {
                return Problem(400, "Invalid silence", $"minutes must be between 1 and {AlertLifecycle.MaxSilence.TotalMinutes:0}.");
            }

            if (string.IsNullOrWhiteSpace(body.Reason))
            {
                return Problem(400, "Invalid silence", "A silence needs a reason.");
            }

            silenceFor = TimeSpan.FromMinutes(minutes);
            note = body.Reason;
        }

        var result = await commands.ExecuteAsync(id, command, ActorOf(context), note, silenceFor, cancellationToken).ConfigureAwait(false);
        return result.Outcome switch
        {
            AlertCommandOutcome.NotFound => Problem(404, "Unknown alert", "No alert has this id."),
            AlertCommandOutcome.Conflict => Problem(409, "Invalid transition", result.Error ?? "The alert's status does not allow this."),
            _ => Results.Json(await DetailAsync(store, id, cancellationToken).ConfigureAwait(false), AlertApiJsonContext.Default.AlertDetailView),
        };
    }

    /// <summary>The signed-in user (<c>anonymous</c> only when there is none) and the client: remote address and user agent.</summary>
    internal static AlertActor ActorOf(HttpContext context)
    {
        var name = context.User.Identity?.Name;
        var agent = context.Request.Headers.UserAgent.ToString();
        var client = $"{context.Connection.RemoteIpAddress} {agent}".Trim();
        return new AlertActor(string.IsNullOrWhiteSpace(name) ? "anonymous" : name, client.Length > 300 ? client[..300] : client);
    }

    private static async Task<AlertCommandRequest> ReadBodyAsync(HttpRequest request, CancellationToken cancellationToken)
    {
        using var reader = new StreamReader(request.Body);
        var text = await reader.ReadToEndAsync(cancellationToken).ConfigureAwait(false);
        return string.IsNullOrWhiteSpace(text)
            ? new AlertCommandRequest()
            : JsonSerializer.Deserialize(text, AlertApiJsonContext.Default.AlertCommandRequest) ?? throw new JsonException("null body");
    }

    private static async Task<AlertDetailView?> DetailAsync(AlertStore store, string id, CancellationToken cancellationToken)
    {
        if (await store.GetAsync(id, cancellationToken).ConfigureAwait(false) is not { } alert)
        {
            return null;
        }

        var audit = await store.GetAuditAsync(id, cancellationToken).ConfigureAwait(false);
        return new AlertDetailView(alert, [.. audit.Select(a => new AlertAuditView(a.At, a.RecordedAt, a.Action, a.Status, a.Priority, a.Score, a.Actor, a.Client, a.Note))]);
    }

    private static IResult Problem(int status, string title, string detail) =>
        Results.Json(new ProblemDetailsView(title, status, detail), AlertApiJsonContext.Default.ProblemDetailsView, "application/problem+json", status);
}

/// <summary>Body of <c>POST /api/alerts/{id}/ack|resolve|silence</c>; every field optional except a silence's minutes and reason.</summary>
public sealed record AlertCommandRequest
{
    /// <summary>A note for the audit trail (ack, resolve).</summary>
    public string? Note { get; init; }

    /// <summary>Silence: how long, in minutes (1–120).</summary>
    public int? Minutes { get; init; }

    /// <summary>Silence: why (required).</summary>
    public string? Reason { get; init; }
}

/// <summary><c>GET /api/alerts/{id}</c>: the alert and its audit trail, oldest first.</summary>
public sealed record AlertDetailView(AlertMessage Alert, IReadOnlyList<AlertAuditView> Audit);

/// <summary>One audit row: when, what, the status, priority and score after it, who, from which client, the note.</summary>
public sealed record AlertAuditView(
    DateTimeOffset At, DateTimeOffset RecordedAt, string Action, string? Status, string Priority, double Score, string Actor, string? Client, string? Note);

[JsonSourceGenerationOptions(
    PropertyNamingPolicy = JsonKnownNamingPolicy.CamelCase,
    DefaultIgnoreCondition = JsonIgnoreCondition.WhenWritingNull,
    UseStringEnumConverter = true)]
[JsonSerializable(typeof(IReadOnlyList<AlertMessage>))]
[JsonSerializable(typeof(AlertMessage))]
[JsonSerializable(typeof(AlertDetailView))]
[JsonSerializable(typeof(AlertCommandRequest))]
[JsonSerializable(typeof(ProblemDetailsView))]
internal sealed partial class AlertApiJsonContext : JsonSerializerContext
{
}

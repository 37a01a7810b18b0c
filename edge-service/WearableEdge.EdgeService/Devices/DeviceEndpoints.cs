using System.Security.Claims;
using System.Text.Json;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Routing;
using WearableEdge.EdgeService.Auth;

namespace WearableEdge.EdgeService.Devices;

/// <summary>
/// The admin's registry API: <c>GET/POST /api/devices</c>, <c>POST /api/devices/{id}/assign</c> and
/// <c>/unassign</c>, <c>GET/POST /api/patients/{id}/consent</c>. Every change records who made it.
/// </summary>
public static class DeviceEndpoints
{
    public static IEndpointRouteBuilder MapDeviceEndpoints(this IEndpointRouteBuilder endpoints)
    {
        ArgumentNullException.ThrowIfNull(endpoints);
        endpoints.MapGet("/api/devices", (DeviceRegistry registry) =>
            Results.Json(registry.Devices, DeviceJsonContext.Default.IReadOnlyListDeviceView)).RequireAuthorization(AuthPolicies.Admin);
        endpoints.MapPost("/api/devices", RegisterAsync).RequireAuthorization(AuthPolicies.Admin);
        endpoints.MapPost("/api/devices/{id}/assign", AssignAsync).RequireAuthorization(AuthPolicies.Admin);
        endpoints.MapPost("/api/devices/{id}/unassign", UnassignAsync).RequireAuthorization(AuthPolicies.Admin);
        endpoints.MapGet("/api/patients/{id}/consent", (string id, DeviceRegistry registry) =>
            Results.Json(registry.ConsentOf(id), DeviceJsonContext.Default.ConsentView)).RequireAuthorization(AuthPolicies.Admin);
        endpoints.MapPost("/api/patients/{id}/consent", ConsentAsync).RequireAuthorization(AuthPolicies.Admin);
        return endpoints;
    }

    private static async Task<IResult> RegisterAsync(HttpContext context, DeviceRegistry registry, TimeProvider timeProvider)
    {
        var request = await ReadAsync(context, DeviceJsonContext.Default.DeviceRequest).ConfigureAwait(false);
        if (request?.DeviceId is not { } deviceId || !IsId(deviceId) || (request.PatientId is { } patient && !IsId(patient)))
        {
            return Problem(400, "Invalid device", "Send JSON {\"deviceId\":…, \"patientId\":… (optional), \"validFrom\":… (optional)}.");
        }

        var ct = context.RequestAborted;
        await registry.RegisterAsync(deviceId, Actor(context.User), ct).ConfigureAwait(false);
        if (!string.IsNullOrWhiteSpace(request.PatientId))
        {
            await registry.AssignAsync(deviceId, request.PatientId, request.ValidFrom ?? timeProvider.GetUtcNow(), ct).ConfigureAwait(false);
        }

        return Results.Json(View(registry, deviceId), DeviceJsonContext.Default.DeviceView, statusCode: StatusCodes.Status201Created);
    }

    private static async Task<IResult> AssignAsync(string id, HttpContext context, DeviceRegistry registry, TimeProvider timeProvider)
    {
        var request = await ReadAsync(context, DeviceJsonContext.Default.AssignRequest).ConfigureAwait(false);
        if (request?.PatientId is not { } patientId || !IsId(patientId))
        {
            return Problem(400, "Invalid assignment", "Send JSON {\"patientId\":…, \"at\":… (optional, default now)}.");
        }

        return await registry.AssignAsync(id, patientId, request.At ?? timeProvider.GetUtcNow(), context.RequestAborted).ConfigureAwait(false)
            ? Results.Json(View(registry, id), DeviceJsonContext.Default.DeviceView)
            : Problem(404, "Unknown device", "Register the device first (POST /api/devices).");
    }

    private static async Task<IResult> UnassignAsync(string id, HttpContext context, DeviceRegistry registry, TimeProvider timeProvider)
    {
        var request = await ReadAsync(context, DeviceJsonContext.Default.AssignRequest).ConfigureAwait(false);
        return await registry.UnassignAsync(id, request?.At ?? timeProvider.GetUtcNow(), context.RequestAborted).ConfigureAwait(false)
            ? Results.Json(View(registry, id), DeviceJsonContext.Default.DeviceView)
            : Problem(404, "Unknown device", "Register the device first (POST /api/devices).");
    }

    private static async Task<IResult> ConsentAsync(string id, HttpContext context, DeviceRegistry registry)
    {
        if (!IsId(id))
        {
            return Problem(400, "Invalid patient id", $"A patient id is 1–{MaxIdLength} printable characters.");
        }

        var request = await ReadAsync(context, DeviceJsonContext.Default.ConsentRequest).ConfigureAwait(false);
        var actor = Actor(context.User);
        var ct = context.RequestAborted;
        return (request?.Action ?? "record") switch
        {
            "record" => Results.Json(
                await registry.RecordConsentAsync(id, string.IsNullOrWhiteSpace(request?.Scope) ? "monitoring" : request.Scope, actor, ct).ConfigureAwait(false),
                DeviceJsonContext.Default.ConsentView),
            "withdraw" => Results.Json(await registry.WithdrawConsentAsync(id, actor, ct).ConfigureAwait(false), DeviceJsonContext.Default.ConsentView),
            _ => Problem(400, "Invalid consent action", "action is 'record' (default) or 'withdraw'."),
        };
    }

    private static async Task<T?> ReadAsync<T>(HttpContext context, System.Text.Json.Serialization.Metadata.JsonTypeInfo<T> type)
        where T : class
    {
        if (!context.Request.HasJsonContentType())
        {
            return null;
        }

        try
        {
            return await context.Request.ReadFromJsonAsync(type, context.RequestAborted).ConfigureAwait(false);
        }
        catch (JsonException)
        {
            return null;
        }
    }

    /// <summary>Longest device or patient id the registry accepts.</summary>
    public const int MaxIdLength = 128;

    /// <summary>1–<see cref="MaxIdLength"/> characters, none of them whitespace or control characters (ids end up in MQTT topics).</summary>
    internal static bool IsId(string value) =>
        value.Length is > 0 and <= MaxIdLength && !value.Any(c => char.IsWhiteSpace(c) || char.IsControl(c));

    private static DeviceView View(DeviceRegistry registry, string deviceId) =>
        registry.Devices.First(d => string.Equals(d.DeviceId, deviceId, StringComparison.Ordinal));

    private static string Actor(ClaimsPrincipal user) => EdgeClaims.User(user)?.Username ?? "unknown";

    private static IResult Problem(int status, string title, string detail) =>
        Results.Json(new DeviceProblem(title, status, detail), DeviceJsonContext.Default.DeviceProblem, statusCode: status);
}

using System.Text;
using System.Text.Json;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Http.Features;
using Microsoft.AspNetCore.Routing;
using Microsoft.Extensions.Hosting;
using WearableEdge.EdgeService.Alerts;

namespace WearableEdge.EdgeService.Api;

/// <summary>
/// <c>GET /api/alerts/stream</c>: server-sent events. Each time an alert is stored (raised, updated,
/// escalated, re-alerted, acknowledged, silenced, resolved) an <c>alert</c> event carries its
/// AlertMessage JSON; the store hands it to the <see cref="AlertFeed"/> right after the commit and
/// this loop writes and flushes at once. A <c>: keepalive</c> comment every 15 s keeps proxies from
/// closing an idle stream.
/// </summary>
public static class AlertStream
{
    /// <summary>Time between keep-alive comments on an idle stream.</summary>
    public static readonly TimeSpan KeepAlive = TimeSpan.FromSeconds(15);

    public static IEndpointRouteBuilder MapAlertStream(this IEndpointRouteBuilder endpoints)
    {
        ArgumentNullException.ThrowIfNull(endpoints);
        endpoints.MapGet("/api/alerts/stream", StreamAsync);
        return endpoints;
    }

    private static async Task StreamAsync(HttpContext context, AlertFeed feed, TimeProvider timeProvider, IHostApplicationLifetime lifetime)
    {
        using var stopping = CancellationTokenSource.CreateLinkedTokenSource(context.RequestAborted, lifetime.ApplicationStopping);
        var cancellationToken = stopping.Token;
        var response = context.Response;
        response.ContentType = "text/event-stream";
        response.Headers.CacheControl = "no-cache";
        response.Headers["X-Accel-Buffering"] = "no";
        context.Features.Get<IHttpResponseBodyFeature>()?.DisableBuffering();

        using var listener = feed.Listen();
        try
        {
            await WriteAsync(response, ": connected\n\n", cancellationToken).ConfigureAwait(false);
            while (!cancellationToken.IsCancellationRequested)
            {
                using var idle = new CancellationTokenSource(KeepAlive, timeProvider);
                using var wait = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken, idle.Token);
                bool more;
                try
                {
                    more = await listener.Alerts.WaitToReadAsync(wait.Token).ConfigureAwait(false);
                }
                catch (OperationCanceledException) when (!cancellationToken.IsCancellationRequested)
                {
                    await WriteAsync(response, ": keepalive\n\n", cancellationToken).ConfigureAwait(false);
                    continue;
                }

                if (!more)
                {
                    return;
                }

                var events = new StringBuilder();
                while (listener.Alerts.TryRead(out var alert))
                {
                    events.Append("event: alert\ndata: ")
                        .Append(JsonSerializer.Serialize(alert, AlertApiJsonContext.Default.AlertMessage))
                        .Append("\n\n");
                }

                await WriteAsync(response, events.ToString(), cancellationToken).ConfigureAwait(false);
            }
        }
        catch (OperationCanceledException) when (cancellationToken.IsCancellationRequested)
        {
            // The client went away or the service is stopping: the stream just ends.
        }
    }

    private static async Task WriteAsync(HttpResponse response, string text, CancellationToken cancellationToken)
    {
        await response.WriteAsync(text, cancellationToken).ConfigureAwait(false);
        await response.Body.FlushAsync(cancellationToken).ConfigureAwait(false);
    }
}

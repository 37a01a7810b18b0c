using System.Collections.Frozen;
using System.Reflection;
using Microsoft.AspNetCore.Authentication;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Routing;
using Microsoft.Extensions.DependencyInjection;

namespace WearableEdge.EdgeService.Api;

/// <summary>
/// The nurse dashboard: static files (<c>wwwroot/</c>, embedded in the assembly so the binary,
/// <c>dotnet run</c> and the tests serve the same bytes, with no CDN and no build step), the
/// OpenAPI document at <see cref="OpenApiPath"/>, and security headers on every response.
/// </summary>
public static class DashboardEndpoints
{
    /// <summary>Where the OpenAPI document of the HTTP API is served.</summary>
    public const string OpenApiPath = "/openapi/v1.json";

    /// <summary>
    /// Only this service's own scripts, styles, images and connections (SSE, fetch); never framed.
    /// No inline script or style: the pages have none.
    /// </summary>
    public const string ContentSecurityPolicy =
        "default-src 'self'; script-src 'self'; style-src 'self'; img-src 'self' data:; connect-src 'self'; " +
        "object-src 'none'; base-uri 'self'; form-action 'self'; frame-ancestors 'none'";

    private const string ResourcePrefix = "wwwroot/";

    /// <summary>Served without sign-in: the sign-in page and what it loads.</summary>
    private static readonly FrozenDictionary<string, string> PublicFiles = new Dictionary<string, string>(StringComparer.Ordinal)
    {
        ["/login"] = "login.html",
        ["/login.html"] = "login.html",
        ["/login.js"] = "login.js",
        ["/app.css"] = "app.css",
    }.ToFrozenDictionary(StringComparer.Ordinal);

    /// <summary>Served to a signed-in user only.</summary>
    private static readonly FrozenDictionary<string, string> SignedInFiles = new Dictionary<string, string>(StringComparer.Ordinal)
    {
        ["/"] = "index.html",
        ["/index.html"] = "index.html",
        ["/app.js"] = "app.js",
    }.ToFrozenDictionary(StringComparer.Ordinal);

    private static readonly FrozenDictionary<string, string> ContentTypes = new Dictionary<string, string>(StringComparer.Ordinal)
    {
        [".html"] = "text/html; charset=utf-8",
        [".js"] = "text/javascript; charset=utf-8",
        [".css"] = "text/css; charset=utf-8",
    }.ToFrozenDictionary(StringComparer.Ordinal);

    /// <summary>Registers the OpenAPI document generator.</summary>
    public static IServiceCollection AddDashboard(this IServiceCollection services)
    {
        ArgumentNullException.ThrowIfNull(services);
        services.AddOpenApi(options => options.AddDocumentTransformer((document, _, _) =>
        {
            document.Info.Title = "WearableEdge edge service";
            document.Info.Description =
                "Alerts, patients and models of one gateway. Every operation needs a signed-in user (session cookie from POST /auth/login) " +
                "or `Authorization: Bearer <token>`, except GET /health and POST /auth/login. Live alerts: GET /api/alerts/stream (server-sent events).";
            return Task.CompletedTask;
        }));
        return services;
    }

    /// <summary>
    /// Adds the security headers to every response; call first, so redirects and errors carry them too.
    /// CSP and <c>frame-ancestors 'none'</c> against injected scripts and click-jacking,
    /// <c>nosniff</c> so a JSON answer is never run as a script, no referrer leaves the ward network.
    /// </summary>
    public static IApplicationBuilder UseSecurityHeaders(this IApplicationBuilder app)
    {
        ArgumentNullException.ThrowIfNull(app);
        return app.Use(async (context, next) =>
        {
            var headers = context.Response.Headers;
            headers.ContentSecurityPolicy = ContentSecurityPolicy;
            headers.XContentTypeOptions = "nosniff";
            headers.XFrameOptions = "DENY";
            headers["Referrer-Policy"] = "no-referrer";
            await next(context).ConfigureAwait(false);
        });
    }

    /// <summary>
    /// Maps the pages and the OpenAPI document. The dashboard, its script and the OpenAPI document
    /// require a signed-in user whenever authentication is configured; the sign-in page does not.
    /// </summary>
    public static IEndpointRouteBuilder MapDashboard(this IEndpointRouteBuilder endpoints)
    {
        ArgumentNullException.ThrowIfNull(endpoints);
        var authentication = endpoints.ServiceProvider.GetService<IAuthenticationSchemeProvider>() is not null;
        foreach (var (route, file) in PublicFiles)
        {
            endpoints.MapGet(route, () => File(file)).AllowAnonymous().ExcludeFromDescription();
        }

        foreach (var (route, file) in SignedInFiles)
        {
            var page = endpoints.MapGet(route, () => File(file)).ExcludeFromDescription();
            if (authentication)
            {
                page.RequireAuthorization();
            }
        }

        var openApi = endpoints.MapOpenApi(OpenApiPath);
        if (authentication)
        {
            openApi.RequireAuthorization();
        }

        return endpoints;
    }

    /// <summary>The embedded file, not cached by the browser beyond a revalidation (the gateway may be updated in place).</summary>
    private static IResult File(string name)
    {
        var stream = typeof(DashboardEndpoints).Assembly.GetManifestResourceStream(ResourcePrefix + name)
            ?? throw new InvalidOperationException($"The dashboard file {name} is not embedded in {typeof(DashboardEndpoints).Assembly.GetName().Name}.");
        return new EmbeddedFileResult(stream, ContentTypes[Path.GetExtension(name)]);
    }

    private sealed class EmbeddedFileResult(Stream stream, string contentType) : IResult
    {
        public async Task ExecuteAsync(HttpContext httpContext)
        {
            await using (stream.ConfigureAwait(false))
            {
                httpContext.Response.ContentType = contentType;
                httpContext.Response.Headers.CacheControl = "no-cache";
                httpContext.Response.ContentLength = stream.Length;
                await stream.CopyToAsync(httpContext.Response.Body, httpContext.RequestAborted).ConfigureAwait(false);
            }
        }
    }

    /// <summary>The names of the embedded dashboard files (for tests).</summary>
    internal static IReadOnlyList<string> EmbeddedFiles() =>
        [.. Assembly.GetExecutingAssembly().GetManifestResourceNames().Where(n => n.StartsWith(ResourcePrefix, StringComparison.Ordinal))];
}

using System.Globalization;
using System.Threading.RateLimiting;
using Microsoft.AspNetCore.Authentication;
using Microsoft.AspNetCore.Authentication.Cookies;
using Microsoft.AspNetCore.Authorization;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.DataProtection;
using Microsoft.AspNetCore.DataProtection.KeyManagement;
using Microsoft.AspNetCore.DataProtection.Repositories;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.RateLimiting;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;
using WearableEdge.EdgeService.Storage;

namespace WearableEdge.EdgeService.Auth;

/// <summary>
/// Access control: cookie sessions for the page, bearer tokens for machine clients, one policy
/// scheme choosing between them, and a fallback policy so every endpoint needs a signed-in user
/// unless it says otherwise (<c>/health</c>, <c>POST /auth/login</c>, the sign-in page).
/// </summary>
public static class AuthRegistration
{
    /// <summary>The default scheme: bearer when the request carries <c>Authorization: Bearer</c>, else the cookie.</summary>
    public const string PolicyScheme = "WearableEdge";

    /// <summary>Rate-limiter policy on <c>POST /auth/login</c>.</summary>
    public const string SignInRateLimit = "sign-in";

    /// <summary>Name of the session cookie.</summary>
    public const string CookieName = "WearableEdge.Session";

    /// <summary>
    /// The sign-in page and its assets, served to anyone (GET/HEAD only): the page must load before
    /// its user can sign in. Every other path needs a signed-in user.
    /// </summary>
    public static readonly IReadOnlySet<string> PublicPagePaths = new HashSet<string>(StringComparer.OrdinalIgnoreCase)
    {
        "/login", "/login.html", "/login.css", "/login.js", "/app.css", "/favicon.ico",
    };

    public static IServiceCollection AddEdgeAuth(this IServiceCollection services)
    {
        ArgumentNullException.ThrowIfNull(services);
        services.AddOptions<AuthOptions>().BindConfiguration(AuthOptions.SectionName).ValidateOnStart();
        services.AddSingleton<IValidateOptions<AuthOptions>, AuthOptionsValidator>();
        services.AddSingleton<UserStore>();
        services.AddSingleton<TokenStore>();
        services.AddHostedService<AuthBootstrap>();
        services.ConfigureHttpJsonOptions(json => json.SerializerOptions.TypeInfoResolverChain.Insert(0, AuthJsonContext.Default));

        // Session cookies are encrypted with Data Protection keys kept beside the store, so a
        // restart does not sign every nurse out.
        // The keys are as safe as the store itself: both rely on the data folder's file permissions.
        // Without a certificate, Data Protection warns at every start that keys are stored
        // unencrypted; that is the deliberate design here, so only its errors are logged.
        services.AddDataProtection().SetApplicationName("WearableEdge");
        services.AddLogging(logging => logging.AddFilter(typeof(XmlKeyManager).FullName, LogLevel.Error));
        services.AddOptions<KeyManagementOptions>().Configure<IOptions<StorageOptions>, ILoggerFactory>((keys, storage, loggers) =>
            keys.XmlRepository = new FileSystemXmlRepository(new DirectoryInfo(Path.Combine(Path.GetFullPath(storage.Value.DataDirectory), "keys")), loggers));

        services.AddAuthentication(PolicyScheme)
            .AddPolicyScheme(PolicyScheme, "Cookie or bearer", scheme => scheme.ForwardDefaultSelector = context =>
                context.Request.Headers.Authorization.ToString().StartsWith(BearerTokenHandler.SchemeName + " ", StringComparison.OrdinalIgnoreCase)
                    ? BearerTokenHandler.SchemeName
                    : CookieAuthenticationDefaults.AuthenticationScheme)
            .AddScheme<AuthenticationSchemeOptions, BearerTokenHandler>(BearerTokenHandler.SchemeName, null)
            .AddCookie();
        services.AddOptions<CookieAuthenticationOptions>(CookieAuthenticationDefaults.AuthenticationScheme)
            .Configure<IOptions<AuthOptions>>((cookie, auth) => ConfigureCookie(cookie, auth.Value));

        services.AddSingleton<IAuthorizationHandler, SignedInOrPublicPageHandler>();
        services.AddAuthorizationBuilder()
            .SetFallbackPolicy(new AuthorizationPolicyBuilder().AddRequirements(new SignedInOrPublicPageRequirement()).Build())
            .AddPolicy(AuthPolicies.Admin, policy => policy.RequireAuthenticatedUser().RequireRole(Roles.Admin));

        services.AddRateLimiter(limiter =>
        {
            limiter.RejectionStatusCode = StatusCodes.Status429TooManyRequests;
            limiter.AddPolicy(SignInRateLimit, context =>
            {
                var auth = context.RequestServices.GetRequiredService<IOptions<AuthOptions>>().Value;
                return RateLimitPartition.GetFixedWindowLimiter(ClientAddress(context), _ => new FixedWindowRateLimiterOptions
                {
                    PermitLimit = auth.SignInAttempts,
                    Window = auth.SignInWindow,
                    QueueLimit = 0,
                    AutoReplenishment = true,
                });
            });
            limiter.OnRejected = (rejected, _) =>
            {
                var window = rejected.HttpContext.RequestServices.GetRequiredService<IOptions<AuthOptions>>().Value.SignInWindow;
                var retryAfter = rejected.Lease.TryGetMetadata(MetadataName.RetryAfter, out var wait) ? wait : window;
                var seconds = Math.Max(1, (int)Math.Ceiling(retryAfter.TotalSeconds));
                rejected.HttpContext.Response.Headers.RetryAfter = seconds.ToString(CultureInfo.InvariantCulture);
                Log.SignInRateLimited(
                    rejected.HttpContext.RequestServices.GetRequiredService<ILoggerFactory>().CreateLogger(typeof(AuthEndpoints)),
                    ClientAddress(rejected.HttpContext),
                    seconds);
                return ValueTask.CompletedTask;
            };
        });
        return services;
    }

    /// <summary>Authentication, authorization and the rate limiter, in that order; call before mapping endpoints.</summary>
    public static WebApplication UseEdgeAuth(this WebApplication app)
    {
        ArgumentNullException.ThrowIfNull(app);
        app.UseAuthentication();
        app.UseAuthorization();
        app.UseRateLimiter();
        return app;
    }

    internal static string ClientAddress(HttpContext context) => context.Connection.RemoteIpAddress?.ToString() ?? "unknown";

    /// <summary>API paths answer 401/403; only a page request from a browser is redirected to the sign-in page.</summary>
    internal static bool IsApiRequest(HttpRequest request) =>
        request.Path.StartsWithSegments("/api", StringComparison.OrdinalIgnoreCase)
        || request.Path.StartsWithSegments("/metrics", StringComparison.OrdinalIgnoreCase)
        || request.Path.StartsWithSegments("/auth", StringComparison.OrdinalIgnoreCase)
        || request.Path.StartsWithSegments("/openapi", StringComparison.OrdinalIgnoreCase)
        || !HttpMethods.IsGet(request.Method) && !HttpMethods.IsHead(request.Method)
        || !request.Headers.Accept.ToString().Contains("text/html", StringComparison.OrdinalIgnoreCase);

    private static void ConfigureCookie(CookieAuthenticationOptions cookie, AuthOptions auth)
    {
        cookie.Cookie.Name = CookieName;
        cookie.Cookie.HttpOnly = true;
        cookie.Cookie.SameSite = SameSiteMode.Strict;
        cookie.Cookie.SecurePolicy = CookieSecurePolicy.SameAsRequest;
        cookie.ExpireTimeSpan = auth.SessionLifetime;
        cookie.SlidingExpiration = true;
        cookie.LoginPath = "/login";
        cookie.ReturnUrlParameter = "returnUrl";
        cookie.Events = new CookieAuthenticationEvents
        {
            OnRedirectToLogin = context =>
            {
                if (IsApiRequest(context.Request))
                {
                    context.Response.StatusCode = StatusCodes.Status401Unauthorized;
                    context.Response.Headers.WWWAuthenticate = "Bearer";
                }
                else
                {
                    context.Response.Redirect(context.RedirectUri);
                }

                return Task.CompletedTask;
            },
            OnRedirectToAccessDenied = context =>
            {
                context.Response.StatusCode = StatusCodes.Status403Forbidden;
                return Task.CompletedTask;
            },

            // A session ends as soon as its user is disabled or changes role, not when the cookie expires.
            OnValidatePrincipal = async context =>
            {
                var claimed = context.Principal is { } principal ? EdgeClaims.User(principal) : null;
                var users = context.HttpContext.RequestServices.GetRequiredService<UserStore>();
                var current = claimed is null ? null : await users.FindAsync(claimed.Username, context.HttpContext.RequestAborted).ConfigureAwait(false);
                if (current is null || current.Role != claimed!.Role)
                {
                    context.RejectPrincipal();
                    await context.HttpContext.SignOutAsync(CookieAuthenticationDefaults.AuthenticationScheme).ConfigureAwait(false);
                }
            },
        };
    }
}

/// <summary>The fallback requirement: a signed-in user, or a GET of one of <see cref="AuthRegistration.PublicPagePaths"/>.</summary>
internal sealed class SignedInOrPublicPageRequirement : IAuthorizationRequirement;

internal sealed class SignedInOrPublicPageHandler : AuthorizationHandler<SignedInOrPublicPageRequirement>
{
    protected override Task HandleRequirementAsync(AuthorizationHandlerContext context, SignedInOrPublicPageRequirement requirement)
    {
        if (context.User.Identity?.IsAuthenticated == true
            || context.Resource is HttpContext { Request: var request }
                && (HttpMethods.IsGet(request.Method) || HttpMethods.IsHead(request.Method))
                && AuthRegistration.PublicPagePaths.Contains(request.Path.Value ?? ""))
        {
            context.Succeed(requirement);
        }

        return Task.CompletedTask;
    }
}

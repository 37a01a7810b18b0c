using System.Security.Claims;
using System.Security.Cryptography;
using System.Text;
using System.Text.Json;
using Microsoft.AspNetCore.Authentication;
using Microsoft.AspNetCore.Authentication.Cookies;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Routing;
using Microsoft.Extensions.Logging;

namespace WearableEdge.EdgeService.Auth;

/// <summary>
/// <c>POST /auth/login</c>, <c>POST /auth/logout</c>, <c>GET /api/me</c>, and the admin's
/// <c>/api/tokens</c> and <c>POST /api/users</c>.
/// </summary>
public static class AuthEndpoints
{
    public static IEndpointRouteBuilder MapAuthEndpoints(this IEndpointRouteBuilder endpoints)
    {
        ArgumentNullException.ThrowIfNull(endpoints);
        endpoints.MapPost("/auth/login", SignInAsync).AllowAnonymous().RequireRateLimiting(AuthRegistration.SignInRateLimit).DisableAntiforgery();
        endpoints.MapPost("/auth/logout", (Func<HttpContext, Task<IResult>>)SignOutAsync).AllowAnonymous().DisableAntiforgery();
        endpoints.MapGet("/api/me", (ClaimsPrincipal principal) =>
            EdgeClaims.User(principal) is { } user
                ? Results.Json(new MeView(user.Username, user.Role), AuthJsonContext.Default.MeView)
                : Results.Unauthorized());
        endpoints.MapGet("/api/tokens", async (TokenStore tokens, CancellationToken ct) =>
            Results.Json(await tokens.ListAsync(ct).ConfigureAwait(false), AuthJsonContext.Default.IReadOnlyListTokenInfo))
            .RequireAuthorization(AuthPolicies.Admin);
        endpoints.MapPost("/api/tokens", CreateTokenAsync).RequireAuthorization(AuthPolicies.Admin);
        endpoints.MapDelete("/api/tokens/{id}", RevokeTokenAsync).RequireAuthorization(AuthPolicies.Admin);
        endpoints.MapPost("/api/users", AddUserAsync).RequireAuthorization(AuthPolicies.Admin);
        return endpoints;
    }

    /// <summary>
    /// JSON <c>{username,password}</c> → 204 or 401; a form (<c>username</c>, <c>password</c>,
    /// optional <c>returnUrl</c>) → 302 to the local return URL (or <c>/</c>) or to <c>/login?error=1</c>.
    /// </summary>
    private static async Task<IResult> SignInAsync(HttpContext context, UserStore users, ILoggerFactory loggers)
    {
        var logger = loggers.CreateLogger(typeof(AuthEndpoints));
        var ct = context.RequestAborted;
        string? username, password, returnUrl = null;
        var isForm = context.Request.HasFormContentType;
        if (isForm)
        {
            var form = await context.Request.ReadFormAsync(ct).ConfigureAwait(false);
            username = form["username"];
            password = form["password"];
            returnUrl = form["returnUrl"];
        }
        else if (context.Request.HasJsonContentType())
        {
            SignInRequest? request;
            try
            {
                request = await context.Request.ReadFromJsonAsync(AuthJsonContext.Default.SignInRequest, ct).ConfigureAwait(false);
            }
            catch (JsonException)
            {
                request = null;
            }

            (username, password) = (request?.Username, request?.Password);
        }
        else
        {
            return Results.Json(
                new AuthProblem("Unsupported content type", 415, "Send a form or JSON {\"username\":…,\"password\":…}."),
                AuthJsonContext.Default.AuthProblem,
                statusCode: StatusCodes.Status415UnsupportedMediaType);
        }

        var client = AuthRegistration.ClientAddress(context);
        var user = string.IsNullOrEmpty(username) || string.IsNullOrEmpty(password)
            ? null
            : await users.VerifyAsync(username, password, ct).ConfigureAwait(false);
        if (user is null)
        {
            Log.SignInFailed(logger, Fingerprint(username), client);
            return isForm
                ? Results.Redirect("/login?error=1" + (IsLocal(returnUrl) ? "&returnUrl=" + Uri.EscapeDataString(returnUrl!) : ""))
                : Results.Json(new AuthProblem("Sign-in failed", 401, "Unknown user or wrong password."), AuthJsonContext.Default.AuthProblem, statusCode: 401);
        }

        await context.SignInAsync(
            CookieAuthenticationDefaults.AuthenticationScheme,
            new ClaimsPrincipal(EdgeClaims.Identity(user, CookieAuthenticationDefaults.AuthenticationScheme)),
            new AuthenticationProperties { IsPersistent = false }).ConfigureAwait(false);
        Log.SignedIn(logger, user.Role, client);
        return isForm ? Results.Redirect(IsLocal(returnUrl) ? returnUrl! : "/") : Results.NoContent();
    }

    private static async Task<IResult> SignOutAsync(HttpContext context)
    {
        await context.SignOutAsync(CookieAuthenticationDefaults.AuthenticationScheme).ConfigureAwait(false);
        return context.Request.HasFormContentType ? Results.Redirect("/login") : Results.NoContent();
    }

    private static async Task<IResult> CreateTokenAsync(
        TokenRequest? request, ClaimsPrincipal principal, TokenStore tokens, ILoggerFactory loggers, CancellationToken ct)
    {
        var username = string.IsNullOrWhiteSpace(request?.Username) ? principal.Identity!.Name! : request.Username;
        var name = string.IsNullOrWhiteSpace(request?.Name) ? "api" : request.Name;
        if (request?.ExpiresInDays is { } days && (double.IsNaN(days) || days <= 0 || days > 3650))
        {
            return Problem(400, "Invalid expiry", "expiresInDays must be between 0 and 3650.");
        }

        try
        {
            var issued = await tokens.CreateAsync(username, name, request?.ExpiresInDays is { } d ? TimeSpan.FromDays(d) : null, ct).ConfigureAwait(false);
            Log.TokenCreated(loggers.CreateLogger(typeof(AuthEndpoints)), issued.Id, issued.Name, issued.ExpiresAt);
            return Results.Json(issued, AuthJsonContext.Default.IssuedToken, statusCode: StatusCodes.Status201Created);
        }
        catch (UserStoreException e)
        {
            return Problem(404, "Unknown user", e.Message);
        }
    }

    private static async Task<IResult> RevokeTokenAsync(string id, TokenStore tokens, ILoggerFactory loggers, CancellationToken ct)
    {
        if (!await tokens.RevokeAsync(id, ct).ConfigureAwait(false))
        {
            return Problem(404, "Unknown token", "No token has this id.");
        }

        Log.TokenRevoked(loggers.CreateLogger(typeof(AuthEndpoints)), id);
        return Results.NoContent();
    }

    private static async Task<IResult> AddUserAsync(UserRequest? request, UserStore users, ILoggerFactory loggers, CancellationToken ct)
    {
        if (request is null)
        {
            return Problem(400, "Invalid user", "Send JSON {\"username\":…,\"password\":…,\"role\":\"nurse|admin\"}.");
        }

        if (await users.FindAsync(request.Username ?? "", ct).ConfigureAwait(false) is not null)
        {
            return Problem(409, "User exists", $"a user named '{request.Username}' already exists.");
        }

        try
        {
            var user = await users.AddAsync(request.Username ?? "", request.Password ?? "", request.Role ?? "", ct).ConfigureAwait(false);
            Log.UserAdded(loggers.CreateLogger(typeof(AuthEndpoints)), user.Role);
            return Results.Json(user, AuthJsonContext.Default.EdgeUser, statusCode: StatusCodes.Status201Created);
        }
        catch (UserStoreException e)
        {
            return Problem(e.Message.Contains("already exists", StringComparison.Ordinal) ? 409 : 400, "Invalid user", e.Message);
        }
    }

    private static IResult Problem(int status, string title, string detail) =>
        Results.Json(new AuthProblem(title, status, detail), AuthJsonContext.Default.AuthProblem, statusCode: status);

    /// <summary>A local path only (<c>/…</c>, not <c>//host</c> or <c>/\host</c>): no open redirect.</summary>
    private static bool IsLocal(string? url) =>
        !string.IsNullOrEmpty(url) && url[0] == '/' && (url.Length == 1 || url[1] is not ('/' or '\\'));

    /// <summary>First 8 hex digits of SHA-256 of the lower-cased user name: correlates attempts, does not reveal what was typed.</summary>
    internal static string Fingerprint(string? username) =>
        string.IsNullOrEmpty(username) ? "(none)" : Convert.ToHexStringLower(SHA256.HashData(Encoding.UTF8.GetBytes(username.ToLowerInvariant())))[..8];
}

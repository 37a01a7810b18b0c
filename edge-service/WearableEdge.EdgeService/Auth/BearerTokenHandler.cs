using System.Security.Claims;
using System.Text.Encodings.Web;
using Microsoft.AspNetCore.Authentication;
using Microsoft.AspNetCore.Http;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;

namespace WearableEdge.EdgeService.Auth;

/// <summary><c>Authorization: Bearer wet_…</c>: looks the token's hash up in <see cref="TokenStore"/>.</summary>
internal sealed class BearerTokenHandler(
    IOptionsMonitor<AuthenticationSchemeOptions> options, ILoggerFactory loggerFactory, UrlEncoder encoder, TokenStore tokens)
    : AuthenticationHandler<AuthenticationSchemeOptions>(options, loggerFactory, encoder)
{
    public const string SchemeName = "Bearer";

    protected override async Task<AuthenticateResult> HandleAuthenticateAsync()
    {
        var header = Request.Headers.Authorization.ToString();
        if (!header.StartsWith(SchemeName + " ", StringComparison.OrdinalIgnoreCase))
        {
            return AuthenticateResult.NoResult();
        }

        var user = await tokens.AuthenticateAsync(header[(SchemeName.Length + 1)..].Trim(), Context.RequestAborted).ConfigureAwait(false);
        if (user is null)
        {
            return AuthenticateResult.Fail("The bearer token is unknown, expired or revoked.");
        }

        var principal = new ClaimsPrincipal(EdgeClaims.Identity(user, SchemeName));
        return AuthenticateResult.Success(new AuthenticationTicket(principal, SchemeName));
    }

    protected override Task HandleChallengeAsync(AuthenticationProperties properties)
    {
        Response.StatusCode = StatusCodes.Status401Unauthorized;
        Response.Headers.WWWAuthenticate = Request.Headers.Authorization.Count > 0 ? "Bearer error=\"invalid_token\"" : "Bearer";
        return Task.CompletedTask;
    }
}

/// <summary>The claims every scheme puts on a signed-in user: name and role.</summary>
internal static class EdgeClaims
{
    public static ClaimsIdentity Identity(EdgeUser user, string scheme) => new(
        [new Claim(ClaimTypes.Name, user.Username), new Claim(ClaimTypes.Role, user.Role)],
        scheme,
        ClaimTypes.Name,
        ClaimTypes.Role);

    public static EdgeUser? User(ClaimsPrincipal principal) =>
        principal.Identity is { IsAuthenticated: true, Name: { } name } && principal.FindFirst(ClaimTypes.Role)?.Value is { } role
            ? new EdgeUser(name, role)
            : null;
}

using System.Net.Http.Headers;
using Microsoft.AspNetCore.Builder;
using Microsoft.Extensions.DependencyInjection;
using WearableEdge.EdgeService.Auth;

namespace WearableEdge.EdgeService.Tests.Auth;

/// <summary>Signed-in clients for a started in-process host: a new user of a role and a bearer token, through the service's own stores.</summary>
internal static class TestAccess
{
    public const string Password = "unit-test-password-123";

    /// <summary>Creates a user of <paramref name="role"/> and returns its bearer token.</summary>
    public static async Task<string> TokenAsync(WebApplication app, string role, CancellationToken cancellationToken, string? username = null)
    {
        username ??= $"t-{role}-{Guid.NewGuid():N}"[..16];
        await app.Services.GetRequiredService<UserStore>().AddAsync(username, Password, role, cancellationToken);
        return (await app.Services.GetRequiredService<TokenStore>().CreateAsync(username, "unit-test", lifetime: null, cancellationToken)).Token;
    }

    /// <summary>A client with <c>Authorization: Bearer</c> for a new user of <paramref name="role"/>.</summary>
    public static async Task<HttpClient> ClientAsync(WebApplication app, string role, CancellationToken cancellationToken) =>
        Client(app, await TokenAsync(app, role, cancellationToken));

    /// <summary>A client that sends <paramref name="token"/> as a bearer token (none when null), follows no redirect and keeps cookies.</summary>
    public static HttpClient Client(WebApplication app, string? token)
    {
        var http = new HttpClient(new HttpClientHandler { AllowAutoRedirect = false, UseCookies = true }) { BaseAddress = new Uri(app.ListeningAddresses()[0]) };
        if (token is not null)
        {
            http.DefaultRequestHeaders.Authorization = new AuthenticationHeaderValue("Bearer", token);
        }

        return http;
    }
}

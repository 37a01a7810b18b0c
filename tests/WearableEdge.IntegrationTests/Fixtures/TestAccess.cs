using System.Net.Http.Headers;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Options;
using WearableEdge.EdgeService.Auth;
using WearableEdge.EdgeService.Storage;

namespace WearableEdge.IntegrationTests.Fixtures;

/// <summary>
/// Signed-in HTTP clients for tests: a fresh user of the asked role and a bearer token for it,
/// created through the service's own <see cref="UserStore"/> and <see cref="TokenStore"/>.
/// </summary>
internal static class TestAccess
{
    /// <summary>Password of every user the tests create (the policy asks for at least 12 characters).</summary>
    public const string Password = "integration-test-password";

    /// <summary>A new user of <paramref name="role"/> (<see cref="Roles.Nurse"/> or <see cref="Roles.Admin"/>) in a running in-process host, and its token.</summary>
    public static Task<string> CreateTokenAsync(IServiceProvider services, string role, CancellationToken cancellationToken) =>
        CreateTokenAsync(services.GetRequiredService<UserStore>(), services.GetRequiredService<TokenStore>(), role, cancellationToken);

    /// <summary>
    /// A new user and token written straight into the store in <paramref name="dataDirectory"/>
    /// (migrated first), for a service that runs as a child process, before or while it runs.
    /// </summary>
    public static async Task<string> CreateTokenAsync(string dataDirectory, string role, CancellationToken cancellationToken)
    {
        var database = new EdgeDatabase(Options.Create(new StorageOptions { DataDirectory = dataDirectory }));
        await database.MigrateAsync(cancellationToken);
        return await CreateTokenAsync(new UserStore(database, TimeProvider.System), new TokenStore(database, TimeProvider.System), role, cancellationToken);
    }

    /// <summary>An HTTP client that sends <c>Authorization: Bearer <paramref name="token"/></c>; no header when null.</summary>
    public static HttpClient Client(Uri baseUri, string? token)
    {
        var http = new HttpClient { BaseAddress = baseUri, Timeout = TimeSpan.FromSeconds(10) };
        if (token is not null)
        {
            http.DefaultRequestHeaders.Authorization = new AuthenticationHeaderValue("Bearer", token);
        }

        return http;
    }

    private static async Task<string> CreateTokenAsync(UserStore users, TokenStore tokens, string role, CancellationToken cancellationToken)
    {
        var username = $"it-{role}-{Guid.NewGuid():N}"[..20];
        await users.AddAsync(username, Password, role, cancellationToken);
        return (await tokens.CreateAsync(username, "integration-test", lifetime: null, cancellationToken)).Token;
    }
}

using System.Security.Cryptography;
using Microsoft.AspNetCore.Hosting.Server;
using Microsoft.AspNetCore.Hosting.Server.Features;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;
using WearableEdge.EdgeService.Demo;

namespace WearableEdge.EdgeService.Auth;

/// <summary>
/// At start-up, after the store is migrated: creates the configured first admin when no admin
/// exists (<c>Auth:BootstrapAdmin</c>), and in the demo a nurse with a random password and an
/// admin bearer token, printed once to the console (never to the log).
/// </summary>
internal sealed class AuthBootstrap(
    UserStore users,
    TokenStore tokens,
    IOptions<AuthOptions> auth,
    IOptions<DemoOptions> demo,
    IHostApplicationLifetime lifetime,
    IServiceProvider services,
    ILogger<AuthBootstrap> logger) : IHostedService
{
    /// <summary>User name of the demo nurse.</summary>
    public const string DemoNurse = "nurse";

    /// <summary>User name behind the demo's admin token.</summary>
    public const string DemoAdmin = "demo-admin";

    public async Task StartAsync(CancellationToken cancellationToken)
    {
        var bootstrap = auth.Value.BootstrapAdmin;
        if (bootstrap is { Username: { } username, PasswordFile: { } file } && !await users.AnyAdminAsync(cancellationToken).ConfigureAwait(false))
        {
            // The validator has read and checked this file already; read it again for the value.
            _ = PasswordPolicy.TryReadPasswordFile(file, out var password, out _);
            await users.AddAsync(username, password ?? "", Roles.Admin, cancellationToken).ConfigureAwait(false);
            Log.BootstrapAdminCreated(logger);
        }

        if (demo.Value.Enabled)
        {
            var nursePassword = RandomPassword();
            await AddOrResetAsync(DemoNurse, nursePassword, Roles.Nurse, cancellationToken).ConfigureAwait(false);
            await AddOrResetAsync(DemoAdmin, RandomPassword(), Roles.Admin, cancellationToken).ConfigureAwait(false);
            var token = await tokens.CreateAsync(DemoAdmin, "demo", lifetime: null, cancellationToken).ConfigureAwait(false);
            lifetime.ApplicationStarted.Register(() => PrintDemoCredentials(nursePassword, token.Token));
        }
    }

    public Task StopAsync(CancellationToken cancellationToken) => Task.CompletedTask;

    /// <summary>18 random base64url characters (108 bits): easy to copy, far past any guessing budget.</summary>
    internal static string RandomPassword() => System.Buffers.Text.Base64Url.EncodeToString(RandomNumberGenerator.GetBytes(18)).Replace('-', 'x').Replace('_', 'y');

    private async Task AddOrResetAsync(string username, string password, string role, CancellationToken cancellationToken)
    {
        if (await users.FindAsync(username, cancellationToken).ConfigureAwait(false) is null)
        {
            await users.AddAsync(username, password, role, cancellationToken).ConfigureAwait(false);
        }
        else
        {
            await users.SetPasswordAsync(username, password, cancellationToken).ConfigureAwait(false);
        }
    }

    private void PrintDemoCredentials(string nursePassword, string adminToken)
    {
        var address = services.GetService<IServer>()?.Features.Get<IServerAddressesFeature>()?.Addresses.FirstOrDefault() ?? EdgeServiceHost.DefaultUrl;
        Console.WriteLine($"Demo nurse sign-in: {address}/  user {DemoNurse}  password {nursePassword}");
        Console.WriteLine($"Demo admin token (Authorization: Bearer): {adminToken}");
    }
}

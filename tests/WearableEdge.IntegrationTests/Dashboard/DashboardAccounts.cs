using System.Diagnostics;
using System.Net;
using System.Net.Http.Json;
using System.Security.Cryptography;
using WearableEdge.IntegrationTests.EndToEnd;

namespace WearableEdge.IntegrationTests.Dashboard;

/// <summary>Nurse accounts for browser tests, created as an operator does: the service's <c>add-user</c> CLI verb.</summary>
internal static class DashboardAccounts
{
    /// <summary>Creates a nurse in the service's local store and returns the random password it was given.</summary>
    public static async Task<string> CreateNurseAsync(EdgeServiceInstance service, string username, CancellationToken cancellationToken)
    {
        var password = Convert.ToBase64String(RandomNumberGenerator.GetBytes(18));
        var passwordFile = Path.Combine(service.DataDirectory, $"{username}.password");
        await File.WriteAllTextAsync(passwordFile, password, cancellationToken);

        var start = new ProcessStartInfo("dotnet") { RedirectStandardOutput = true, RedirectStandardError = true, UseShellExecute = false };
        foreach (var argument in new[]
        {
            Path.Combine(AppContext.BaseDirectory, "WearableEdge.EdgeService.dll"),
            "add-user", "--user", username, "--role", "nurse", "--password-file", passwordFile,
            $"--Storage:DataDirectory={service.DataDirectory}",
        })
        {
            start.ArgumentList.Add(argument);
        }

        using var process = Process.Start(start) ?? throw new InvalidOperationException("add-user did not start.");
        var stdout = process.StandardOutput.ReadToEndAsync(cancellationToken);
        var stderr = process.StandardError.ReadToEndAsync(cancellationToken);
        using var deadline = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
        deadline.CancelAfter(TimeSpan.FromSeconds(60));
        await process.WaitForExitAsync(deadline.Token);
        File.Delete(passwordFile);
        if (process.ExitCode != 0)
        {
            throw new InvalidOperationException($"add-user exited with {process.ExitCode}: {await stdout}{await stderr}");
        }

        return password;
    }

    /// <summary>Signs in with <c>POST /auth/login</c> (JSON) and returns a client that carries the session cookie.</summary>
    public static async Task<HttpClient> SignInAsync(Uri baseUri, string username, string password, CancellationToken cancellationToken)
    {
        var client = new HttpClient(new HttpClientHandler { CookieContainer = new CookieContainer(), AllowAutoRedirect = false })
        {
            BaseAddress = baseUri,
            Timeout = TimeSpan.FromSeconds(10),
        };
        using var response = await client.PostAsJsonAsync("auth/login", new Dictionary<string, string> { ["username"] = username, ["password"] = password }, cancellationToken);
        if (response.StatusCode != HttpStatusCode.NoContent)
        {
            client.Dispose();
            throw new InvalidOperationException($"Sign-in as {username} answered {(int)response.StatusCode}.");
        }

        return client;
    }
}

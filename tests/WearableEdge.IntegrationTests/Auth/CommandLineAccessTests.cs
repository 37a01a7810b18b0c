using System.Diagnostics;
using System.Globalization;
using System.Net;
using System.Text.Json;
using Microsoft.Data.Sqlite;
using WearableEdge.IntegrationTests.Fixtures;
using Xunit;

namespace WearableEdge.IntegrationTests.Auth;

/// <summary>
/// The operator's path, as separate processes: <c>add-user</c> with the password on stdin,
/// <c>create-token</c>, then the service itself accepting that token and refusing no token.
/// </summary>
public sealed class CommandLineAccessTests : IDisposable
{
    private static readonly string ServiceDll = Path.Combine(AppContext.BaseDirectory, "WearableEdge.EdgeService.dll");
    private readonly string _data = Directory.CreateTempSubdirectory("wearable-edge-cli-").FullName;

    public void Dispose()
    {
        SqliteConnection.ClearAllPools();
        Directory.Delete(_data, recursive: true);
    }

    [Fact]
    public async Task AddUserThenCreateToken_ServiceAcceptsTheToken()
    {
        var ct = TestContext.Current.CancellationToken;
        var added = await RunAsync("night-shift-password\n", ct, "add-user", "--user", "ops.admin", "--role", "admin");
        var token = await RunAsync("", ct, "create-token", "--user", "ops.admin", "--name", "it", "--expires", "1d");
        Assert.True(added.Code == 0, added.Err);
        Assert.True(token.Code == 0, token.Err);

        var port = FreePort.Next().ToString(CultureInfo.InvariantCulture);
        var service = ChildProcess.Start(
            "dotnet",
            [ServiceDll, $"--urls=http://127.0.0.1:{port}", "--Mqtt:EmbeddedPort=0", $"--Storage:DataDirectory={_data}", "--Logging:LogLevel:Default=Warning"],
            _data);
        try
        {
            using var anonymous = TestAccess.Client(new Uri($"http://127.0.0.1:{port}/"), token: null);
            using var signedIn = TestAccess.Client(new Uri($"http://127.0.0.1:{port}/"), token.Out.Trim());
            Assert.True(await service.WaitUntilReadyAsync("edge service", async t => await AnswersAsync(anonymous, t), TimeSpan.FromSeconds(45), ct), service.Output);

            using var refused = await anonymous.GetAsync("api/alerts", ct);
            using var me = JsonDocument.Parse(await signedIn.GetStringAsync("api/me", ct));

            Assert.Equal(HttpStatusCode.Unauthorized, refused.StatusCode);
            Assert.Equal("ops.admin", me.RootElement.GetProperty("username").GetString());
            Assert.Equal("admin", me.RootElement.GetProperty("role").GetString());
        }
        finally
        {
            await service.StopAsync(TimeSpan.FromSeconds(10), CancellationToken.None);
        }
    }

    [Fact]
    public async Task BootstrapAdmin_ShortPasswordFile_Exit2NamingTheKey()
    {
        var ct = TestContext.Current.CancellationToken;
        var passwordFile = Path.Combine(_data, "admin.password");
        await File.WriteAllTextAsync(passwordFile, "short\n", ct);

        var result = await RunAsync(
            "", ct, $"--urls=http://127.0.0.1:{FreePort.Next().ToString(CultureInfo.InvariantCulture)}", "--Mqtt:EmbeddedPort=0",
            "--Auth:BootstrapAdmin:Username=head.nurse", $"--Auth:BootstrapAdmin:PasswordFile={passwordFile}");

        Assert.Equal(2, result.Code);
        Assert.Contains("Auth:BootstrapAdmin:PasswordFile: the password must be at least 12 characters long.", result.Err, StringComparison.Ordinal);
    }

    private static async Task<bool> AnswersAsync(HttpClient http, CancellationToken ct)
    {
        try
        {
            using var response = await http.GetAsync("health", ct);
            return response.IsSuccessStatusCode;
        }
        catch (HttpRequestException)
        {
            return false;
        }
    }

    private async Task<(int Code, string Out, string Err)> RunAsync(string stdin, CancellationToken ct, params string[] args)
    {
        var start = new ProcessStartInfo("dotnet")
        {
            RedirectStandardInput = true,
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            WorkingDirectory = _data,
        };
        start.ArgumentList.Add(ServiceDll);
        foreach (var argument in args)
        {
            start.ArgumentList.Add(argument);
        }

        start.ArgumentList.Add($"--Storage:DataDirectory={_data}");
        using var process = Process.Start(start)!;
        var output = process.StandardOutput.ReadToEndAsync(ct);
        var error = process.StandardError.ReadToEndAsync(ct);
        await process.StandardInput.WriteAsync(stdin);
        process.StandardInput.Close();
        using var timeout = CancellationTokenSource.CreateLinkedTokenSource(ct);
        timeout.CancelAfter(TimeSpan.FromSeconds(60));
        await process.WaitForExitAsync(timeout.Token);
        return (process.ExitCode, await output, await error);
    }
}

using System.Diagnostics;
using System.Globalization;
using System.Net;
using System.Net.Sockets;
using MQTTnet;
using MQTTnet.Formatter;
using WearableEdge.EdgeService.Ingest;
using WearableEdge.IntegrationTests.Fixtures;
using Xunit;

namespace WearableEdge.IntegrationTests.Security;

/// <summary>
/// deploy/mosquitto/setup-mosquitto.sh as a technician runs it, into a temp folder: the broker it
/// sets up starts, speaks TLS with the CA it made, and accepts the accounts it made and no others.
/// </summary>
public sealed class MqttSetupScriptTests
{
    private static string Script => Path.Combine(MqttSecureBroker.DeployFolder, "setup-mosquitto.sh");

    [Fact]
    public async Task SetupScript_TwiceThenMosquitto_AcceptsItsAccountsOverTlsAndKeepsItsFiles()
    {
        var ct = TestContext.Current.CancellationToken;
        string? etc = null;
        var definition = new LoopbackServerDefinition(
            "Mosquitto-setup",
            ChildProcess.ResolveExecutable("/usr/sbin/mosquitto", "mosquitto", "mosquitto"),
            (port, directory) =>
            {
                etc = Path.Combine(directory, "etc");
                if (!Directory.Exists(etc))
                {
                    RunTwiceAndCheckIdempotent(etc);
                }

                var config = File.ReadAllText(Path.Combine(etc, "mosquitto.conf"))
                    .Replace("\nlistener 8883\n", $"\nlistener {port.ToString(CultureInfo.InvariantCulture)} 127.0.0.1\n", StringComparison.Ordinal)
                    .Replace("/var/lib/mosquitto/", directory + "/", StringComparison.Ordinal)
                    .Replace("\nlog_dest syslog\n", "\nlog_dest stdout\n", StringComparison.Ordinal);
                config += $"user {Environment.UserName}\n";
                var configPath = Path.Combine(directory, "run.conf");
                File.WriteAllText(configPath, config);
                return ["-c", configPath];
            },
            IsAcceptingConnectionsAsync);
        await using var broker = await LoopbackServer.StartAsync(definition, ct);
        var uri = $"mqtts://localhost:{broker.Port.ToString(CultureInfo.InvariantCulture)}";

        foreach (var account in new[] { "wearable-edge", "patient-001" })
        {
            var options = new MqttOptions
            {
                CaFile = Path.Combine(etc!, "ca.crt"),
                Username = account,
                PasswordFile = Path.Combine(etc!, "secrets", account + ".password"),
            };
            Assert.Equal(MqttClientConnectResultCode.Success, await ConnectAsync(uri, options, ct));
        }

        Assert.NotEqual(
            MqttClientConnectResultCode.Success,
            await ConnectAsync(uri, new MqttOptions { CaFile = Path.Combine(etc!, "ca.crt") }, ct));
        Assert.NotEqual(
            MqttClientConnectResultCode.Success,
            await ConnectAsync(uri, new MqttOptions { CaFile = Path.Combine(etc!, "ca.crt"), Username = "patient-001", Password = "guess" }, ct));
    }

    [Fact]
    public void SetupScript_DeviceWithWildcard_IsRefused()
    {
        var directory = Directory.CreateTempSubdirectory("mqtt-setup-").FullName;
        try
        {
            var (exitCode, output) = Run(Script, "--dir", Path.Combine(directory, "etc"), "--device", "patient-#");

            Assert.Equal(2, exitCode);
            Assert.Contains("is not a patient id", output, StringComparison.Ordinal);
            Assert.False(Directory.Exists(Path.Combine(directory, "etc")));
        }
        finally
        {
            Directory.Delete(directory, recursive: true);
        }
    }

    /// <summary>Runs the script twice: the second run must add nothing and keep the CA and passwords.</summary>
    private static void RunTwiceAndCheckIdempotent(string etc)
    {
        var first = RunScript("--dir", etc, "--host", "localhost", "--device", "patient-001");
        Assert.Contains("added account patient-001", first, StringComparison.Ordinal);
        var ca = File.ReadAllText(Path.Combine(etc, "ca.crt"));
        var passwd = File.ReadAllText(Path.Combine(etc, "passwd"));

        var second = RunScript("--dir", etc, "--host", "localhost", "--device", "patient-001");

        Assert.DoesNotContain("added account", second, StringComparison.Ordinal);
        Assert.Equal(ca, File.ReadAllText(Path.Combine(etc, "ca.crt")));
        Assert.Equal(passwd, File.ReadAllText(Path.Combine(etc, "passwd")));
        Assert.Equal(3, passwd.Split('\n', StringSplitOptions.RemoveEmptyEntries).Length);
    }

    private static string RunScript(params string[] arguments)
    {
        var (exitCode, output) = Run(Script, arguments);
        Assert.True(exitCode == 0, $"setup-mosquitto.sh exited {exitCode}: {output}");
        return output;
    }

    private static (int ExitCode, string Output) Run(string executable, params string[] arguments)
    {
        using var process = Process.Start(new ProcessStartInfo("bash", [executable, .. arguments])
        {
            RedirectStandardOutput = true,
            RedirectStandardError = true,
        })!;
        var stdout = process.StandardOutput.ReadToEndAsync();
        var stderr = process.StandardError.ReadToEnd();
        process.WaitForExit();
        return (process.ExitCode, stdout.Result + stderr);
    }

    private static async Task<MqttClientConnectResultCode?> ConnectAsync(string uri, MqttOptions options, CancellationToken cancellationToken)
    {
        Assert.True(BrokerEndpoint.TryParse(uri, out var endpoint, out var error), error);
        var builder = new MqttClientOptionsBuilder()
            .WithTcpServer(endpoint.Host, endpoint.Port)
            .WithProtocolVersion(MqttProtocolVersion.V500)
            .WithClientId($"setup-test-{Guid.NewGuid():N}")
            .WithTimeout(TimeSpan.FromSeconds(10));
        using var client = new MqttClientFactory().CreateMqttClient();
        var result = await client.ConnectAsync(MqttClientSecurity.Apply(builder, endpoint, options).Build(), cancellationToken);
        if (client.IsConnected)
        {
            await client.DisconnectAsync(cancellationToken: cancellationToken);
        }

        return result.ResultCode;
    }

    private static async Task<bool> IsAcceptingConnectionsAsync(int port, CancellationToken cancellationToken)
    {
        using var client = new TcpClient();
        try
        {
            await client.ConnectAsync(IPAddress.Loopback, port, cancellationToken);
            return true;
        }
        catch (SocketException)
        {
            return false;
        }
    }
}

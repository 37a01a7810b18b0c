using System.Diagnostics;
using System.Globalization;
using System.Net;
using System.Net.Sockets;
using WearableEdge.IntegrationTests.Faults;
using WearableEdge.IntegrationTests.Fixtures;

namespace WearableEdge.IntegrationTests.Security;

/// <summary>
/// A real Mosquitto started from the committed deploy/mosquitto/mosquitto.conf and acl (paths,
/// port and log destination rewritten for a temp folder and a free 127.0.0.1 port), with a CA,
/// a server certificate for <c>localhost</c>, client certificates and a password file
/// (<c>mosquitto_passwd -b</c>) made for this run.
/// </summary>
internal sealed class MqttSecureBroker : IAsyncDisposable
{
    /// <summary>The host name in the server certificate; clients must connect by this name.</summary>
    public const string HostName = "localhost";

    /// <summary>Accounts of the password file; the password of each is <see cref="PasswordOf"/>.</summary>
    public static readonly string[] Users = ["wearable-edge", "nurse-app", "patient-001", "patient-002"];

    private const string ConfigFolder = "/etc/mosquitto/wearable-edge/";

    private readonly MqttTestCertificateAuthority _authority = new("WearableEdge test CA");
    private readonly MqttTestCertificateAuthority _otherAuthority = new("Some other CA");
    private LoopbackServer? _server;

    private MqttSecureBroker()
    {
    }

    public int Port => Server.Port;

    public string Directory => Server.DataDirectory;

    public string Log => Server.Log;

    /// <summary><c>mqtts://localhost:{Port}</c>.</summary>
    public Uri BrokerUri => new($"mqtts://{HostName}:{Port.ToString(CultureInfo.InvariantCulture)}");

    /// <summary>The CA that signed the broker's certificate.</summary>
    public string CaFile => Path.Combine(Directory, "ca.crt");

    /// <summary>A CA that did not sign the broker's certificate.</summary>
    public string OtherCaFile => Path.Combine(Directory, "other-ca.crt");

    /// <summary>A client certificate (CN wearable-edge) signed by <see cref="CaFile"/>.</summary>
    public string ClientCertificateFile => Path.Combine(Directory, "client.crt");

    public string ClientKeyFile => Path.Combine(Directory, "client.key");

    private LoopbackServer Server => _server ?? throw new InvalidOperationException("Not started.");

    public static string PasswordOf(string user) => $"pw-{user}-0123456789";

    /// <summary>A file holding the password of <paramref name="user"/> on its first line.</summary>
    public string PasswordFileOf(string user)
    {
        var path = Path.Combine(Directory, $"{user}.password");
        File.WriteAllText(path, PasswordOf(user) + "\n");
        return path;
    }

    public static async Task<MqttSecureBroker> StartAsync(CancellationToken cancellationToken)
    {
        var broker = new MqttSecureBroker();
        try
        {
            var definition = new LoopbackServerDefinition(
                "Mosquitto-TLS",
                ChildProcess.ResolveExecutable("/usr/sbin/mosquitto", "mosquitto", "mosquitto"),
                broker.PrepareLaunch,
                IsAcceptingConnectionsAsync);
            broker._server = await LoopbackServer.StartAsync(definition, cancellationToken);
            return broker;
        }
        catch
        {
            await broker.DisposeAsync();
            throw;
        }
    }

    public async ValueTask DisposeAsync()
    {
        if (_server is not null)
        {
            await _server.DisposeAsync();
        }

        _authority.Dispose();
        _otherAuthority.Dispose();
    }

    private IReadOnlyList<string> PrepareLaunch(int port, string directory)
    {
        _authority.WriteCertificate(directory, "ca.crt");
        _otherAuthority.WriteCertificate(directory, "other-ca.crt");
        _authority.IssueServer(directory, "server", HostName);
        _authority.IssueClient(directory, "client", "wearable-edge");
        WritePasswordFile(Path.Combine(directory, "passwd"));
        File.Copy(Path.Combine(DeployFolder, "acl"), Path.Combine(directory, "acl"), overwrite: true);

        var folder = directory.EndsWith('/') ? directory : directory + "/";
        var config = File.ReadAllText(Path.Combine(DeployFolder, "mosquitto.conf"));
        config = Rewrite(config, ConfigFolder, folder);
        config = Rewrite(config, "/var/lib/mosquitto/", folder);
        config = Rewrite(config, "\nlistener 8883\n", $"\nlistener {port.ToString(CultureInfo.InvariantCulture)} 127.0.0.1\n");
        config = Rewrite(config, "\nlog_dest syslog\n", "\nlog_dest stdout\n");
        // Run as root, Mosquitto would switch to the 'mosquitto' user, who cannot read a temp folder.
        config += $"user {Environment.UserName}\nlog_type all\nlog_timestamp_format %H:%M:%S\n";
        var configPath = Path.Combine(directory, "mosquitto.conf");
        File.WriteAllText(configPath, config);
        return ["-c", configPath];
    }

    public static string DeployFolder => Path.Combine(ReliabilityReport.RepositoryRoot, "deploy", "mosquitto");

    /// <summary>Replaces text the committed file must contain; fails loudly when it no longer does.</summary>
    private static string Rewrite(string config, string expected, string replacement) =>
        config.Contains(expected, StringComparison.Ordinal)
            ? config.Replace(expected, replacement, StringComparison.Ordinal)
            : throw new InvalidOperationException($"deploy/mosquitto/mosquitto.conf no longer contains '{expected.Trim()}'; update {nameof(MqttSecureBroker)}.");

    private static void WritePasswordFile(string path)
    {
        var tool = ChildProcess.ResolveExecutable("/usr/bin/mosquitto_passwd", "mosquitto_passwd", "mosquitto");
        File.WriteAllText(path, "");
        foreach (var user in Users)
        {
            // -b takes the password on the command line: fine for a throw-away test account.
            using var process = Process.Start(new ProcessStartInfo(tool, ["-b", path, user, PasswordOf(user)])
            {
                RedirectStandardError = true,
                RedirectStandardOutput = true,
            })!;
            process.WaitForExit();
            if (process.ExitCode != 0)
            {
                throw new InvalidOperationException($"mosquitto_passwd failed for {user}: {process.StandardError.ReadToEnd()}");
            }
        }
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

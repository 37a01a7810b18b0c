using System.Globalization;
using System.Net;
using System.Net.Sockets;

namespace WearableEdge.IntegrationTests.Fixtures;

/// <summary>
/// A real Mosquitto broker (Debian package <c>mosquitto</c>) on a free 127.0.0.1 port, anonymous,
/// with persistence in its own temporary folder so that <see cref="RestartAsync"/> keeps persistent
/// sessions and their queued QoS 1 messages.
/// </summary>
public sealed class MosquittoProcess : IAsyncDisposable
{
    private const string DebianPath = "/usr/sbin/mosquitto";
    private const string ConfigFileName = "mosquitto.conf";

    private readonly LoopbackServer _server;

    private MosquittoProcess(LoopbackServer server) => _server = server;

    /// <summary>Always 127.0.0.1: the broker listens on loopback only.</summary>
    public string Host => IPAddress.Loopback.ToString();

    /// <summary>The TCP port, the same across restarts.</summary>
    public int Port => _server.Port;

    /// <summary><c>mqtt://127.0.0.1:{Port}</c>.</summary>
    public Uri BrokerUri => new($"mqtt://{Host}:{Port.ToString(CultureInfo.InvariantCulture)}");

    /// <summary>The folder holding the config file and the persistence file <c>mosquitto.db</c>.</summary>
    public string DataDirectory => _server.DataDirectory;

    /// <summary>The broker's log (connections, errors) of every run so far, for failure messages.</summary>
    public string Log => _server.Log;

    /// <summary>Starts a broker and returns once its port accepts TCP connections (within 15 s).</summary>
    /// <exception cref="FileNotFoundException">Mosquitto is not installed.</exception>
    /// <exception cref="InvalidOperationException">Mosquitto exited during start-up; the message holds its log.</exception>
    /// <exception cref="TimeoutException">The port did not accept connections in time.</exception>
    public static async Task<MosquittoProcess> StartAsync(CancellationToken cancellationToken = default)
    {
        var definition = new LoopbackServerDefinition(
            "Mosquitto",
            ChildProcess.ResolveExecutable(DebianPath, "mosquitto", "mosquitto"),
            WriteConfig,
            IsAcceptingConnectionsAsync);
        return new MosquittoProcess(await LoopbackServer.StartAsync(definition, cancellationToken));
    }

    /// <summary>
    /// Stops the broker gracefully (SIGTERM: it writes its persistence file), killing it after 10 s.
    /// Clients are disconnected; the port is free until <see cref="RestartAsync"/>.
    /// </summary>
    public Task StopAsync(CancellationToken cancellationToken = default) => _server.StopAsync(cancellationToken);

    /// <summary>
    /// Kills the broker at once (SIGKILL), like a crash: sessions and messages since the last
    /// persistence save are lost (Mosquitto saves on a graceful stop and every 30 min by default).
    /// </summary>
    public Task KillAsync(CancellationToken cancellationToken = default) => _server.KillAsync(cancellationToken);

    /// <summary>Stops the broker if it runs, then starts it on the same port with the same data folder.</summary>
    public Task RestartAsync(CancellationToken cancellationToken = default) => _server.RestartAsync(cancellationToken);

    /// <summary>Kills the broker and deletes its data folder.</summary>
    public ValueTask DisposeAsync() => _server.DisposeAsync();

    private static IReadOnlyList<string> WriteConfig(int port, string dataDirectory)
    {
        var configPath = Path.Combine(dataDirectory, ConfigFileName);
        var persistenceLocation = dataDirectory.EndsWith('/') ? dataDirectory : dataDirectory + "/";
        string[] lines =
        [
            $"listener {port.ToString(CultureInfo.InvariantCulture)} 127.0.0.1",
            "allow_anonymous true",
            "persistence true",
            $"persistence_location {persistenceLocation}",
            // Far above the default 1000 so a load test's backlog for an offline subscriber is
            // kept rather than silently dropped by the broker.
            "max_queued_messages 100000",
            // Run as root, Mosquitto switches to the 'mosquitto' user, which cannot write to a
            // temp folder created by root; naming the current user keeps it as it is.
            $"user {Environment.UserName}",
            "log_dest stdout",
            "log_type error",
            "log_type warning",
            "log_type notice",
            "log_type information",
            "connection_messages true",
            "log_timestamp_format %H:%M:%S",
        ];
        File.WriteAllLines(configPath, lines);
        return ["-c", configPath];
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

using System.Globalization;
using System.Net;
using System.Net.Sockets;

namespace WearableEdge.Evaluation.Scenarios;

/// <summary>
/// A real Mosquitto (Debian package <c>mosquitto</c>) on a free 127.0.0.1 port, anonymous, without
/// persistence, with its config in a temp folder; as the integration tests' fixture starts it.
/// </summary>
internal sealed class MosquittoBroker : IAsyncDisposable
{
    public const string DebianPath = "/usr/sbin/mosquitto";

    private readonly ToolProcess _process;
    private readonly string _folder;

    private MosquittoBroker(ToolProcess process, string folder, int port)
    {
        _process = process;
        _folder = folder;
        Port = port;
    }

    public int Port { get; }

    public Uri Uri => new($"mqtt://127.0.0.1:{Port.ToString(CultureInfo.InvariantCulture)}");

    public string Log => _process.Output;

    /// <summary>Starts Mosquitto and returns once its port accepts connections.</summary>
    /// <exception cref="FileNotFoundException">Mosquitto is not installed.</exception>
    public static async Task<MosquittoBroker> StartAsync(CancellationToken cancellationToken)
    {
        var executable = Resolve();
        var folder = Directory.CreateTempSubdirectory("wearableedge-eval-mosquitto-").FullName;
        var port = FreePort();
        var config = Path.Combine(folder, "mosquitto.conf");
        await File.WriteAllLinesAsync(
            config,
            [
                $"listener {port.ToString(CultureInfo.InvariantCulture)} 127.0.0.1",
                "allow_anonymous true",
                "persistence false",
                // A burst of accelerated-time messages must be queued, not dropped, for a slow subscriber.
                "max_queued_messages 1000000",
                "max_inflight_messages 1000",
                // Run as root, Mosquitto switches to the 'mosquitto' user unless told to stay.
                $"user {Environment.UserName}",
                "log_dest stdout",
                "log_type error",
                "log_type warning",
                "log_type notice",
            ],
            cancellationToken).ConfigureAwait(false);
        var process = ToolProcess.Start(executable, ["-c", config], folder);
        var broker = new MosquittoBroker(process, folder, port);
        try
        {
            if (!await process.WaitUntilReadyAsync("Mosquitto", t => AcceptsAsync(port, t), TimeSpan.FromSeconds(15), cancellationToken).ConfigureAwait(false))
            {
                throw new InvalidOperationException($"Mosquitto exited with code {process.ExitCode} at start. Its log:{Environment.NewLine}{process.Output}");
            }

            return broker;
        }
        catch
        {
            await broker.DisposeAsync().ConfigureAwait(false);
            throw;
        }
    }

    public async ValueTask DisposeAsync()
    {
        await _process.DisposeAsync().ConfigureAwait(false);
        try
        {
            Directory.Delete(_folder, recursive: true);
        }
        catch (IOException)
        {
            // A leftover temp folder is harmless.
        }
    }

    /// <summary>A port free on loopback now (the OS picks it).</summary>
    public static int FreePort()
    {
        using var listener = new TcpListener(IPAddress.Loopback, 0);
        listener.Start();
        return ((IPEndPoint)listener.LocalEndpoint).Port;
    }

    private static string Resolve()
    {
        if (File.Exists(DebianPath))
        {
            return DebianPath;
        }

        foreach (var directory in (Environment.GetEnvironmentVariable("PATH") ?? "").Split(Path.PathSeparator, StringSplitOptions.RemoveEmptyEntries))
        {
            var candidate = Path.Combine(directory, "mosquitto");
            if (File.Exists(candidate))
            {
                return candidate;
            }
        }

        throw new FileNotFoundException(
            $"Mosquitto is not installed (looked at {DebianPath} and on PATH). The scenario harness runs a real broker: 'sudo apt-get install mosquitto'.",
            "mosquitto");
    }

    private static async Task<bool> AcceptsAsync(int port, CancellationToken cancellationToken)
    {
        using var client = new TcpClient();
        try
        {
            await client.ConnectAsync(IPAddress.Loopback, port, cancellationToken).ConfigureAwait(false);
            return true;
        }
        catch (SocketException)
        {
            return false;
        }
    }
}

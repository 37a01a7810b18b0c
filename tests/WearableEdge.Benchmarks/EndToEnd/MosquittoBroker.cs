using System.Diagnostics;
using System.Globalization;
using System.Net;
using System.Net.Sockets;

namespace WearableEdge.Benchmarks.EndToEnd;

/// <summary>
/// Mosquitto (Debian package <c>mosquitto</c>) on a free 127.0.0.1 port with a temporary config:
/// anonymous, no persistence, the deployed <c>max_queued_messages 100000</c>
/// (deploy/mosquitto/mosquitto.conf), and <c>$SYS</c> statistics every second.
/// </summary>
internal sealed class MosquittoBroker : IAsyncDisposable
{
    public const string DebianPath = "/usr/sbin/mosquitto";

    private readonly string _directory;

    private MosquittoBroker(Process process, int port, string directory)
    {
        Process = process;
        Port = port;
        _directory = directory;
    }

    public Process Process { get; }

    public int Port { get; }

    /// <summary>The broker's version line (<c>mosquitto -h</c>).</summary>
    public static string Version()
    {
        using var process = System.Diagnostics.Process.Start(new ProcessStartInfo(Executable()) { ArgumentList = { "-h" }, RedirectStandardOutput = true, RedirectStandardError = true })!;
        var first = process.StandardOutput.ReadLine() ?? "";
        process.WaitForExit();
        return first.Trim();
    }

    /// <summary>The mosquitto binary, or a clear error when it is not installed.</summary>
    public static string Executable()
    {
        if (File.Exists(DebianPath))
        {
            return DebianPath;
        }

        foreach (var directory in (Environment.GetEnvironmentVariable("PATH") ?? "").Split(':', StringSplitOptions.RemoveEmptyEntries))
        {
            var candidate = Path.Combine(directory, "mosquitto");
            if (File.Exists(candidate))
            {
                return candidate;
            }
        }

        throw new FileNotFoundException(
            $"The end-to-end benchmark needs Mosquitto and did not find it at {DebianPath} or on the PATH. Install it with: apt-get install mosquitto");
    }

    public static async Task<MosquittoBroker> StartAsync(CancellationToken cancellationToken = default)
    {
        var executable = Executable();
        var directory = Directory.CreateTempSubdirectory("wearable-edge-e2e-mosquitto-").FullName;
        var port = FreePort();
        var config = Path.Combine(directory, "mosquitto.conf");
        await File.WriteAllLinesAsync(config,
        [
            $"listener {port.ToString(CultureInfo.InvariantCulture)} 127.0.0.1",
            "allow_anonymous true",
            "persistence false",
            "max_queued_messages 100000",
            "sys_interval 1",
            // Run as root, Mosquitto would switch to the 'mosquitto' user; keep the current one.
            $"user {Environment.UserName}",
            "log_dest stderr",
            "log_type error",
            "log_type warning",
        ], cancellationToken).ConfigureAwait(false);
        var start = new ProcessStartInfo(executable) { RedirectStandardOutput = true, RedirectStandardError = true };
        start.ArgumentList.Add("-c");
        start.ArgumentList.Add(config);
        var process = Process.Start(start) ?? throw new InvalidOperationException("mosquitto did not start.");
        var log = new System.Text.StringBuilder();
        process.OutputDataReceived += (_, e) => { lock (log) { log.AppendLine(e.Data); } };
        process.ErrorDataReceived += (_, e) => { lock (log) { log.AppendLine(e.Data); } };
        process.BeginOutputReadLine();
        process.BeginErrorReadLine();
        var broker = new MosquittoBroker(process, port, directory);
        for (var i = 0; i < 150; i++)
        {
            if (process.HasExited)
            {
                throw new InvalidOperationException($"mosquitto exited at start-up (code {process.ExitCode}): {log}");
            }

            using var client = new TcpClient();
            try
            {
                await client.ConnectAsync(IPAddress.Loopback, port, cancellationToken).ConfigureAwait(false);
                return broker;
            }
            catch (SocketException)
            {
                await Task.Delay(100, cancellationToken).ConfigureAwait(false);
            }
        }

        await broker.DisposeAsync().ConfigureAwait(false);
        throw new TimeoutException($"mosquitto did not accept connections on port {port} within 15 s: {log}");
    }

    public async ValueTask DisposeAsync()
    {
        if (!Process.HasExited)
        {
            Process.Kill();
            await Process.WaitForExitAsync().ConfigureAwait(false);
        }

        Process.Dispose();
        try
        {
            Directory.Delete(_directory, recursive: true);
        }
        catch (IOException)
        {
        }
    }

    private static int FreePort()
    {
        using var probe = new TcpListener(IPAddress.Loopback, 0);
        probe.Start();
        var port = ((IPEndPoint)probe.LocalEndpoint).Port;
        probe.Stop();
        return port;
    }
}

using System.Text;

namespace WearableEdge.IntegrationTests.Fixtures;

/// <summary>What differs between the servers a fixture starts.</summary>
/// <param name="Name">Name used in error messages, e.g. "Mosquitto".</param>
/// <param name="Executable">Resolved path of the binary.</param>
/// <param name="PrepareLaunch">
/// Given the port and the data folder, writes whatever the server needs there (a config file)
/// and returns its command-line arguments. Called before every start, so a restart gets the same
/// port and folder.
/// </param>
/// <param name="IsReadyAsync">Given the port, tells whether the server answers yet; false, not an exception, while it does not.</param>
internal sealed record LoopbackServerDefinition(
    string Name,
    string Executable,
    Func<int, string, IReadOnlyList<string>> PrepareLaunch,
    Func<int, CancellationToken, Task<bool>> IsReadyAsync);

/// <summary>
/// A server process on a free 127.0.0.1 port with its own temporary data folder, which it keeps
/// across <see cref="RestartAsync"/>. Disposing kills it and deletes the folder.
/// </summary>
internal sealed class LoopbackServer : IAsyncDisposable
{
    /// <summary>Bound on start-up; generous because two cores may be busy compiling.</summary>
    private static readonly TimeSpan StartTimeout = TimeSpan.FromSeconds(15);

    /// <summary>Bound on a graceful stop before the process is killed.</summary>
    private static readonly TimeSpan StopGracePeriod = TimeSpan.FromSeconds(10);

    private const int PortAttempts = 3;

    private readonly LoopbackServerDefinition _definition;
    private readonly StringBuilder _earlierOutput = new();
    private ChildProcess? _process;

    private LoopbackServer(LoopbackServerDefinition definition, string dataDirectory)
    {
        _definition = definition;
        DataDirectory = dataDirectory;
    }

    public int Port { get; private set; }

    public string DataDirectory { get; }

    /// <summary>Output of every run of the process since the first start, oldest first.</summary>
    public string Log => _earlierOutput + (_process?.Output ?? string.Empty);

    public static async Task<LoopbackServer> StartAsync(LoopbackServerDefinition definition, CancellationToken cancellationToken)
    {
        var dataDirectory = Directory.CreateTempSubdirectory($"wearableedge-{definition.Name.ToLowerInvariant()}-").FullName;
        var server = new LoopbackServer(definition, dataDirectory);
        try
        {
            // A port from FreePort can be taken by someone else before the server binds it:
            // only that failure is worth another port.
            for (var attempt = 1; ; attempt++)
            {
                server.Port = FreePort.Next();
                if (await server.LaunchAsync(cancellationToken))
                {
                    return server;
                }

                if (attempt == PortAttempts || !server.LastRunLostThePort())
                {
                    throw server.ExitedEarly();
                }

                server.Archive();
            }
        }
        catch
        {
            await server.DisposeAsync();
            throw;
        }
    }

    /// <summary>Stops gracefully (SIGTERM, so the server saves its state), killing it after a grace period.</summary>
    public async Task StopAsync(CancellationToken cancellationToken)
    {
        if (_process is { } process)
        {
            await process.StopAsync(StopGracePeriod, cancellationToken);
            Archive();
        }
    }

    /// <summary>Kills at once (SIGKILL): state the server had not written to disk is lost, as in a crash.</summary>
    public async Task KillAsync(CancellationToken cancellationToken)
    {
        if (_process is { } process)
        {
            await process.KillAsync(cancellationToken);
            Archive();
        }
    }

    /// <summary>Starts again on the same port with the same data folder; stops it first if it runs.</summary>
    public async Task RestartAsync(CancellationToken cancellationToken)
    {
        await StopAsync(cancellationToken);
        if (!await LaunchAsync(cancellationToken))
        {
            throw ExitedEarly();
        }
    }

    public async ValueTask DisposeAsync()
    {
        await KillAsync(CancellationToken.None);
        if (Directory.Exists(DataDirectory))
        {
            Directory.Delete(DataDirectory, recursive: true);
        }
    }

    private async Task<bool> LaunchAsync(CancellationToken cancellationToken)
    {
        var arguments = _definition.PrepareLaunch(Port, DataDirectory);
        var process = ChildProcess.Start(_definition.Executable, arguments, DataDirectory);
        _process = process;
        var ready = await process.WaitUntilReadyAsync(
            _definition.Name,
            ct => _definition.IsReadyAsync(Port, ct),
            StartTimeout,
            cancellationToken);
        if (!ready)
        {
            await process.KillAsync(cancellationToken);
        }

        return ready;
    }

    private bool LastRunLostThePort() =>
        _process?.Output.Contains("address already in use", StringComparison.OrdinalIgnoreCase) == true;

    private InvalidOperationException ExitedEarly()
    {
        var exitCode = _process is { HasExited: true } process ? $" with code {process.ExitCode}" : string.Empty;
        return new($"{_definition.Name} ({_definition.Executable}) exited{exitCode} before it was ready on " +
            $"127.0.0.1:{Port}. Its output:{Environment.NewLine}{Log}");
    }

    private void Archive()
    {
        _earlierOutput.Append(_process?.Output);
        _process = null;
    }
}

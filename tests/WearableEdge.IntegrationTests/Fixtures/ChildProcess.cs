using System.Collections.Concurrent;
using System.Diagnostics;
using System.Runtime.InteropServices;
using System.Text;

namespace WearableEdge.IntegrationTests.Fixtures;

/// <summary>
/// A server binary started by a test fixture: its output is captured for diagnostics, it can be
/// stopped gracefully or killed, and it never outlives the test host.
/// </summary>
internal sealed class ChildProcess
{
    // Enough for every connection line of a long fault test; older output is dropped first.
    private const int MaxCapturedChars = 1_000_000;
    private const int SigTerm = 15;
    private static readonly TimeSpan KillWait = TimeSpan.FromSeconds(10);
    private static readonly ConcurrentDictionary<ChildProcess, byte> Running = new();

    private readonly Process _process;
    private readonly StringBuilder _output = new();
    private readonly Lock _outputLock = new();

    static ChildProcess()
    {
        // Safety net for a run that ends without disposing its fixtures (a failed fixture
        // constructor, an unhandled exception): a leftover server would keep its port and files.
        AppDomain.CurrentDomain.ProcessExit += (_, _) => KillAllRunning();
    }

    private ChildProcess(Process process) => _process = process;

    /// <summary>Everything the process wrote to stdout and stderr so far, interleaved by line.</summary>
    public string Output
    {
        get
        {
            lock (_outputLock)
            {
                return _output.ToString();
            }
        }
    }

    public bool HasExited => _process.HasExited;

    public int ExitCode => _process.ExitCode;

    /// <summary>
    /// Returns <paramref name="preferredPath"/> (where the Debian package installs the binary) if it
    /// exists, else the first <paramref name="name"/> on PATH.
    /// </summary>
    /// <exception cref="FileNotFoundException">The binary is not installed.</exception>
    public static string ResolveExecutable(string preferredPath, string name, string debianPackage)
    {
        if (File.Exists(preferredPath))
        {
            return preferredPath;
        }

        var path = Environment.GetEnvironmentVariable("PATH") ?? string.Empty;
        foreach (var directory in path.Split(Path.PathSeparator, StringSplitOptions.RemoveEmptyEntries))
        {
            var candidate = Path.Combine(directory, name);
            if (File.Exists(candidate))
            {
                return candidate;
            }
        }

        throw new FileNotFoundException(
            $"'{name}' is not installed (looked at {preferredPath} and on PATH). The integration tests " +
            $"start a real {name}: run ./tests/run.sh, which installs it, or " +
            $"'sudo apt-get install {debianPackage}'.",
            name);
    }

    public static ChildProcess Start(string executable, IReadOnlyList<string> arguments, string workingDirectory)
    {
        var startInfo = new ProcessStartInfo(executable)
        {
            UseShellExecute = false,
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            WorkingDirectory = workingDirectory,
        };
        foreach (var argument in arguments)
        {
            startInfo.ArgumentList.Add(argument);
        }

        var process = new Process { StartInfo = startInfo };
        var child = new ChildProcess(process);
        process.OutputDataReceived += (_, e) => child.Append(e.Data);
        process.ErrorDataReceived += (_, e) => child.Append(e.Data);
        process.Start();
        Running.TryAdd(child, 0);
        process.BeginOutputReadLine();
        process.BeginErrorReadLine();
        return child;
    }

    /// <summary>
    /// Polls <paramref name="isReadyAsync"/> until it returns true or the process exits.
    /// Polling is the only way to learn when a foreign server has bound its port.
    /// </summary>
    /// <returns>True when ready, false when the process exited first.</returns>
    /// <exception cref="TimeoutException">Neither happened within <paramref name="timeout"/>.</exception>
    public async Task<bool> WaitUntilReadyAsync(
        string serverName,
        Func<CancellationToken, Task<bool>> isReadyAsync,
        TimeSpan timeout,
        CancellationToken cancellationToken)
    {
        var pollInterval = TimeSpan.FromMilliseconds(50);
        using var deadline = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
        deadline.CancelAfter(timeout);
        try
        {
            while (true)
            {
                if (HasExited)
                {
                    return false;
                }

                if (await isReadyAsync(deadline.Token))
                {
                    return true;
                }

                await Task.Delay(pollInterval, deadline.Token);
            }
        }
        catch (OperationCanceledException) when (!cancellationToken.IsCancellationRequested)
        {
            throw new TimeoutException(
                $"{serverName} was not ready within {timeout.TotalSeconds:0} s. Its output:{Environment.NewLine}{Output}");
        }
    }

    /// <summary>Sends SIGTERM so the server saves its state, and kills it if it has not exited within <paramref name="gracePeriod"/>.</summary>
    public async Task StopAsync(TimeSpan gracePeriod, CancellationToken cancellationToken)
    {
        if (!HasExited && SendSignal(_process.Id, SigTerm) == 0)
        {
            using var grace = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
            grace.CancelAfter(gracePeriod);
            try
            {
                await _process.WaitForExitAsync(grace.Token);
            }
            catch (OperationCanceledException) when (!cancellationToken.IsCancellationRequested)
            {
                // Still running after the grace period: fall through to the kill below.
            }
        }

        await KillAsync(cancellationToken);
    }

    /// <summary>Kills the process and its children at once (SIGKILL), as a crash or power cut would.</summary>
    public async Task KillAsync(CancellationToken cancellationToken)
    {
        try
        {
            if (!HasExited)
            {
                _process.Kill(entireProcessTree: true);
            }

            using var wait = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
            wait.CancelAfter(KillWait);
            await _process.WaitForExitAsync(wait.Token);
        }
        finally
        {
            Running.TryRemove(this, out _);
        }
    }

    private static void KillAllRunning()
    {
        foreach (var child in Running.Keys)
        {
            try
            {
                child._process.Kill(entireProcessTree: true);
            }
            catch (InvalidOperationException)
            {
                // Exited between the check and the kill: nothing left to do.
            }
        }
    }

    private void Append(string? line)
    {
        if (line is null)
        {
            return;
        }

        lock (_outputLock)
        {
            _output.AppendLine(line);
            if (_output.Length > MaxCapturedChars)
            {
                _output.Remove(0, _output.Length - MaxCapturedChars);
            }
        }
    }

    // Process.Kill only sends SIGKILL; a graceful stop needs SIGTERM so Mosquitto writes its
    // persistence file and VictoriaMetrics flushes its in-memory parts before exiting.
    // DllImport rather than LibraryImport: the generated marshalling would need unsafe code
    // enabled for the whole test project, and two ints need no marshalling.
    [DllImport("libc", EntryPoint = "kill", SetLastError = true)]
    private static extern int SendSignal(int pid, int signal);
}

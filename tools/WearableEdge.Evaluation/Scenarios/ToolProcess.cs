using System.Collections.Concurrent;
using System.Diagnostics;
using System.Runtime.InteropServices;
using System.Text;

namespace WearableEdge.Evaluation.Scenarios;

/// <summary>A child process of the harness (broker, service, simulator): output captured, stopped with SIGTERM, killed as a last resort.</summary>
internal sealed class ToolProcess : IAsyncDisposable
{
    private const int MaxCapturedChars = 2_000_000;
    private const int SigTerm = 15;
    private static readonly ConcurrentDictionary<ToolProcess, byte> Running = new();
    private readonly Process _process;
    private readonly StringBuilder _output = new();
    private readonly Lock _lock = new();

    static ToolProcess()
    {
        // Safety net for a run that ends without disposing (an unhandled exception, a test host shutting down):
        // a leftover broker or service would keep its port and temp folder.
        AppDomain.CurrentDomain.ProcessExit += (_, _) =>
        {
            foreach (var child in Running.Keys)
            {
                try
                {
                    child._process.Kill(entireProcessTree: true);
                }
                catch (InvalidOperationException)
                {
                    // Already gone.
                }
            }
        };
    }

    private ToolProcess(Process process) => _process = process;

    /// <summary>Receives each output line as it arrives (for example a progress line), besides capturing it.</summary>
    public Action<string>? OnLine { get; set; }

    public string Output
    {
        get
        {
            lock (_lock)
            {
                return _output.ToString();
            }
        }
    }

    public bool HasExited => _process.HasExited;

    public int ExitCode => _process.ExitCode;

    public static ToolProcess Start(string executable, IReadOnlyList<string> arguments, string workingDirectory, Action<string>? onLine = null)
    {
        var info = new ProcessStartInfo(executable)
        {
            UseShellExecute = false,
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            WorkingDirectory = workingDirectory,
        };
        foreach (var argument in arguments)
        {
            info.ArgumentList.Add(argument);
        }

        var process = new Process { StartInfo = info };
        var child = new ToolProcess(process) { OnLine = onLine };
        process.OutputDataReceived += (_, e) => child.Append(e.Data);
        process.ErrorDataReceived += (_, e) => child.Append(e.Data);
        process.Start();
        Running.TryAdd(child, 0);
        process.BeginOutputReadLine();
        process.BeginErrorReadLine();
        return child;
    }

    /// <summary>Polls <paramref name="isReady"/> every 100 ms; false when the process exited first.</summary>
    /// <exception cref="TimeoutException">Not ready within <paramref name="timeout"/>.</exception>
    public async Task<bool> WaitUntilReadyAsync(string name, Func<CancellationToken, Task<bool>> isReady, TimeSpan timeout, CancellationToken cancellationToken)
    {
        using var deadline = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
        deadline.CancelAfter(timeout);
        try
        {
            while (!HasExited)
            {
                if (await isReady(deadline.Token).ConfigureAwait(false))
                {
                    return true;
                }

                await Task.Delay(TimeSpan.FromMilliseconds(100), deadline.Token).ConfigureAwait(false);
            }

            return false;
        }
        catch (OperationCanceledException) when (!cancellationToken.IsCancellationRequested)
        {
            throw new TimeoutException($"{name} was not ready within {timeout.TotalSeconds:0} s. Its output:{Environment.NewLine}{Output}");
        }
    }

    public Task WaitForExitAsync(CancellationToken cancellationToken) => _process.WaitForExitAsync(cancellationToken);

    /// <summary>SIGTERM, then SIGKILL after <paramref name="grace"/>.</summary>
    public async Task StopAsync(TimeSpan grace)
    {
        if (!HasExited && SendSignal(_process.Id, SigTerm) == 0)
        {
            using var wait = new CancellationTokenSource(grace);
            try
            {
                await _process.WaitForExitAsync(wait.Token).ConfigureAwait(false);
            }
            catch (OperationCanceledException)
            {
                // Still running: killed below.
            }
        }

        if (!HasExited)
        {
            _process.Kill(entireProcessTree: true);
            await _process.WaitForExitAsync(CancellationToken.None).ConfigureAwait(false);
        }

        Running.TryRemove(this, out _);
    }

    public async ValueTask DisposeAsync()
    {
        await StopAsync(TimeSpan.FromSeconds(15)).ConfigureAwait(false);
        _process.Dispose();
    }

    private void Append(string? line)
    {
        if (line is null)
        {
            return;
        }

        lock (_lock)
        {
            _output.AppendLine(line);
            if (_output.Length > MaxCapturedChars)
            {
                _output.Remove(0, _output.Length - MaxCapturedChars);
            }
        }

        OnLine?.Invoke(line);
    }

    // Process.Kill only sends SIGKILL; SIGTERM lets the service stop its host cleanly.
    [DllImport("libc", EntryPoint = "kill", SetLastError = true)]
    private static extern int SendSignal(int pid, int signal);
}

using System.Diagnostics;
using System.Text.Json;

namespace WearableEdge.Benchmarks.EndToEnd;

/// <summary>
/// This benchmark's own executable started again with a hidden verb (<c>e2e-load</c>,
/// <c>e2e-consume</c>), so that the load generator and each consumer run in their own process and
/// their CPU time and resident memory can be read apart. The child writes <c>ready</c> once set up,
/// then one <c>stats {json}</c> line per second; it stops when its standard input closes.
/// </summary>
internal sealed class BenchmarkChild : IAsyncDisposable
{
    private readonly Process _process;
    private readonly TaskCompletionSource _ready = new(TaskCreationOptions.RunContinuationsAsynchronously);
    private readonly System.Text.StringBuilder _errors = new();
    private JsonElement? _stats;

    private BenchmarkChild(Process process, string name)
    {
        _process = process;
        Name = name;
    }

    public string Name { get; }

    public Process Process => _process;

    public static BenchmarkChild Start(string name, IEnumerable<string> args)
    {
        var start = new ProcessStartInfo(Environment.ProcessPath ?? throw new InvalidOperationException("No process path."))
        {
            RedirectStandardInput = true,
            RedirectStandardOutput = true,
            RedirectStandardError = true,
        };
        // Under `dotnet <dll>` the process is the muxer: give it the assembly again.
        if (Path.GetFileNameWithoutExtension(start.FileName) == "dotnet")
        {
            start.ArgumentList.Add(typeof(BenchmarkChild).Assembly.Location);
        }

        foreach (var arg in args)
        {
            start.ArgumentList.Add(arg);
        }

        var process = Process.Start(start) ?? throw new InvalidOperationException($"{name} did not start.");
        var child = new BenchmarkChild(process, name);
        process.OutputDataReceived += (_, e) => child.OnLine(e.Data);
        process.ErrorDataReceived += (_, e) =>
        {
            if (e.Data is not null)
            {
                lock (child._errors)
                {
                    if (child._errors.Length < 20_000)
                    {
                        child._errors.AppendLine(e.Data);
                    }
                }
            }
        };
        process.Exited += (_, _) => child._ready.TrySetException(new InvalidOperationException($"{name} exited (code {process.ExitCode}) before it was ready: {child.Errors}"));
        process.EnableRaisingEvents = true;
        process.BeginOutputReadLine();
        process.BeginErrorReadLine();
        return child;
    }

    public string Errors
    {
        get
        {
            lock (_errors)
            {
                return _errors.ToString();
            }
        }
    }

    /// <summary>The latest stats line, or null before the first.</summary>
    public JsonElement? Stats
    {
        get
        {
            lock (_ready)
            {
                return _stats;
            }
        }
    }

    public Task WaitReadyAsync(TimeSpan timeout, CancellationToken cancellationToken) =>
        _ready.Task.WaitAsync(timeout, cancellationToken);

    /// <summary>Waits for the next stats line after now, so a snapshot is at most a second old.</summary>
    public async Task<JsonElement> NextStatsAsync(CancellationToken cancellationToken)
    {
        var before = Stats?.GetProperty("seq").GetInt64() ?? -1;
        for (var i = 0; i < 300; i++)
        {
            if (Stats is { } now && now.GetProperty("seq").GetInt64() > before)
            {
                return now;
            }

            if (_process.HasExited)
            {
                throw new InvalidOperationException($"{Name} exited (code {_process.ExitCode}): {Errors}");
            }

            await Task.Delay(10, cancellationToken).ConfigureAwait(false);
        }

        throw new TimeoutException($"{Name} wrote no stats for 3 s: {Errors}");
    }

    /// <summary>CPU time (user + system) of the child so far.</summary>
    public TimeSpan CpuTime()
    {
        _process.Refresh();
        return _process.TotalProcessorTime;
    }

    /// <summary>Resident set size (VmRSS) of the child now, in bytes.</summary>
    public long ResidentBytes()
    {
        _process.Refresh();
        return _process.WorkingSet64;
    }

    public async ValueTask DisposeAsync()
    {
        if (!_process.HasExited)
        {
            try
            {
                _process.StandardInput.Close();
            }
            catch (IOException)
            {
            }

            using var grace = new CancellationTokenSource(TimeSpan.FromSeconds(10));
            try
            {
                await _process.WaitForExitAsync(grace.Token).ConfigureAwait(false);
            }
            catch (OperationCanceledException)
            {
                _process.Kill(entireProcessTree: true);
                await _process.WaitForExitAsync().ConfigureAwait(false);
            }
        }

        _process.Dispose();
    }

    private void OnLine(string? line)
    {
        if (line is null)
        {
            return;
        }

        if (line == "ready")
        {
            _ready.TrySetResult();
        }
        else if (line.StartsWith("stats ", StringComparison.Ordinal))
        {
            using var document = JsonDocument.Parse(line.AsMemory(6));
            lock (_ready)
            {
                _stats = document.RootElement.Clone();
            }
        }
    }
}

/// <summary>The child side: <c>ready</c>, stats lines, and a stop when standard input closes.</summary>
internal static class ChildProtocol
{
    private static readonly System.Diagnostics.Process Process = System.Diagnostics.Process.GetCurrentProcess();
    private static long _seq;

    public static void Ready() => Console.Out.WriteLine("ready");

    public static void WriteStats(Dictionary<string, object> stats)
    {
        stats["seq"] = Interlocked.Increment(ref _seq);
        // The process's own clock (monotonic and shared by all processes on Linux), CPU time and resident size, read at the same moment as the counts.
        Process.Refresh();
        stats["at"] = System.Diagnostics.Stopwatch.GetTimestamp();
        stats["cpuMs"] = Process.TotalProcessorTime.TotalMilliseconds;
        stats["rssBytes"] = Environment.WorkingSet;
        Console.Out.WriteLine("stats " + JsonSerializer.Serialize(stats, StatsJson.Default.DictionaryStringObject));
    }

    /// <summary>Cancelled when the parent closes standard input (or the child is interrupted).</summary>
    public static CancellationToken StopToken()
    {
        var stop = new CancellationTokenSource();
        var reader = new Thread(() =>
        {
            try
            {
                while (Console.In.ReadLine() is not null)
                {
                }
            }
            catch (IOException)
            {
            }

            stop.Cancel();
        })
        { IsBackground = true, Name = "stdin-watch" };
        reader.Start();
        Console.CancelKeyPress += (_, e) =>
        {
            e.Cancel = true;
            stop.Cancel();
        };
        return stop.Token;
    }
}

[System.Text.Json.Serialization.JsonSerializable(typeof(Dictionary<string, object>))]
[System.Text.Json.Serialization.JsonSerializable(typeof(long))]
[System.Text.Json.Serialization.JsonSerializable(typeof(double))]
[System.Text.Json.Serialization.JsonSerializable(typeof(int))]
[System.Text.Json.Serialization.JsonSerializable(typeof(string))]
internal sealed partial class StatsJson : System.Text.Json.Serialization.JsonSerializerContext
{
}

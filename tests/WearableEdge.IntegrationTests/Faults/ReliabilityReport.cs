using System.Diagnostics;
using System.Globalization;
using System.Text;
using Xunit;

namespace WearableEdge.IntegrationTests.Faults;

/// <summary>
/// The figures of one fault test (alerts raised, stored, synced, duplicates, backlog, drain time…),
/// written when the test ends, pass or fail, to the test output and to
/// <c>artifacts/reliability/&lt;test name&gt;.txt</c> under the repository root.
/// </summary>
internal sealed class ReliabilityReport : IAsyncDisposable
{
    private readonly string _testName;
    private readonly long _started = Stopwatch.GetTimestamp();
    private readonly List<(string Name, string Value)> _figures = [];
    private readonly List<(string Name, Func<string> Text)> _logs = [];
    private readonly Lock _gate = new();

    private ReliabilityReport(string testName) => _testName = testName;

    /// <summary>A report named after the running test method.</summary>
    public static ReliabilityReport ForCurrentTest() =>
        new(TestContext.Current.TestMethod?.MethodName ?? "unnamed-fault-test");

    /// <summary>The folder holding <c>WearableEdge.sln</c>, found by walking up from the test binaries.</summary>
    public static string RepositoryRoot
    {
        get
        {
            for (var directory = new DirectoryInfo(AppContext.BaseDirectory); directory is not null; directory = directory.Parent)
            {
                if (File.Exists(Path.Combine(directory.FullName, "WearableEdge.sln")))
                {
                    return directory.FullName;
                }
            }

            throw new InvalidOperationException($"No WearableEdge.sln above {AppContext.BaseDirectory}.");
        }
    }

    /// <summary>Records a figure; a later figure of the same name replaces the earlier one.</summary>
    public void Add(string name, object? value)
    {
        var text = value switch
        {
            null => "-",
            double d => d.ToString("0.###", CultureInfo.InvariantCulture),
            TimeSpan t => t.TotalSeconds.ToString("0.00 s", CultureInfo.InvariantCulture),
            IFormattable f => f.ToString(null, CultureInfo.InvariantCulture),
            _ => value.ToString() ?? "-",
        };
        lock (_gate)
        {
            _figures.RemoveAll(f => f.Name == name);
            _figures.Add((name, text));
        }
    }

    /// <summary>Keeps a process's output next to the figures, as <c>&lt;test name&gt;.&lt;name&gt;.log</c>, read when the test ends.</summary>
    public void KeepLog(string name, Func<string> text)
    {
        lock (_gate)
        {
            _logs.Add((name, text));
        }
    }

    public async ValueTask DisposeAsync()
    {
        Add("test runtime", Stopwatch.GetElapsedTime(_started));
        var text = new StringBuilder();
        text.Append(CultureInfo.InvariantCulture, $"{_testName}{Environment.NewLine}");
        lock (_gate)
        {
            var width = _figures.Max(f => f.Name.Length);
            foreach (var (name, value) in _figures)
            {
                text.Append(CultureInfo.InvariantCulture, $"  {name.PadRight(width)}  {value}{Environment.NewLine}");
            }
        }

        var report = text.ToString();
        TestContext.Current.SendDiagnosticMessage(report);
        TestContext.Current.TestOutputHelper?.WriteLine(report);

        var folder = Path.Combine(RepositoryRoot, "artifacts", "reliability");
        Directory.CreateDirectory(folder);
        await File.WriteAllTextAsync(Path.Combine(folder, _testName + ".txt"), report, CancellationToken.None);
        foreach (var (name, log) in _logs)
        {
            await File.WriteAllTextAsync(Path.Combine(folder, $"{_testName}.{name}.log"), log(), CancellationToken.None);
        }
    }
}

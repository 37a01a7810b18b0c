using System.Diagnostics;
using System.Globalization;
using System.Text.Json;

namespace WearableEdge.Evaluation.Scenarios;

/// <summary>What one run of the simulator through the service produced.</summary>
/// <param name="Name">Set name, or <c>physionet</c>.</param>
/// <param name="SimulatorArguments">The simulator's arguments after the dll, for the report.</param>
/// <param name="ServiceArguments">The service's arguments after the dll.</param>
/// <param name="Truth">The ground truth the simulator wrote.</param>
/// <param name="Alerts">Alerts seen on the broker, one per id.</param>
/// <param name="AlertMessages">Alert messages received (state changes included).</param>
/// <param name="Ingest">The service's <c>/health</c> ingest section after the run, flattened to name = count.</param>
/// <param name="WallTime">Wall-clock time from the simulator's start to the last alert settling.</param>
public sealed record ScenarioRun(
    string Name,
    IReadOnlyList<string> SimulatorArguments,
    IReadOnlyList<string> ServiceArguments,
    GroundTruth Truth,
    IReadOnlyList<ObservedAlert> Alerts,
    int AlertMessages,
    IReadOnlyDictionary<string, long> Ingest,
    TimeSpan WallTime)
{
    /// <summary>The set's description, for the report.</summary>
    public string? Description { get; init; }

    /// <summary>Ground-truth events left out because their onset lies after the run's end (a shortened <c>--duration</c>).</summary>
    public int EventsOutsideRun { get; init; }

    /// <summary>
    /// This run with its events limited to device time up to <paramref name="runEnd"/>: events that begin later are
    /// left out (counted), events still going on at the end end there.
    /// </summary>
    /// <param name="runEnd">Device time at which the simulator stopped.</param>
    public ScenarioRun ClippedTo(DateTimeOffset runEnd)
    {
        var inside = Truth.Events.Where(e => e.Onset <= runEnd).Select(e => e.End > runEnd ? e with { End = runEnd } : e).ToList();
        return this with { Truth = Truth with { Events = inside }, EventsOutsideRun = Truth.Events.Count - inside.Count };
    }
}

/// <summary>Runs the simulator as a child process through a fresh edge service and collects the alerts.</summary>
internal sealed class ScenarioRunner(Uri broker, TimeProvider time, Action<string> log)
{
    /// <summary>After the simulator exits, the run ends once no alert message came for this long.</summary>
    public TimeSpan Quiet { get; init; } = TimeSpan.FromSeconds(10);

    /// <summary>The most the harness waits after the simulator exits.</summary>
    public TimeSpan MaxSettle { get; init; } = TimeSpan.FromSeconds(90);

    public static string SimulatorDll => Path.Combine(AppContext.BaseDirectory, "WearableEdge.DeviceSim.dll");

    /// <summary>The simulator binary to run; default <see cref="SimulatorDll"/>.</summary>
    public string Simulator { get; init; } = SimulatorDll;

    /// <summary>Runs <paramref name="simulatorArguments"/> (besides broker, ground truth and client id, which this adds).</summary>
    /// <param name="name">Set name.</param>
    /// <param name="simulatorArguments">Verb and options of the simulator.</param>
    /// <param name="maxClockSkew">The service's <c>Ingest:MaxClockSkew</c>.</param>
    /// <param name="serviceSettings">More service settings.</param>
    /// <param name="simulatorTimeout">Wall-clock limit of the simulator.</param>
    /// <param name="cancellationToken">Cancels the run.</param>
    public async Task<ScenarioRun> RunAsync(
        string name, IReadOnlyList<string> simulatorArguments, TimeSpan maxClockSkew, IReadOnlyList<string> serviceSettings, TimeSpan simulatorTimeout, CancellationToken cancellationToken)
    {
        var folder = Directory.CreateTempSubdirectory("wearableedge-eval-run-").FullName;
        var truthPath = Path.Combine(folder, "ground-truth.jsonl");
        await using var service = await EdgeServiceRun.StartAsync(broker, maxClockSkew, serviceSettings, cancellationToken).ConfigureAwait(false);
        await using var collector = await AlertCollector.StartAsync(broker, time, cancellationToken).ConfigureAwait(false);
        string[] arguments =
        [
            .. simulatorArguments,
            "--broker", broker.ToString(),
            "--ground-truth", truthPath,
            "--client-id", $"wearable-edge-eval-sim-{Guid.NewGuid():N}",
        ];
        log($"[{name}] simulator: {string.Join(' ', arguments)}");
        var clock = Stopwatch.StartNew();
        await using (var simulator = ToolProcess.Start("dotnet", [Simulator, .. arguments], folder))
        {
            using var limit = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
            limit.CancelAfter(simulatorTimeout);
            try
            {
                await simulator.WaitForExitAsync(limit.Token).ConfigureAwait(false);
            }
            catch (OperationCanceledException) when (!cancellationToken.IsCancellationRequested)
            {
                throw new TimeoutException($"[{name}] the simulator did not finish within {simulatorTimeout.TotalMinutes:0} min. Its output:{Environment.NewLine}{Tail(simulator.Output)}");
            }

            if (simulator.ExitCode != 0)
            {
                throw new InvalidOperationException($"[{name}] the simulator exited with code {simulator.ExitCode}. Its output:{Environment.NewLine}{Tail(simulator.Output)}");
            }

            collector.EndOfData();
            log($"[{name}] simulator done in {clock.Elapsed.TotalSeconds:0} s: {LastLine(simulator.Output)}");
        }

        // The service may still be working through windows: wait until alerts stop coming.
        var settleStart = clock.Elapsed;
        while (clock.Elapsed - settleStart < MaxSettle && time.GetUtcNow() - collector.LastMessageAt < Quiet)
        {
            await Task.Delay(TimeSpan.FromSeconds(1), cancellationToken).ConfigureAwait(false);
        }

        if (clock.Elapsed - settleStart < Quiet)
        {
            await Task.Delay(Quiet - (clock.Elapsed - settleStart), cancellationToken).ConfigureAwait(false);
        }

        var wall = clock.Elapsed;
        var ingest = Flatten(await service.GetHealthAsync(cancellationToken).ConfigureAwait(false));
        if (service.HasExited)
        {
            throw new InvalidOperationException($"[{name}] the edge service exited during the run. Its output:{Environment.NewLine}{Tail(service.Output)}");
        }

        var truth = File.Exists(truthPath) ? GroundTruth.Read(truthPath) : new GroundTruth([], []);
        var alerts = collector.Snapshot();
        log($"[{name}] {truth.Events.Count} events, {alerts.Count} alerts ({collector.Messages} alert messages) in {wall.TotalSeconds:0} s; {collector.NoDataAfterEnd} no-data alerts after the simulator stopped left out");
        try
        {
            Directory.Delete(folder, recursive: true);
        }
        catch (IOException)
        {
            // Harmless.
        }

        return new ScenarioRun(name, arguments, service.Arguments, truth, alerts, collector.Messages, ingest, wall);
    }

    /// <summary>The numeric leaves of <c>/health</c>'s <c>ingest</c> object, as <c>samples.accepted</c> = count.</summary>
    internal static IReadOnlyDictionary<string, long> Flatten(JsonElement? health)
    {
        var counts = new SortedDictionary<string, long>(StringComparer.Ordinal);
        if (health is { } root && root.TryGetProperty("ingest", out var ingest))
        {
            Walk(ingest, "", counts);
        }

        return counts;

        static void Walk(JsonElement element, string prefix, SortedDictionary<string, long> counts)
        {
            if (element.ValueKind == JsonValueKind.Object)
            {
                foreach (var property in element.EnumerateObject())
                {
                    Walk(property.Value, prefix.Length == 0 ? property.Name : $"{prefix}.{property.Name}", counts);
                }
            }
            else if (element.ValueKind == JsonValueKind.Number && element.TryGetInt64(out var value))
            {
                counts[prefix] = value;
            }
        }
    }

    private static string Tail(string output) => output.Length <= 4000 ? output : "…" + output[^4000..];

    private static string LastLine(string output) =>
        output.Split('\n', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries).LastOrDefault() ?? "";

    /// <summary>The simulator's own help for <paramref name="verb"/>, to learn whether it exists; null when it does not.</summary>
    /// <param name="simulator">Simulator dll.</param>
    /// <param name="verb">The verb.</param>
    /// <param name="cancellationToken">Cancels the probe.</param>
    public static async Task<string?> VerbHelpAsync(string simulator, string verb, CancellationToken cancellationToken)
    {
        await using var probe = ToolProcess.Start("dotnet", [simulator, verb, "--help"], AppContext.BaseDirectory);
        await probe.WaitForExitAsync(cancellationToken).ConfigureAwait(false);
        var output = probe.Output;
        return probe.ExitCode == 0 && output.Contains(verb, StringComparison.OrdinalIgnoreCase) && !output.Contains($"unexpected argument '{verb}'", StringComparison.Ordinal)
            ? output
            : null;
    }

    internal static string Invariant(FormattableString text) => text.ToString(CultureInfo.InvariantCulture);
}

using System.Globalization;
using WearableEdge.DeviceSim.Load;
using WearableEdge.DeviceSim.Publishing;
using WearableEdge.DeviceSim.Replay;

namespace WearableEdge.DeviceSim.CommandLine;

/// <summary>
/// Runs what the command line asks for and returns the exit code: 0 done (or stopped by Ctrl+C /
/// SIGTERM), 2 bad arguments (the message names the option), 3 the broker refused the connection.
/// Results go to <c>output</c>; errors and progress to <c>error</c>.
/// </summary>
internal static class SimulatorApp
{
    public const int Done = 0;
    public const int BadArguments = 2;
    public const int BrokerRefused = 3;

    public static async Task<int> RunAsync(IReadOnlyList<string> args, TextWriter output, TextWriter error, bool stderrIsTerminal, TimeProvider timeProvider, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(output);
        ArgumentNullException.ThrowIfNull(error);
        var parsed = SimulatorCommandLine.Parse(args);
        if (parsed.Error is { } message)
        {
            await error.WriteLineAsync($"error: {message}\nRun with --help for usage.").ConfigureAwait(false);
            return BadArguments;
        }

        if (parsed.ShowHelp || parsed.Options is not { } options)
        {
            await output.WriteAsync(parsed.HelpText ?? SimulatorCommandLine.RootUsage).ConfigureAwait(false);
            return Done;
        }

        var progress = ProgressDisplay.Enabled(parsed.Progress, stderrIsTerminal) ? error : null;
        try
        {
            return parsed.Verb switch
            {
                Verb.Replay => await ReplayAsync(options, parsed.Replay!, output, error, progress, timeProvider, cancellationToken).ConfigureAwait(false),
                Verb.Load => await LoadAsync(options, output, progress, timeProvider, cancellationToken).ConfigureAwait(false),
                _ => await SimulateAsync(options, output, progress, timeProvider, cancellationToken).ConfigureAwait(false),
            };
        }
        catch (BrokerRefusedException refused)
        {
            await error.WriteLineAsync($"error: {refused.Message}").ConfigureAwait(false);
            return BrokerRefused;
        }
    }

    private static async Task<int> SimulateAsync(SimulationOptions options, TextWriter output, TextWriter? progress, TimeProvider timeProvider, CancellationToken cancellationToken)
    {
        var simulator = new WardSimulator(options, timeProvider);
        await output.WriteLineAsync(string.Create(
            CultureInfo.InvariantCulture,
            $"Simulating {options.Patients} patients (seed {options.Seed}, speed {options.Speed}x, {options.Events.Count} events) to {options.Broker} over {Math.Min(options.Connections, options.Patients)} connection(s).")).ConfigureAwait(false);
        var started = timeProvider.GetTimestamp();

        // WardSimulator paces device time to wall-clock elapsed × speed, so that is where it stands (≈).
        ProgressSnapshot Read()
        {
            var device = TimeSpan.FromTicks((long)Math.Min(timeProvider.GetElapsedTime(started).Ticks * options.Speed, TimeSpan.MaxValue.Ticks / 2.0));
            return new ProgressSnapshot(options.Duration is { } d && device > d ? d : device, options.Duration, simulator.MessagesPublished);
        }

        await using (StartProgress(progress, timeProvider, Read).ConfigureAwait(false))
        {
            try
            {
                await simulator.RunAsync(cancellationToken).ConfigureAwait(false);
            }
            catch (OperationCanceledException) when (cancellationToken.IsCancellationRequested)
            {
                // Ctrl+C or SIGTERM: RunAsync has already disconnected cleanly; this is a normal exit.
            }
        }

        await output.WriteLineAsync($"Published {simulator.MessagesPublished} messages from device time {simulator.DeviceStart:O}.").ConfigureAwait(false);
        return Done;
    }

    private static async Task<int> ReplayAsync(SimulationOptions options, ReplayOptions replayOptions, TextWriter output, TextWriter error, TextWriter? progress, TimeProvider timeProvider, CancellationToken cancellationToken)
    {
        var replay = new PhysioNetReplay(options, replayOptions, timeProvider);
        await output.WriteLineAsync(string.Create(
            CultureInfo.InvariantCulture,
            $"Replaying {(replayOptions.Patients is { } n ? $"the first {n}" : "every")} PhysioNet 2019 stay(s) from {replayOptions.DataDirectory} (seed {options.Seed}, speed {options.Speed}x) to {options.Broker}.")).ConfigureAwait(false);
        ProgressSnapshot Read() => replay.Publisher is { } p ? new ProgressSnapshot(p.DeviceElapsed, p.Duration, p.MessagesPublished) : default;
        await using (StartProgress(progress, timeProvider, Read).ConfigureAwait(false))
        {
            try
            {
                await replay.RunAsync(cancellationToken).ConfigureAwait(false);
            }
            catch (OperationCanceledException) when (cancellationToken.IsCancellationRequested)
            {
                // Ctrl+C or SIGTERM: a normal exit.
            }
            catch (Exception e) when (e is InvalidDataException or DirectoryNotFoundException or FileNotFoundException)
            {
                await error.WriteLineAsync($"error: --data: {e.Message}").ConfigureAwait(false);
                return BadArguments;
            }
        }

        var stays = replay.Stays;
        await output.WriteLineAsync(string.Create(
            CultureInfo.InvariantCulture,
            $"Replayed {stays.Count} stay(s), {stays.Count(s => s.SepsisOnset is not null)} septic, {stays.Sum(s => s.Hours.Count)} hours; "
            + $"left out {stays.Sum(s => s.ImplausibleValues)} charted value(s) outside the gateway's plausible ranges.")).ConfigureAwait(false);
        await output.WriteLineAsync($"Published {replay.Publisher?.MessagesPublished ?? 0} messages from device time {replay.DeviceStart:O}.").ConfigureAwait(false);
        return Done;
    }

    private static async Task<int> LoadAsync(SimulationOptions options, TextWriter output, TextWriter? progress, TimeProvider timeProvider, CancellationToken cancellationToken)
    {
        var load = new LoadRun(options, timeProvider);
        await output.WriteLineAsync(string.Create(
            CultureInfo.InvariantCulture,
            $"Offering {options.Patients} patients ({LoadRun.OfferedMessagesPerSecond(options):0.#} msg/s) for {options.Duration!.Value.TotalSeconds:0.#} s to {options.Broker}.")).ConfigureAwait(false);
        ProgressSnapshot Read() => load.Publisher is { } p ? new ProgressSnapshot(p.DeviceElapsed, p.Duration, p.MessagesPublished) : default;
        await using (StartProgress(progress, timeProvider, Read).ConfigureAwait(false))
        {
            try
            {
                var report = await load.RunAsync(cancellationToken).ConfigureAwait(false);
                await output.WriteLineAsync(report.Summary()).ConfigureAwait(false);
            }
            catch (OperationCanceledException) when (cancellationToken.IsCancellationRequested)
            {
                await output.WriteLineAsync($"Load stopped early: {load.Publisher?.MessagesPublished ?? 0} messages published.").ConfigureAwait(false);
            }
        }

        return Done;
    }

    private static IAsyncDisposable StartProgress(TextWriter? writer, TimeProvider timeProvider, Func<ProgressSnapshot> read) =>
        writer is null ? NoProgress.Instance : ProgressDisplay.Start(writer, timeProvider, read);

    private sealed class NoProgress : IAsyncDisposable
    {
        public static readonly NoProgress Instance = new();

        public ValueTask DisposeAsync() => ValueTask.CompletedTask;
    }
}

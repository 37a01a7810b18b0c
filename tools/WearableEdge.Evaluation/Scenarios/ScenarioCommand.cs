using System.Diagnostics;
using System.Globalization;

namespace WearableEdge.Evaluation.Scenarios;

/// <summary>The options of the <c>scenarios</c> verb.</summary>
/// <param name="Sets">Scenario sets (<c>--set</c>, repeatable); empty: every shipped set, else <c>demo</c>.</param>
/// <param name="Speed">Device seconds per wall second.</param>
/// <param name="ReportFolder">Where the markdown and PNGs go; null: print only.</param>
/// <param name="PhysioNet">PhysioNet data folder: replay it instead of scenario sets.</param>
/// <param name="Patients">With <paramref name="PhysioNet"/>: patients to replay; with sets: overrides the set's patients.</param>
/// <param name="Seed">Overrides the sets' seeds.</param>
/// <param name="Duration">Overrides the sets' device-time duration.</param>
/// <param name="Timeout">Wall-clock limit per simulator run; null: derived from duration and speed.</param>
public sealed record ScenarioOptions(
    IReadOnlyList<string> Sets, double Speed, string? ReportFolder, string? PhysioNet, int? Patients, int? Seed, TimeSpan? Duration, TimeSpan? Timeout)
{
    /// <summary>Device time of the simulation start; null: the next midnight UTC (see <see cref="ScenarioCommand.DefaultDeviceStart"/>).</summary>
    public DateTimeOffset? DeviceStart { get; init; }

    /// <summary>Another simulator build (<c>WearableEdge.DeviceSim.dll</c>) instead of the one built beside the harness.</summary>
    public string? Simulator { get; init; }

    /// <summary>Pass <c>--no-motion</c> to the simulator (no 50 Hz accelerometer stream: the fall model sees nothing).</summary>
    public bool NoMotion { get; init; }

    public const string Usage = """
        usage: scenarios [--set NAME|PATH ...] [--speed F] [--patients N] [--seed N] [--duration D] [--device-start T]
                         [--no-motion] [--report DIR|-] [--timeout D] [--simulator DLL]
               scenarios --physionet DIR [--patients N] [--speed F] [--seed N] [--report DIR|-] [--timeout D] [--simulator DLL]

        Runs scenario sets (default: every device-sim/scenarios/*.json, else the built-in 'demo') through a real
        Mosquitto and the real edge service at accelerated time, matches the alerts to the simulator's ground
        truth and writes docs/validation/scenarios.md with PNG plots. With --physionet it replays PhysioNet 2019
        patients with the simulator's 'replay' verb and writes docs/validation/physionet-replay.md.
          --speed F      device seconds per wall second (default 60; PhysioNet default 3600)
          --report DIR   folder of the report and plots (default docs/validation); '-' prints only
          --device-start T  device time of the start, ISO 8601 (default: the next midnight UTC, so a set
                         written for a midnight start sees its night and day where the clock says, and runs
                         on the same day give the same streams)
          --no-motion    no accelerometer stream (fewer messages; the fall model then sees nothing)
          --simulator DLL  another build of WearableEdge.DeviceSim.dll (default: the one beside the harness)
        """;

    /// <summary>Parses the arguments after the verb; an error message names the option.</summary>
    /// <param name="args">Arguments after <c>scenarios</c>.</param>
    /// <param name="error">Why the arguments are wrong.</param>
    public static ScenarioOptions? Parse(IReadOnlyList<string> args, out string? error)
    {
        ArgumentNullException.ThrowIfNull(args);
        var sets = new List<string>();
        double? speed = null;
        string? report = "docs/validation", physionet = null;
        int? patients = null, seed = null;
        TimeSpan? duration = null, timeout = null;
        DateTimeOffset? deviceStart = null;
        string? simulator = null;
        var noMotion = false;
        error = null;
        for (var i = 0; i < args.Count; i++)
        {
            var name = args[i];
            if (name == "--no-motion")
            {
                noMotion = true;
                continue;
            }

            var value = i + 1 < args.Count ? args[i + 1] : null;
            if (value is null)
            {
                error = $"{name}: unknown option or missing value.";
                return null;
            }

            i++;
            switch (name)
            {
                case "--set":
                    sets.Add(value);
                    break;
                case "--speed" when double.TryParse(value, NumberStyles.Float, CultureInfo.InvariantCulture, out var s) && double.IsFinite(s) && s > 0:
                    speed = s;
                    break;
                case "--report":
                    report = value == "-" ? null : value;
                    break;
                case "--physionet":
                    physionet = value;
                    break;
                case "--patients" when int.TryParse(value, CultureInfo.InvariantCulture, out var p) && p >= 1:
                    patients = p;
                    break;
                case "--seed" when int.TryParse(value, CultureInfo.InvariantCulture, out var n):
                    seed = n;
                    break;
                case "--duration" when ScenarioSetFile.TryParseDuration(value, out var d) && d > TimeSpan.Zero:
                    duration = d;
                    break;
                case "--timeout" when ScenarioSetFile.TryParseDuration(value, out var t) && t > TimeSpan.Zero:
                    timeout = t;
                    break;
                case "--device-start" when DateTimeOffset.TryParse(value, CultureInfo.InvariantCulture, DateTimeStyles.AssumeUniversal, out var start):
                    deviceStart = start.ToUniversalTime();
                    break;
                case "--simulator" when File.Exists(value):
                    simulator = Path.GetFullPath(value);
                    break;
                default:
                    error = $"bad option '{name} {value}'.";
                    return null;
            }
        }

        if (physionet is not null && sets.Count > 0)
        {
            error = "--physionet and --set do not go together: run them as two commands.";
            return null;
        }

        return new ScenarioOptions(sets, speed ?? (physionet is null ? 60 : 3600), report, physionet, patients, seed, duration, timeout)
        {
            DeviceStart = deviceStart,
            Simulator = simulator,
            NoMotion = noMotion,
        };
    }
}

/// <summary>The <c>scenarios</c> verb: broker, service and simulator in one command, then matching and the report.</summary>
internal static class ScenarioCommand
{
    public static async Task<int> RunAsync(IReadOnlyList<string> args, CancellationToken cancellationToken)
    {
        var options = ScenarioOptions.Parse(args, out var error);
        if (options is null)
        {
            await Console.Error.WriteLineAsync($"scenarios: {error}{Environment.NewLine}{ScenarioOptions.Usage}").ConfigureAwait(false);
            return 2;
        }

        foreach (var binary in new[] { EdgeServiceRun.ServiceDll, options.Simulator ?? ScenarioRunner.SimulatorDll })
        {
            if (!File.Exists(binary))
            {
                await Console.Error.WriteLineAsync($"scenarios: {binary} is missing; build tools/WearableEdge.Evaluation (it builds the service and the simulator beside it).").ConfigureAwait(false);
                return 2;
            }
        }

        var time = TimeProvider.System;
        var startedAt = time.GetUtcNow();
        var clock = Stopwatch.StartNew();
        var command = "dotnet run -c Release --project tools/WearableEdge.Evaluation -- scenarios " + string.Join(' ', args);
        try
        {
            if (options.PhysioNet is not null)
            {
                return await PhysioNetAsync(options, command, startedAt, clock, time, cancellationToken).ConfigureAwait(false);
            }

            return await ScenarioSetsAsync(options, command, startedAt, clock, time, cancellationToken).ConfigureAwait(false);
        }
        catch (FileNotFoundException missing)
        {
            await Console.Error.WriteLineAsync($"scenarios: {missing.Message}").ConfigureAwait(false);
            return 2;
        }
        catch (FormatException bad)
        {
            await Console.Error.WriteLineAsync($"scenarios: {bad.Message}").ConfigureAwait(false);
            return 2;
        }
        catch (Exception failed) when (failed is InvalidOperationException or TimeoutException)
        {
            await Console.Error.WriteLineAsync($"scenarios: {failed.Message}").ConfigureAwait(false);
            return 1;
        }
    }

    private static async Task<int> ScenarioSetsAsync(
        ScenarioOptions options, string command, DateTimeOffset startedAt, Stopwatch clock, TimeProvider time, CancellationToken cancellationToken)
    {
        var root = RepositoryRoot();
        var names = options.Sets.Count > 0 ? options.Sets : ShippedSets(root);
        var sets = names.Select(n => ScenarioSetFile.Resolve(n, root)).ToList();
        await using var broker = await MosquittoBroker.StartAsync(cancellationToken).ConfigureAwait(false);
        Console.WriteLine($"Mosquitto on {broker.Uri}; sets: {string.Join(", ", sets.Select(s => s.Name))}; speed {options.Speed.ToString(CultureInfo.InvariantCulture)}×");
        var runner = new ScenarioRunner(broker.Uri, time, Console.WriteLine) { Simulator = options.Simulator ?? ScenarioRunner.SimulatorDll };
        var results = new List<(ScenarioRun Run, ScenarioSummary Summary)>();
        foreach (var set in sets)
        {
            var duration = options.Duration ?? set.Duration;
            var patients = options.Patients ?? set.Patients;
            var now = time.GetUtcNow();
            var deviceStart = options.DeviceStart ?? DefaultDeviceStart(now);
            var simulatorArguments = new List<string>
            {
                "--scenario", set.Argument,
                "--speed", options.Speed.ToString(CultureInfo.InvariantCulture),
                "--duration", ScenarioSetFile.Format(duration),
                "--device-start", deviceStart.ToString("yyyy-MM-ddTHH:mm:ssZ", CultureInfo.InvariantCulture),
            };
            if (options.Patients is not null)
            {
                simulatorArguments.AddRange(["--patients", patients.ToString(CultureInfo.InvariantCulture)]);
            }

            if (options.Seed is { } seed)
            {
                simulatorArguments.AddRange(["--seed", seed.ToString(CultureInfo.InvariantCulture)]);
            }

            if (options.NoMotion)
            {
                simulatorArguments.Add("--no-motion");
            }

            var skew = MaxClockSkew(deviceStart, duration, now);
            var timeout = options.Timeout ?? TimeSpan.FromMinutes(5) + 3 * duration / options.Speed;
            var run = (await runner.RunAsync(set.Name, simulatorArguments, skew, EdgeServiceRun.TechnicalTimingSettings(options.Speed), timeout, cancellationToken).ConfigureAwait(false)).ClippedTo(deviceStart + duration) with { Description = set.Description };
            var result = ScenarioMatcher.Match(run.Truth.Events, run.Alerts);
            var summary = ScenarioSummary.From(result, ScenarioStatistics.PatientDays(run.Truth.Monitored, patients, duration));
            results.Add((run, summary));
        }

        var pooled = ScenarioSummary.From(
            new MatchResult(
                [.. results.SelectMany(r => r.Summary.Result.Events)],
                [.. results.SelectMany(r => r.Summary.Result.FalseAlerts)],
                [.. results.SelectMany(r => r.Summary.Result.Alerts)],
                [.. results.SelectMany(r => r.Summary.Result.Backfilled)]),
            results.Sum(r => r.Summary.PatientDays));
        var context = new ScenarioReport.Context(command, startedAt, options.Speed, clock.Elapsed);
        var markdown = ScenarioReport.Scenarios(context, results, pooled);
        Console.WriteLine();
        Console.WriteLine(markdown);
        if (options.ReportFolder is { } folder)
        {
            Directory.CreateDirectory(folder);
            await File.WriteAllTextAsync(Path.Combine(folder, "scenarios.md"), markdown, cancellationToken).ConfigureAwait(false);
            var latencies = pooled.Result.Events.Where(e => e.Latency is not null)
                .GroupBy(e => e.Truth.Kind, StringComparer.Ordinal)
                .ToDictionary(g => g.Key, g => (IReadOnlyList<double>)[.. g.Select(e => e.Latency!.Value.TotalSeconds)], StringComparer.Ordinal);
            ScenarioPlots.LatencyHistogram(Path.Combine(folder, ScenarioReport.LatencyPng), "Detection latency from onset", latencies, "Latency from onset (s, device time)");
            ScenarioPlots.AlertsPerDay(Path.Combine(folder, ScenarioReport.AlertsPerDayPng), "Alerts per patient-day by type", pooled.AlertsPerDayByType, pooled.FalsePerDayByType);
            Console.WriteLine($"written to {Path.Combine(folder, "scenarios.md")} and its PNGs");
        }

        return 0;
    }

    private static async Task<int> PhysioNetAsync(
        ScenarioOptions options, string command, DateTimeOffset startedAt, Stopwatch clock, TimeProvider time, CancellationToken cancellationToken)
    {
        if (!Directory.Exists(options.PhysioNet))
        {
            throw new FileNotFoundException($"--physionet {options.PhysioNet}: no such folder (see /work/shared/data/physionet2019-sepsis/README.md).", options.PhysioNet);
        }

        if (await ScenarioRunner.VerbHelpAsync(options.Simulator ?? ScenarioRunner.SimulatorDll, "replay", cancellationToken).ConfigureAwait(false) is null)
        {
            await Console.Error.WriteLineAsync(
                "scenarios: the device simulator built beside the harness has no 'replay' verb (plan contract 3: " +
                "'replay --data DIR --patients N --speed F --broker URL --ground-truth PATH [--seed N]'). Build a simulator that has it, then run again.").ConfigureAwait(false);
            return 3;
        }

        await using var broker = await MosquittoBroker.StartAsync(cancellationToken).ConfigureAwait(false);
        var runner = new ScenarioRunner(broker.Uri, time, Console.WriteLine) { Simulator = options.Simulator ?? ScenarioRunner.SimulatorDll };
        var arguments = new List<string>
        {
            "replay",
            "--data", Path.GetFullPath(options.PhysioNet!),
            "--patients", (options.Patients ?? 20).ToString(CultureInfo.InvariantCulture),
            "--speed", options.Speed.ToString(CultureInfo.InvariantCulture),
        };
        if (options.Seed is { } seed)
        {
            arguments.AddRange(["--seed", seed.ToString(CultureInfo.InvariantCulture)]);
        }

        // A replayed ICU stay lasts days of device time; the replay chooses its device start, so allow a year of skew.
        var run = await runner.RunAsync("physionet", arguments, TimeSpan.FromDays(365), EdgeServiceRun.TechnicalTimingSettings(options.Speed), options.Timeout ?? TimeSpan.FromHours(1), cancellationToken).ConfigureAwait(false);
        var summary = PhysioNetSummary.From(run.Truth, run.Alerts);
        var markdown = ScenarioReport.PhysioNet(new ScenarioReport.Context(command, startedAt, options.Speed, clock.Elapsed), run, summary);
        Console.WriteLine();
        Console.WriteLine(markdown);
        if (options.ReportFolder is { } folder)
        {
            Directory.CreateDirectory(folder);
            await File.WriteAllTextAsync(Path.Combine(folder, "physionet-replay.md"), markdown, cancellationToken).ConfigureAwait(false);
            ScenarioPlots.LatencyHistogram(
                Path.Combine(folder, ScenarioReport.PhysioNetLeadPng),
                "Lead time before Sepsis-3 onset",
                new Dictionary<string, IReadOnlyList<double>>(StringComparer.Ordinal) { ["sepsis"] = summary.LeadTimesHours },
                "Lead time (h before onset)");
            ScenarioPlots.AlertsPerDay(Path.Combine(folder, ScenarioReport.PhysioNetAlertsPng), "Non-septic patients: alerts per patient-day", summary.NonSepticAlertsPerDayByType, falsePerDay: null);
            Console.WriteLine($"written to {Path.Combine(folder, "physionet-replay.md")} and its PNGs");
        }

        return 0;
    }

    /// <summary>
    /// The next midnight UTC after <paramref name="now"/>: scenario sets are written for a midnight start (their night
    /// and day fall where the clock says), device time then runs ahead of the gateway clock so no alert is marked late,
    /// and runs on the same day get the same streams (same seed and start).
    /// </summary>
    /// <param name="now">The gateway clock now.</param>
    internal static DateTimeOffset DefaultDeviceStart(DateTimeOffset now) => new DateTimeOffset(now.UtcDateTime.Date, TimeSpan.Zero).AddDays(1);

    /// <summary>
    /// The service's <c>Ingest:MaxClockSkew</c> for a run from <paramref name="deviceStart"/> for <paramref name="duration"/>:
    /// how far device time may run ahead of the gateway clock, with an hour to spare; at least a day.
    /// </summary>
    /// <param name="deviceStart">Device time of the start.</param>
    /// <param name="duration">Device time the run lasts.</param>
    /// <param name="now">The gateway clock at the start.</param>
    internal static TimeSpan MaxClockSkew(DateTimeOffset deviceStart, TimeSpan duration, DateTimeOffset now)
    {
        var ahead = deviceStart - now + duration + TimeSpan.FromHours(1);
        return ahead > TimeSpan.FromDays(1) ? ahead : TimeSpan.FromDays(1);
    }

    /// <summary>The folder holding WearableEdge.sln, from the working directory up; null if none.</summary>
    internal static string? RepositoryRoot()
    {
        for (var directory = new DirectoryInfo(Environment.CurrentDirectory); directory is not null; directory = directory.Parent)
        {
            if (File.Exists(Path.Combine(directory.FullName, "WearableEdge.sln")))
            {
                return directory.FullName;
            }
        }

        return null;
    }

    private static IReadOnlyList<string> ShippedSets(string? root)
    {
        var folder = root is null ? null : Path.Combine(root, "device-sim", "scenarios");
        return folder is not null && Directory.Exists(folder)
            ? [.. Directory.GetFiles(folder, "*.json").Order(StringComparer.Ordinal)]
            : [ScenarioSetFile.Demo.Name];
    }
}

using System.CommandLine;
using System.Text.Json;
using WearableEdge.DeviceSim.Generation;
using WearableEdge.DeviceSim.Replay;

namespace WearableEdge.DeviceSim.CommandLine;

/// <summary><c>run</c>: simulate a ward, with scripted events and ground truth.</summary>
internal sealed class RunVerb
{
    private readonly BrokerOptions _broker = new();
    private readonly PacingOptions _pacing = new(
        $"patients patient-001 … wearing dev-001 … (default 8, or the scenario's; 1–{Ward.MaxPatients})",
        "stop after D of device time and exit 0 (default: the scenario's, else run until Ctrl+C)",
        "1 Hz vitals samples per message (default 5)");

    private readonly FormatOptions _format = new();

    private readonly Option<string[]> _event = new("--event")
    {
        HelpName = "K:P:ONSET:DUR[:RAMP]",
        Description = "scripted event, repeatable; K is an event kind (deterioration, desaturation, fall, tachycardia, bradycardia, fever, sepsis, irregular-rhythm, device-removed, battery-drain, bluetooth-gap; device-sim/README.md), e.g. --event deterioration:patient-003:1m:20m; "
            + "for a fall, ONSET is the impact and DUR how long the patient stays down (no RAMP), e.g. --event fall:patient-003:40s:2m",
        Arity = ArgumentArity.OneOrMore,
        AllowMultipleArgumentsPerToken = false,
    };

    private readonly Option<string> _scenario = new("--scenario")
    {
        HelpName = "NAME|PATH",
        Description = "a scenario by built-in name or file: its events, and its patients, seed and duration unless given here. "
            + "Built in: demo (patient-002 desaturation at 15s for 4m, patient-005 deterioration at 20s for 30m, patient-003 fall at 40s, down for 2m; needs 5+ patients)",
    };

    private readonly Option<string> _groundTruth = new("--ground-truth")
    {
        HelpName = "PATH",
        Description = "write one JSON line per scheduled event at start",
    };

    private readonly Option<bool> _noMotion = new("--no-motion") { Description = "do not publish accelerometer data" };

    public RunVerb()
    {
        Command = new Command(
            "run",
            "Simulate a ward: virtual patients' vitals at 1 Hz, motion at 50 Hz, device status every 60 s (device time), with scripted events. The default verb.");
        _broker.AddTo(Command);
        _pacing.AddTo(Command);
        foreach (var option in new Option[] { _event, _scenario, _groundTruth, _noMotion })
        {
            Command.Options.Add(option);
        }

        _format.AddTo(Command);
    }

    public Command Command { get; }

    public CommandLineResult Bind(ParseResult parse)
    {
        var options = new SimulationOptions { Broker = new Uri("mqtt://127.0.0.1:1883") };
        var events = new List<(ScenarioEvent Event, string Option)>();
        if (parse.GetValue(_scenario) is { } scenarioName)
        {
            ScenarioSet scenario;
            try
            {
                scenario = ScenarioLibrary.Resolve(scenarioName);
            }
            catch (Exception e) when (e is ScenarioFileException or ArgumentException or IOException or JsonException or FormatException or InvalidDataException or InvalidOperationException or UnauthorizedAccessException)
            {
                return SimulatorCommandLine.Fail($"--scenario: {e.Message}");
            }

            events.AddRange(scenario.Events.Select(e => (e, $"--scenario {scenario.Name}")));
            options = options with { Patients = scenario.Patients, Seed = scenario.Seed ?? options.Seed, Duration = scenario.Duration };
        }

        foreach (var text in parse.GetValue(_event) ?? [])
        {
            if (OptionValues.Event(text, out var scenarioEvent) is { } eventError)
            {
                return SimulatorCommandLine.Fail(eventError);
            }

            events.Add((scenarioEvent!, "--event"));
        }

        var error = _broker.Bind(parse, ref options) ?? _pacing.Bind(parse, ref options);
        if (parse.GetValue(_groundTruth) is { } groundTruth)
        {
            error ??= groundTruth.Length == 0 ? "--ground-truth needs a file path." : null;
            options = options with { GroundTruthPath = groundTruth };
        }

        options = options with { Motion = !parse.GetValue(_noMotion) };
        error ??= _format.Bind(parse, ref options);
        if (error is not null)
        {
            return SimulatorCommandLine.Fail(error);
        }

        foreach (var (scenarioEvent, option) in events)
        {
            if (Ward.PatientIndex(scenarioEvent.PatientId) is not { } index || index >= options.Patients)
            {
                return SimulatorCommandLine.Fail($"{option}: {scenarioEvent.PatientId} is not one of the {options.Patients} patients (--patients).");
            }
        }

        options = options with { Events = events.Select(e => e.Event).ToList() };
        var problems = options.Problems();
        return problems.Count == 0
            ? new CommandLineResult(options) { Verb = Verb.Run, Progress = _broker.Progress(parse) }
            : SimulatorCommandLine.Fail(string.Join(" ", problems));
    }
}

/// <summary><c>replay</c>: stream PhysioNet 2019 ICU stays as 1 Hz vitals, with the Sepsis-3 onset as ground truth.</summary>
internal sealed class ReplayVerb
{
    /// <summary>The data folder tried when <c>--data</c> is not given, relative to the current folder and its parents.</summary>
    public const string DefaultData = "../shared/data/physionet2019-sepsis";

    private readonly BrokerOptions _broker = new();
    private readonly PacingOptions _pacing = new(
        "replay the first N stays in file-name order (default: every stay in the folder)",
        "stop after D of device time (default: when the longest stay ends)",
        "1 Hz seconds per message (default 5); seconds with no charted sign are left out");

    private readonly Option<string> _data = new("--data")
    {
        HelpName = "DIR",
        Description = $"PhysioNet 2019 folder: its patients/*.psv, or *.psv in DIR itself (default {DefaultData}, looked up from the current folder and its parents)",
    };

    private readonly Option<string> _groundTruth = new("--ground-truth")
    {
        HelpName = "PATH",
        Description = "write, at start, a 'monitored' line per stay (the span of its data) and a 'sepsis' line per septic stay (onset = first SepsisLabel hour + 6 h)",
    };

    private readonly FormatOptions _format = new();

    public ReplayVerb()
    {
        Command = new Command(
            "replay",
            "Replay PhysioNet/CinC 2019 ICU stays as 1 Hz vitals (HR, SpO2, RR, temperature, systolic BP), all starting at the device start: "
            + "hourly values become 1 Hz streams with seeded within-hour variation; hours with no value are gaps, not invented data; no motion. "
            + "Patients are physionet-<file> wearing dev-<file>, e.g. physionet-p100004.");
        Command.Options.Add(_data);
        _broker.AddTo(Command);
        _pacing.AddTo(Command);
        Command.Options.Add(_groundTruth);
        _format.AddTo(Command);
    }

    public Command Command { get; }

    public CommandLineResult Bind(ParseResult parse)
    {
        var options = new SimulationOptions { Broker = new Uri("mqtt://127.0.0.1:1883"), Motion = false };
        var error = _broker.Bind(parse, ref options) ?? _pacing.Bind(parse, ref options, bindPatients: false);
        int? patients = null;
        if (error is null && _pacing.PatientsText(parse) is { } patientsText)
        {
            error = OptionValues.Int("--patients", patientsText, 1, Ward.MaxPatients, out var count);
            patients = count;
        }

        if (parse.GetValue(_groundTruth) is { } groundTruth)
        {
            error ??= groundTruth.Length == 0 ? "--ground-truth needs a file path." : null;
            options = options with { GroundTruthPath = groundTruth };
        }

        error ??= _format.Bind(parse, ref options);
        if (error is not null)
        {
            return SimulatorCommandLine.Fail(error);
        }

        var data = parse.GetValue(_data) ?? FindDefaultData(Directory.GetCurrentDirectory());
        if (data is null || !Directory.Exists(data))
        {
            return SimulatorCommandLine.Fail(parse.GetValue(_data) is null
                ? $"--data not given and no {DefaultData} found from the current folder up."
                : $"--data: no such folder '{data}'.");
        }

        var problems = options.Problems();
        return problems.Count == 0
            ? new CommandLineResult(options) { Verb = Verb.Replay, Replay = new ReplayOptions(data, patients), Progress = _broker.Progress(parse) }
            : SimulatorCommandLine.Fail(string.Join(" ", problems));
    }

    /// <summary><see cref="DefaultData"/> relative to <paramref name="start"/> or the first of its parents that has it; null when none does.</summary>
    internal static string? FindDefaultData(string start)
    {
        for (var folder = new DirectoryInfo(start); folder is not null; folder = folder.Parent)
        {
            var candidate = Path.GetFullPath(Path.Combine(folder.FullName, DefaultData));
            if (Directory.Exists(candidate))
            {
                return candidate;
            }
        }

        return null;
    }
}

/// <summary><c>load</c>: offer a gateway N patients at realistic rates for a while and print the rate achieved.</summary>
internal sealed class LoadVerb
{
    /// <summary>Patients offered when <c>--patients</c> is not given.</summary>
    public const int DefaultPatients = 100;

    /// <summary>How long a load run lasts when <c>--duration</c> is not given.</summary>
    public static readonly TimeSpan DefaultDuration = TimeSpan.FromSeconds(60);

    private readonly BrokerOptions _broker = new();
    private readonly PacingOptions _pacing = new(
        $"patients offered (default {DefaultPatients}; 1–{Ward.MaxPatients})",
        "how long to offer the load (default 60s)",
        "1 Hz vitals samples per message (default 1: a message a second)",
        speed: false);

    private readonly FormatOptions _format = new();
    private readonly Option<bool> _noMotion = new("--no-motion") { Description = "offer no accelerometer data" };

    public LoadVerb()
    {
        Command = new Command(
            "load",
            "Offer a gateway N simulated patients in real time (vitals 1 Hz batched per second, motion 50 Hz batched per 0.5 s, "
            + "device status every 60 s), for --duration, then print the messages/s and samples/s achieved against those offered.");
        _broker.AddTo(Command);
        _pacing.AddTo(Command);
        Command.Options.Add(_noMotion);
        _format.AddTo(Command);
    }

    public Command Command { get; }

    public CommandLineResult Bind(ParseResult parse)
    {
        var options = new SimulationOptions
        {
            Broker = new Uri("mqtt://127.0.0.1:1883"),
            Patients = DefaultPatients,
            Duration = DefaultDuration,
            VitalsBatchSize = 1,
        };
        var error = _broker.Bind(parse, ref options) ?? _pacing.Bind(parse, ref options);
        options = options with { Motion = !parse.GetValue(_noMotion) };
        error ??= _format.Bind(parse, ref options);
        if (error is not null)
        {
            return SimulatorCommandLine.Fail(error);
        }

        var problems = options.Problems();
        return problems.Count == 0
            ? new CommandLineResult(options) { Verb = Verb.Load, Progress = _broker.Progress(parse) }
            : SimulatorCommandLine.Fail(string.Join(" ", problems));
    }
}

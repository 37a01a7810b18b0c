using System.Globalization;
using WearableEdge.DeviceSim.Generation;

namespace WearableEdge.DeviceSim.CommandLine;

/// <summary>The outcome of parsing the command line: options to run, a request for help, or an error naming the option.</summary>
internal sealed record CommandLineResult(SimulationOptions? Options, bool ShowHelp = false, string? Error = null);

/// <summary>The simulator's command line. Hand-written: a dozen options do not justify a package.</summary>
internal static class SimulatorCommandLine
{
    public const string Usage = """
        Usage: WearableEdge.DeviceSim [options]

        Publishes virtual patients' wearable data (contract v1, QoS 1) to an MQTT broker:
        vitals at 1 Hz, motion at 50 Hz, device status every 60 s (device time).

        Options:
          --broker URL           MQTT broker, mqtt://host:port (default mqtt://127.0.0.1:1883),
                                 or mqtts://host:port for TLS (port 8883 by default)
          --ca-file PATH         with mqtts: PEM CA the broker's certificate must chain to
                                 (default: the system trust store); a mismatch refuses the connection
          --cert PATH            with mqtts: PEM client certificate (mutual TLS); needs --key
          --key PATH             PEM private key of --cert
          --username NAME        MQTT user name (default: anonymous)
          --password-file PATH   file whose first line is the password (default: the
                                 WEARABLEEDGE_MQTT_PASSWORD environment variable)
          --patients N           patients patient-001 … wearing dev-001 … (default 8; 1–9999)
          --seed N               seed of every random draw; same seed, options and start = same payloads (default 42)
          --speed F              device seconds per wall-clock second (default 1), e.g. 60
          --duration D           stop after D of device time and exit 0 (default: run until Ctrl+C)
          --event K:P:ONSET:DUR[:RAMP]
                                 scripted event, repeatable; K is deterioration, desaturation or
                                 fall, e.g. --event deterioration:patient-003:1m:20m; for a fall,
                                 ONSET is the impact and DUR how long the patient stays down
                                 (no RAMP), e.g. --event fall:patient-003:40s:2m
          --scenario NAME|PATH   a scenario: the built-in demo (patient-002 desaturation at
                                 15s for 4m, patient-005 deterioration at 20s for 30m,
                                 patient-003 fall at 40s, down for 2m), a shipped file's name
                                 (falls, respiratory, cardiac, fever-sepsis, technical,
                                 mixed-ward-24h) or the path of a scenario file (schema in
                                 device-sim/README.md); its patients, seed and duration apply
                                 unless --patients, --seed or --duration are given
          --ground-truth PATH    write one JSON line per scheduled event at start
          --vitals-batch N       1 Hz vitals samples per message (default 5)
          --no-motion            do not publish accelerometer data
          --client-id ID         MQTT client id (default wearable-edge-sim)
          --device-start TIME    device time of the start, ISO 8601 (default: now)
          -h, --help             print this help

        Durations: 500ms, 90s, 10m, 2h, 1h30m. Exit codes: 0 done, 2 bad arguments,
        3 the broker refused the connection (TLS verification or credentials).

        """;

    private static readonly string[] ValueOptions =
    [
        "--broker", "--patients", "--seed", "--speed", "--duration", "--event", "--scenario",
        "--ground-truth", "--vitals-batch", "--client-id", "--device-start",
        "--ca-file", "--cert", "--key", "--username", "--password-file",
    ];

    public static CommandLineResult Parse(IReadOnlyList<string> args)
    {
        ArgumentNullException.ThrowIfNull(args);
        var options = new SimulationOptions { Broker = new Uri("mqtt://127.0.0.1:1883") };
        var events = new List<(ScenarioEvent Event, string Option)>();
        var seen = new HashSet<string>(StringComparer.Ordinal);
        ScenarioSet? scenario = null;
        for (var i = 0; i < args.Count; i++)
        {
            var (name, inlineValue) = Split(args[i]);
            if (name is "-h" or "--help")
            {
                return new CommandLineResult(null, ShowHelp: true);
            }

            if (name == "--no-motion" && inlineValue is null)
            {
                options = options with { Motion = false };
                continue;
            }

            if (!ValueOptions.Contains(name))
            {
                return Fail(name.StartsWith('-') ? $"unknown option '{name}'." : $"unexpected argument '{name}'.");
            }

            if (name != "--event" && !seen.Add(name))
            {
                return Fail($"{name} is given more than once.");
            }

            var value = inlineValue ?? (i + 1 < args.Count ? args[++i] : null);
            if (value is null)
            {
                return Fail($"{name} needs a value.");
            }

            string? error = null;
            switch (name)
            {
                case "--broker":
                    if (Uri.TryCreate(value, UriKind.Absolute, out var broker) && broker.Scheme is "mqtt" or "mqtts" && broker.Host.Length > 0)
                    {
                        options = options with { Broker = broker };
                    }
                    else
                    {
                        error = $"--broker must be mqtt://host:port or mqtts://host:port, not '{value}'.";
                    }

                    break;
                case "--ca-file":
                    options = options with { CaFile = value };
                    error = FileError(name, value);
                    break;
                case "--cert":
                    options = options with { ClientCertificateFile = value };
                    error = FileError(name, value);
                    break;
                case "--key":
                    options = options with { ClientKeyFile = value };
                    error = FileError(name, value);
                    break;
                case "--password-file":
                    options = options with { PasswordFile = value };
                    error = FileError(name, value);
                    break;
                case "--username":
                    options = options with { Username = value };
                    error = string.IsNullOrWhiteSpace(value) ? "--username must not be empty." : null;
                    break;
                case "--patients":
                    error = ParseInt(name, value, 1, Ward.MaxPatients, out var patients);
                    options = options with { Patients = patients };
                    break;
                case "--seed":
                    error = ParseInt(name, value, int.MinValue, int.MaxValue, out var seed);
                    options = options with { Seed = seed };
                    break;
                case "--speed":
                    if (double.TryParse(value, NumberStyles.Float, CultureInfo.InvariantCulture, out var speed) && double.IsFinite(speed) && speed > 0)
                    {
                        options = options with { Speed = speed };
                    }
                    else
                    {
                        error = $"--speed must be a number above 0, not '{value}'.";
                    }

                    break;
                case "--duration":
                    if (DurationText.TryParse(value, out var duration) && duration > TimeSpan.Zero)
                    {
                        options = options with { Duration = duration };
                    }
                    else
                    {
                        error = $"--duration must be a duration above 0 such as 90s, 10m or 2h, not '{value}'.";
                    }

                    break;
                case "--event":
                    error = ParseEvent(value, out var scenarioEvent);
                    if (scenarioEvent is not null)
                    {
                        events.Add((scenarioEvent, name));
                    }

                    break;
                case "--scenario":
                    try
                    {
                        scenario = ScenarioLibrary.Resolve(value);
                        events.AddRange(scenario.Events.Select(e => (e, $"--scenario {scenario.Name}")));
                    }
                    catch (ScenarioFileException e)
                    {
                        error = $"--scenario: {e.Message}";
                    }

                    break;
                case "--ground-truth":
                    options = options with { GroundTruthPath = value };
                    error = value.Length == 0 ? "--ground-truth needs a file path." : null;
                    break;
                case "--vitals-batch":
                    error = ParseInt(name, value, 1, 3600, out var batch);
                    options = options with { VitalsBatchSize = batch };
                    break;
                case "--client-id":
                    options = options with { ClientId = value };
                    error = string.IsNullOrWhiteSpace(value) ? "--client-id must not be empty." : null;
                    break;
                default:
                    if (DateTimeOffset.TryParse(value, CultureInfo.InvariantCulture, DateTimeStyles.AssumeUniversal, out var start))
                    {
                        options = options with { DeviceStart = start.ToUniversalTime() };
                    }
                    else
                    {
                        error = $"--device-start must be an ISO 8601 time such as 2025-01-01T08:00:00Z, not '{value}'.";
                    }

                    break;
            }

            if (error is not null)
            {
                return Fail(error);
            }
        }

        if (scenario is not null)
        {
            // A scenario's own ward size, seed and duration, unless given explicitly.
            options = options with
            {
                Patients = seen.Contains("--patients") ? options.Patients : scenario.Patients,
                Seed = seen.Contains("--seed") ? options.Seed : scenario.Seed ?? options.Seed,
                Duration = seen.Contains("--duration") ? options.Duration : scenario.Duration ?? options.Duration,
            };
        }

        foreach (var (scenarioEvent, option) in events)
        {
            if (Ward.PatientIndex(scenarioEvent.PatientId) is not { } index || index >= options.Patients)
            {
                return Fail($"{option}: {scenarioEvent.PatientId} is not one of the {options.Patients} patients (--patients).");
            }
        }

        if (options.CaFile is not null || options.ClientCertificateFile is not null || options.ClientKeyFile is not null)
        {
            if (!options.UseTls)
            {
                return Fail("--ca-file, --cert and --key need a TLS broker: --broker mqtts://host:port.");
            }
        }

        if ((options.ClientCertificateFile is null) != (options.ClientKeyFile is null))
        {
            return Fail("--cert and --key go together.");
        }

        if (options.PasswordFile is not null && options.Username is null)
        {
            return Fail("--password-file needs --username.");
        }

        options = options with { Events = events.Select(e => e.Event).ToList() };
        var problems = options.Problems();
        return problems.Count == 0 ? new CommandLineResult(options) : Fail(string.Join(" ", problems));
    }

    private static CommandLineResult Fail(string error) => new(null, Error: error);

    private static string? FileError(string name, string path) =>
        File.Exists(path) ? null : $"{name}: no such file '{path}'.";

    private static (string Name, string? Value) Split(string arg)
    {
        var equals = arg.StartsWith("--", StringComparison.Ordinal) ? arg.IndexOf('=', StringComparison.Ordinal) : -1;
        return equals < 0 ? (arg, null) : (arg[..equals], arg[(equals + 1)..]);
    }

    private static string? ParseInt(string name, string value, int min, int max, out int result)
    {
        if (int.TryParse(value, NumberStyles.AllowLeadingSign, CultureInfo.InvariantCulture, out result) && result >= min && result <= max)
        {
            return null;
        }

        return min == int.MinValue ? $"{name} must be an integer, not '{value}'." : $"{name} must be an integer {min}–{max}, not '{value}'.";
    }

    /// <summary>Parses <c>kind:patientId:onset:duration[:ramp]</c>; patient ids never contain ':'.</summary>
    private static string? ParseEvent(string value, out ScenarioEvent? scenarioEvent)
    {
        scenarioEvent = null;
        var parts = value.Split(':');
        if (parts.Length is not (4 or 5))
        {
            return $"--event must be kind:patientId:onset:duration[:ramp], e.g. deterioration:patient-003:1m:20m, not '{value}'.";
        }

        ScenarioKind? kind = parts[0] switch
        {
            "deterioration" => ScenarioKind.Deterioration,
            "desaturation" => ScenarioKind.Desaturation,
            "fall" => ScenarioKind.Fall,
            _ => null,
        };
        if (kind is null)
        {
            return $"--event kind must be deterioration, desaturation or fall, not '{parts[0]}'.";
        }

        if (Ward.PatientIndex(parts[1]) is null)
        {
            return $"--event patient must be a ward id such as patient-003, not '{parts[1]}'.";
        }

        if (!DurationText.TryParse(parts[2], out var onset))
        {
            return $"--event onset must be a duration such as 30s or 1m, not '{parts[2]}'.";
        }

        if (!DurationText.TryParse(parts[3], out var duration) || duration <= TimeSpan.Zero)
        {
            return $"--event duration must be a duration above 0 such as 20m, not '{parts[3]}'.";
        }

        TimeSpan? ramp = null;
        if (parts.Length == 5 && kind == ScenarioKind.Fall)
        {
            return $"--event fall takes no ramp: fall:patientId:impact:timeDown, not '{value}'.";
        }

        if (parts.Length == 5)
        {
            if (!DurationText.TryParse(parts[4], out var parsedRamp))
            {
                return $"--event ramp must be a duration such as 6m, not '{parts[4]}'.";
            }

            ramp = parsedRamp;
        }

        scenarioEvent = new ScenarioEvent(parts[1], kind.Value, onset, duration) { Ramp = ramp };
        return null;
    }
}

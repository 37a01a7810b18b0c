using System.CommandLine;
using WearableEdge.DeviceSim.Generation;

namespace WearableEdge.DeviceSim.CommandLine;

/// <summary>The options every verb shares: where to publish, how, and the seed.</summary>
internal sealed class BrokerOptions
{
    private readonly Option<string> _broker = new("--broker")
    {
        HelpName = "URL",
        Description = "MQTT broker, mqtt://host:port (default mqtt://127.0.0.1:1883), or mqtts://host:port for TLS (port 8883 by default)",
    };

    private readonly Option<string> _caFile = new("--ca-file")
    {
        HelpName = "PATH",
        Description = "with mqtts: PEM CA the broker's certificate must chain to (default: the system trust store); a mismatch refuses the connection",
    };

    private readonly Option<string> _cert = new("--cert") { HelpName = "PATH", Description = "with mqtts: PEM client certificate (mutual TLS); needs --key" };
    private readonly Option<string> _key = new("--key") { HelpName = "PATH", Description = "PEM private key of --cert" };
    private readonly Option<string> _username = new("--username") { HelpName = "NAME", Description = "MQTT user name (default: anonymous)" };

    private readonly Option<string> _passwordFile = new("--password-file")
    {
        HelpName = "PATH",
        Description = $"file whose first line is the password (default: the {Publishing.MqttMessageSink.PasswordVariable} environment variable)",
    };

    private readonly Option<string> _clientId = new("--client-id")
    {
        HelpName = "ID",
        Description = "MQTT client id (default wearable-edge-sim); with --connections N above 1, ID-1 … ID-N",
    };

    private readonly Option<string> _connections = new("--connections")
    {
        HelpName = "N",
        Description = $"MQTT connections the patients share, as a phone or hub per few patients would (default 1; 1–{SimulationOptions.MaxConnections}, at most one per patient); patients are dealt to them in turn",
    };

    private readonly Option<string> _seed = new("--seed")
    {
        HelpName = "N",
        Description = "seed of every random draw; same seed, options and start = same payloads (default 42)",
    };

    private readonly Option<string> _deviceStart = new("--device-start")
    {
        HelpName = "TIME",
        Description = "device time of the start, ISO 8601 (default: now)",
    };

    private readonly Option<bool?> _progress = new("--progress")
    {
        Description = "a progress line on stderr every 5 s (default: only when stderr is a terminal); --progress false turns it off",
    };

    public void AddTo(Command command)
    {
        foreach (var option in new Option[] { _broker, _caFile, _cert, _key, _username, _passwordFile, _clientId, _connections, _seed, _deviceStart, _progress })
        {
            command.Options.Add(option);
        }
    }

    public bool? Progress(ParseResult parse) => parse.GetValue(_progress);

    /// <summary>Applies the shared options to <paramref name="options"/>; returns the first error, naming the option.</summary>
    public string? Bind(ParseResult parse, ref SimulationOptions options)
    {
        string? error = null;
        if (parse.GetValue(_broker) is { } brokerText)
        {
            var brokerError = OptionValues.Broker(brokerText, out var broker);
            error ??= brokerError;
            options = options with { Broker = broker ?? options.Broker };
        }

        foreach (var (option, apply) in new (Option<string>, Func<SimulationOptions, string, SimulationOptions>)[]
        {
            (_caFile, (o, v) => o with { CaFile = v }),
            (_cert, (o, v) => o with { ClientCertificateFile = v }),
            (_key, (o, v) => o with { ClientKeyFile = v }),
            (_passwordFile, (o, v) => o with { PasswordFile = v }),
        })
        {
            if (parse.GetValue(option) is { } path)
            {
                error ??= OptionValues.ExistingFile(option.Name, path);
                options = apply(options, path);
            }
        }

        if (parse.GetValue(_username) is { } username)
        {
            error ??= string.IsNullOrWhiteSpace(username) ? "--username must not be empty." : null;
            options = options with { Username = username };
        }

        if (parse.GetValue(_clientId) is { } clientId)
        {
            error ??= string.IsNullOrWhiteSpace(clientId) ? "--client-id must not be empty." : null;
            options = options with { ClientId = clientId };
        }

        if (parse.GetValue(_connections) is { } connectionsText)
        {
            var connectionsError = OptionValues.Int("--connections", connectionsText, 1, SimulationOptions.MaxConnections, out var connections);
            error ??= connectionsError;
            options = options with { Connections = connections };
        }

        if (parse.GetValue(_seed) is { } seedText)
        {
            var seedError = OptionValues.Int("--seed", seedText, int.MinValue, int.MaxValue, out var seed);
            error ??= seedError;
            options = options with { Seed = seed };
        }

        if (parse.GetValue(_deviceStart) is { } startText)
        {
            var startError = OptionValues.DeviceStart(startText, out var start);
            error ??= startError;
            options = options with { DeviceStart = start };
        }

        return error ?? TlsError(options);
    }

    private static string? TlsError(SimulationOptions options)
    {
        if ((options.CaFile is not null || options.ClientCertificateFile is not null || options.ClientKeyFile is not null) && !options.UseTls)
        {
            return "--ca-file, --cert and --key need a TLS broker: --broker mqtts://host:port.";
        }

        if ((options.ClientCertificateFile is null) != (options.ClientKeyFile is null))
        {
            return "--cert and --key go together.";
        }

        return options.PasswordFile is not null && options.Username is null ? "--password-file needs --username." : null;
    }
}

/// <summary>Options of the verbs that pace device time and batch vitals.</summary>
internal sealed class PacingOptions(string patientsHelp, string durationHelp, string vitalsBatchHelp, bool speed = true)
{
    private readonly Option<string> _patients = new("--patients") { HelpName = "N", Description = patientsHelp };
    private readonly Option<string> _speed = new("--speed") { HelpName = "F", Description = "device seconds per wall-clock second (default 1), e.g. 60" };
    private readonly Option<string> _duration = new("--duration") { HelpName = "D", Description = durationHelp };
    private readonly Option<string> _vitalsBatch = new("--vitals-batch") { HelpName = "N", Description = vitalsBatchHelp };

    public void AddTo(Command command)
    {
        command.Options.Add(_patients);
        if (speed)
        {
            command.Options.Add(_speed);
        }

        command.Options.Add(_duration);
        command.Options.Add(_vitalsBatch);
    }

    public string? PatientsText(ParseResult parse) => parse.GetValue(_patients);

    public string? Bind(ParseResult parse, ref SimulationOptions options, bool bindPatients = true)
    {
        string? error = null;
        if (bindPatients && parse.GetValue(_patients) is { } patientsText)
        {
            var patientsError = OptionValues.Int("--patients", patientsText, 1, Ward.MaxPatients, out var patients);
            error ??= patientsError;
            options = options with { Patients = patients };
        }

        if (speed && parse.GetValue(_speed) is { } speedText)
        {
            var valueError = OptionValues.Speed(speedText, out var value);
            error ??= valueError;
            options = options with { Speed = value };
        }

        if (parse.GetValue(_duration) is { } durationText)
        {
            var durationError = OptionValues.Duration(durationText, out var duration);
            error ??= durationError;
            options = options with { Duration = duration };
        }

        if (parse.GetValue(_vitalsBatch) is { } batchText)
        {
            var batchError = OptionValues.Int("--vitals-batch", batchText, 1, 3600, out var batch);
            error ??= batchError;
            options = options with { VitalsBatchSize = batch };
        }

        return error;
    }
}

/// <summary>The wire-format options: <c>--format</c> and <c>--temperature-unit</c>.</summary>
internal sealed class FormatOptions
{
    private readonly Option<string> _format = new("--format")
    {
        HelpName = "F",
        Description = "wire format of vitals: v1 (default, wearables/{patientId}/vitals), omh (Open mHealth data points on "
            + "wearables/{patientId}/omh; motion too, as wearable-edge:acceleration:1.0; no blood pressure) or fhir (a FHIR R4 "
            + "Bundle of vital-signs Observations on wearables/{patientId}/fhir; motion stays v1). Device status is always v1. "
            + $"omh and fhir allow --vitals-batch 1-{SimulationOptions.MaxStandardFormatBatchSize}",
    };

    private readonly Option<string> _temperatureUnit = new("--temperature-unit")
    {
        HelpName = "U",
        Description = "C (default) or F: temperature unit in omh and fhir payloads",
    };

    public void AddTo(Command command)
    {
        command.Options.Add(_format);
        command.Options.Add(_temperatureUnit);
    }

    public string? Bind(ParseResult parse, ref SimulationOptions options)
    {
        string? error = null;
        if (parse.GetValue(_format) is { } formatText)
        {
            var formatError = OptionValues.Format(formatText, out var format);
            error ??= formatError;
            options = options with { Format = format };
        }

        if (parse.GetValue(_temperatureUnit) is { } unitText)
        {
            var unitError = OptionValues.TemperatureUnit(unitText, out var unit);
            error ??= unitError;
            options = options with { TemperatureUnit = unit };
        }

        if (error is not null)
        {
            return error;
        }

        if (options.Format == PayloadFormat.V1 && options.TemperatureUnit != TemperatureUnit.Celsius)
        {
            return "--temperature-unit F needs --format omh or fhir: contract v1 sends °C only.";
        }

        return options.Format != PayloadFormat.V1 && options.VitalsBatchSize > SimulationOptions.MaxStandardFormatBatchSize
            ? $"--vitals-batch must be 1–{SimulationOptions.MaxStandardFormatBatchSize} with --format omh or fhir, not {options.VitalsBatchSize}."
            : null;
    }
}

using System.CommandLine;
using System.CommandLine.Help;
using WearableEdge.DeviceSim.Replay;

namespace WearableEdge.DeviceSim.CommandLine;

/// <summary>What the command line asks for.</summary>
internal enum Verb
{
    /// <summary>Simulate a ward (the bare form, without a verb, too).</summary>
    Run,

    /// <summary>Replay PhysioNet 2019 stays as 1 Hz vitals.</summary>
    Replay,

    /// <summary>Offer a gateway realistic load for a while and report the rate achieved.</summary>
    Load,
}

/// <summary>
/// The outcome of parsing the command line: a verb with its options, a request for help (with
/// its text), or an error naming the option. <see cref="Options"/> carries what every verb shares:
/// the broker, pacing, seed and ground truth.
/// </summary>
internal sealed record CommandLineResult(SimulationOptions? Options, bool ShowHelp = false, string? Error = null)
{
    public Verb Verb { get; init; } = Verb.Run;

    /// <summary>With <see cref="Verb.Replay"/>: the data folder and how many stays.</summary>
    public ReplayOptions? Replay { get; init; }

    /// <summary>Progress on stderr: true with <c>--progress</c>, false with <c>--progress false</c>, null (default) only when stderr is a terminal.</summary>
    public bool? Progress { get; init; }

    /// <summary>With <see cref="ShowHelp"/>: the help text asked for.</summary>
    public string? HelpText { get; init; }
}

/// <summary>
/// The simulator's command line, on System.CommandLine: verbs <c>run</c>, <c>replay</c> and
/// <c>load</c>. A command line that starts with an option, or is empty, is <c>run</c>'s, as before
/// verbs existed. Errors name the option; <see cref="Parse"/> never prints.
/// </summary>
internal static class SimulatorCommandLine
{
    private const string Epilog = """

        Durations: 500ms, 90s, 10m, 2h, 1h30m. Exit codes: 0 done, 2 bad arguments,
        3 the broker refused the connection (TLS verification or credentials).
        """;

    private static readonly string[] Verbs = ["run", "replay", "load"];
    private static readonly string[] RootOnly = ["-h", "--help", "-?", "/?", "/h", "--version"];

    /// <summary>The help of <c>run</c>, which the bare form runs.</summary>
    public static string Usage => Help(["run", "--help"]);

    /// <summary>The help of the whole command: the verbs.</summary>
    public static string RootUsage => Help(["--help"]);

    public static CommandLineResult Parse(IReadOnlyList<string> args)
    {
        ArgumentNullException.ThrowIfNull(args);
        var commands = new Commands();
        var parse = commands.Root.Parse(WithVerb(args));
        if (parse.Action is HelpAction)
        {
            return new CommandLineResult(null, ShowHelp: true) { HelpText = HelpText(parse) };
        }

        if (parse.Errors.Count > 0)
        {
            return Fail(string.Join(" ", parse.Errors.Select(e => e.Message)));
        }

        var command = parse.CommandResult.Command;
        if (command == commands.Replay.Command)
        {
            return commands.Replay.Bind(parse);
        }

        if (command == commands.Load.Command)
        {
            return commands.Load.Bind(parse);
        }

        if (command == commands.Run.Command)
        {
            return commands.Run.Bind(parse);
        }

        return new CommandLineResult(null, ShowHelp: true) { HelpText = RootUsage };
    }

    /// <summary>Puts <c>run</c> in front of a command line that names no verb and is not a request for the root's help or version.</summary>
    private static string[] WithVerb(IReadOnlyList<string> args) =>
        args.Count > 0 && (Verbs.Contains(args[0]) || RootOnly.Contains(args[0])) ? [.. args] : ["run", .. args];

    private static string Help(string[] args)
    {
        var parse = new Commands().Root.Parse(args);
        return HelpText(parse);
    }

    private static string HelpText(ParseResult parse)
    {
        using var writer = new StringWriter(System.Globalization.CultureInfo.InvariantCulture);
        parse.Invoke(new InvocationConfiguration { Output = writer, Error = writer });
        return writer.ToString() + Epilog.TrimStart('\r', '\n') + Environment.NewLine;
    }

    internal static CommandLineResult Fail(string error) => new(null, Error: error);

    /// <summary>The command tree; built per parse, as System.CommandLine symbols keep parse state.</summary>
    private sealed class Commands
    {
        public Commands()
        {
            Root = new RootCommand(
                "Virtual patients' wearable data on MQTT (contract v1 by default, QoS 1). Without a verb, runs 'run'.")
            {
                Run.Command,
                Replay.Command,
                Load.Command,
            };
        }

        public RootCommand Root { get; }

        public RunVerb Run { get; } = new();

        public ReplayVerb Replay { get; } = new();

        public LoadVerb Load { get; } = new();
    }
}

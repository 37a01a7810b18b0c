using System.Diagnostics;
using System.Globalization;

namespace WearableEdge.Training.CommandLine;

/// <summary>
/// <c>train|evaluate deterioration|fall [options]</c>:
/// <list type="bullet">
/// <item><c>train deterioration --data &lt;physionet2019-sepsis&gt; --out models</c> writes models/deterioration-sepsis-6h/1.0.0/.</item>
/// <item><c>evaluate deterioration --data &lt;physionet2019-sepsis&gt; --report docs/validation</c> writes the validation report and PNG.</item>
/// <item><c>train fall --out models</c>, <c>evaluate fall --report docs/validation</c> (simulator data; <c>--seed</c>).</item>
/// </list>
/// Options: <c>--seed N</c>, <c>--max-patients N</c> (a subset, for quick runs), <c>--replicates N</c> (bootstrap).
/// </summary>
internal sealed record TrainingCommand(string Verb, string Model, string? Data, string Out, string Report, int? Seed, int? MaxPatients, int? Replicates)
{
    public const string Usage = """
        usage:
          train deterioration --data <path to physionet2019-sepsis> [--out models] [--seed N] [--max-patients N] [--replicates N]
          evaluate deterioration --data <path to physionet2019-sepsis> [--report docs/validation] [--seed N] [--max-patients N] [--replicates N]
          train fall [--out models] [--seed N]
          evaluate fall [--report docs/validation] [--seed N]
        """;

    /// <summary>Parses the arguments; throws <see cref="ArgumentException"/> with a message for the user.</summary>
    public static TrainingCommand Parse(IReadOnlyList<string> args)
    {
        ArgumentNullException.ThrowIfNull(args);
        if (args.Count < 2)
        {
            throw new ArgumentException("Say what to do and to which model.");
        }

        var verb = args[0];
        var model = args[1];
        if (verb is not ("train" or "evaluate"))
        {
            throw new ArgumentException($"Unknown command '{verb}': use train or evaluate.");
        }

        if (model is not ("deterioration" or "fall"))
        {
            throw new ArgumentException($"Unknown model '{model}': use deterioration or fall.");
        }

        var options = new Dictionary<string, string>(StringComparer.Ordinal);
        for (var i = 2; i < args.Count; i++)
        {
            if (!args[i].StartsWith("--", StringComparison.Ordinal) || i + 1 >= args.Count)
            {
                throw new ArgumentException($"Expected '--option value' at '{args[i]}'.");
            }

            options[args[i][2..]] = args[++i];
        }

        var known = new[] { "data", "out", "report", "seed", "max-patients", "replicates" };
        if (options.Keys.FirstOrDefault(k => !known.Contains(k)) is { } unknown)
        {
            throw new ArgumentException($"Unknown option --{unknown}.");
        }

        int? Int(string key) => options.TryGetValue(key, out var text)
            ? int.TryParse(text, NumberStyles.Integer, CultureInfo.InvariantCulture, out var v) && v >= 0
                ? v
                : throw new ArgumentException($"--{key} needs a whole number, not '{text}'.")
            : null;

        var command = new TrainingCommand(
            verb, model, options.GetValueOrDefault("data"), options.GetValueOrDefault("out") ?? "models",
            options.GetValueOrDefault("report") ?? Path.Combine("docs", "validation"), Int("seed"), Int("max-patients"), Int("replicates"));
        if (model == "deterioration" && command.Data is null)
        {
            throw new ArgumentException("The deterioration model needs --data <path to physionet2019-sepsis> (the folder holding patients/*.psv).");
        }

        return command;
    }
}

internal static class TrainingCommandLine
{
    public static int Run(string[] args)
    {
        TrainingCommand command;
        try
        {
            command = TrainingCommand.Parse(args);
        }
        catch (ArgumentException e)
        {
            Console.Error.WriteLine(e.Message);
            Console.Error.WriteLine(TrainingCommand.Usage);
            return 2;
        }

        var clock = Stopwatch.StartNew();
        void Log(string line) => Console.WriteLine($"[{clock.Elapsed:mm\\:ss}] {line}");
        try
        {
            var written = command.Model switch
            {
                "deterioration" => Sepsis.DeteriorationCommands.Run(command, Log),
                _ => Falls.FallCommands.Run(command, Log),
            };
            foreach (var file in written)
            {
                Log($"wrote {file}");
            }

            return 0;
        }
        catch (Exception e) when (e is DirectoryNotFoundException or FileNotFoundException or InvalidDataException)
        {
            Console.Error.WriteLine(e.Message);
            return 1;
        }
    }
}

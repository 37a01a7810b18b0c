using System.Diagnostics;
using System.Globalization;
using WearableEdge.Clinical.Alerts;
using WearableEdge.Evaluation.AlertBurden;
using WearableEdge.Evaluation.Scenarios;

namespace WearableEdge.Evaluation;

/// <summary>
/// <c>dotnet run --project tools/WearableEdge.Evaluation -c Release -- alert-burden [--patients 20] [--days 1] [--seed 42] [--out docs/alert-burden.md]</c>
/// or <c>… -- scenarios [--set NAME|PATH ...] [--speed F] [--report docs/validation]</c> (see <see cref="ScenarioOptions.Usage"/>).
/// </summary>
public static class Program
{
    public static async Task<int> Main(string[] args)
    {
        ArgumentNullException.ThrowIfNull(args);
        if (args.Length > 0 && args[0] == "scenarios")
        {
            using var stop = new CancellationTokenSource();
            Console.CancelKeyPress += (_, e) =>
            {
                e.Cancel = true;
                stop.Cancel();
            };
            return await ScenarioCommand.RunAsync(args[1..], stop.Token).ConfigureAwait(false);
        }

        if (args.Length == 0 || args[0] != "alert-burden")
        {
            Console.Error.WriteLine("usage: alert-burden [--patients N] [--days N] [--seed N] [--out FILE]");
            Console.Error.WriteLine(ScenarioOptions.Usage);
            return 2;
        }

        int patients = 20, days = 1, seed = 42;
        string? output = "docs/alert-burden.md";
        for (var i = 1; i < args.Length; i++)
        {
            var value = i + 1 < args.Length ? args[i + 1] : null;
            switch (args[i])
            {
                case "--patients" when int.TryParse(value, CultureInfo.InvariantCulture, out patients) && patients is >= 1 and <= 999:
                case "--days" when int.TryParse(value, CultureInfo.InvariantCulture, out days) && days is >= 1 and <= 30:
                case "--seed" when int.TryParse(value, CultureInfo.InvariantCulture, out seed):
                    i++;
                    break;
                case "--out" when value is not null:
                    output = value == "-" ? null : value;
                    i++;
                    break;
                default:
                    Console.Error.WriteLine($"alert-burden: bad option '{args[i]}' (--patients 1–999, --days 1–30, --seed N, --out FILE or -)");
                    return 2;
            }
        }

        var policies = Policies();
        var clock = Stopwatch.StartNew();
        var tallies = AlertBurdenRun.Run(patients, days, seed, policies);
        var runtime = clock.Elapsed;
        var table = AlertBurdenReport.Table(tallies, patients * days);
        Console.WriteLine(table);
        Console.WriteLine(string.Create(CultureInfo.InvariantCulture, $"{patients * days} patient-days in {runtime.TotalSeconds:0.0} s"));
        if (output is not null)
        {
            var command = string.Create(
                CultureInfo.InvariantCulture,
                $"dotnet run --project tools/WearableEdge.Evaluation -c Release -- alert-burden --patients {patients} --days {days} --seed {seed}");
            File.WriteAllText(output, AlertBurdenReport.Document(command, patients, days, seed, table.TrimEnd(), runtime));
            Console.WriteLine($"written to {output}");
        }

        return 0;
    }

    /// <summary>The policies compared, from the product's defaults down to no delay and no hysteresis.</summary>
    internal static IReadOnlyList<AlertPolicy> Policies()
    {
        var defaults = AlertRuleSet.Default;
        var noReAlert = defaults.WithoutReAlert();
        var none = defaults.WithoutDelaysOrHysteresis();
        var noHysteresis = noReAlert with
        {
            News2ClearAtOrBelowTotal = none.News2ClearAtOrBelowTotal,
            SpO2Thresholds = none.SpO2Thresholds,
            BatteryClearAtOrAbove = none.BatteryClearAtOrAbove,
        };
        var noDelays = noReAlert with { News2 = none.News2, SpO2 = none.SpO2, DeviceOff = none.DeviceOff, BatteryLow = none.BatteryLow };
        var news2Only = noHysteresis with { SpO2Enabled = false, News2 = AlertTiming.Default };
        return
        [
            new("NEWS2 only (before the lifecycle)", news2Only),
            new("defaults (delays, hysteresis, re-alert)", defaults),
            new("defaults without re-alert", noReAlert),
            new("delays, no hysteresis, no re-alert", noHysteresis),
            new("hysteresis, no delays, no re-alert", noDelays),
            new("no delays, no hysteresis, no re-alert", none),
        ];
    }
}

using System.Globalization;
using System.Text.Json;
using WearableEdge.Contracts;
using WearableEdge.DeviceSim.CommandLine;
using WearableEdge.DeviceSim.Replay;

namespace WearableEdge.DeviceSim.Tests.Replay;

/// <summary>Replays real stays from the shared PhysioNet 2019 folder; skipped when it is absent.</summary>
public sealed class RealPhysioNetReplayTests
{
    private static readonly DateTimeOffset Start = new(2025, 3, 1, 0, 0, 0, TimeSpan.Zero);

    private static string DataFolder() =>
        ReplayVerb.FindDefaultData(AppContext.BaseDirectory)
        ?? throw new InvalidOperationException("unreachable: checked by RequireData");

    private static void RequireData() =>
        Assert.SkipWhen(
            ReplayVerb.FindDefaultData(AppContext.BaseDirectory) is null,
            $"No {ReplayVerb.DefaultData} beside the repository: the PhysioNet 2019 data is not on this machine.");

    /// <summary>labels.csv rows: patient, n_hours, sepsis, first_label_row_index0.</summary>
    private static List<(string Patient, int Hours, int FirstLabel)> Labels() =>
        File.ReadLines(Path.Combine(DataFolder(), "labels.csv")).Skip(1)
            .Select(l => l.Split(','))
            .Select(f => (f[0], int.Parse(f[1], CultureInfo.InvariantCulture), int.Parse(f[3], CultureInfo.InvariantCulture)))
            .ToList();

    [Fact]
    public void AdvanceTo_FirstRealStay_OneSamplePerSecondOfEveryChartedHour()
    {
        RequireData();
        var stay = PhysioNetStay.Read(PhysioNetStay.Files(DataFolder(), 1)[0]);
        var label = Labels().Single(l => l.Patient == stay.Name);

        var samples = new PhysioNetReplayGenerator([stay], 42, 60, Start).AdvanceTo(stay.Length)
            .SelectMany(m => JsonSerializer.Deserialize(m.Payload, ContractJsonContext.Default.VitalsBatch)!.Samples)
            .ToList();

        Assert.Equal(label.Hours, stay.Hours.Count);
        Assert.Equal(3600 * stay.Hours.Count(h => h.Any), samples.Count);
        Assert.Equal(3600 * stay.Hours.Count(h => h[ReplaySign.HeartRate] is not null), samples.Count(s => s.HeartRate is not null));
        Assert.Equal(3600 * stay.Hours.Count(h => h[ReplaySign.TemperatureC] is not null), samples.Count(s => s.TemperatureC is not null));
    }

    [Fact]
    public void Read_FirstRealSepticStay_OnsetIsTheLabelsFirstLabelPlusSixHours()
    {
        RequireData();
        var septic = Labels().First(l => l.FirstLabel >= 0);
        var stay = PhysioNetStay.Read(Path.Combine(DataFolder(), "patients", septic.Patient + ".psv"));

        Assert.Equal(TimeSpan.FromHours(septic.FirstLabel + 6), stay.SepsisOnset);
    }
}

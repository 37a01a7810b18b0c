using System.Globalization;
using System.Text;
using WearableEdge.EdgeService.Features;

namespace WearableEdge.EdgeService.Sync;

/// <summary>
/// The <c>vitals_1m</c> measurement (docs/timeseries.md): one point per patient and minute, tagged
/// only with the pseudonymized patient; fields <c>{vital}_mean</c>, <c>_min</c>, <c>_max</c>,
/// <c>_coverage</c> and the minute's <c>coverage</c>. The timestamp is the minute's start (device
/// time), so a re-sent summary overwrites its own point.
/// </summary>
public static class VitalsLineProtocol
{
    public const string Measurement = "vitals_1m";

    public static string ToLine(MinuteSummary summary, string patientPseudonym)
    {
        ArgumentNullException.ThrowIfNull(summary);
        ArgumentException.ThrowIfNullOrEmpty(patientPseudonym);
        var line = new StringBuilder(Measurement).Append(",patient=").Append(patientPseudonym).Append(' ');
        line.Append(CultureInfo.InvariantCulture, $"coverage={summary.Coverage:R}");
        foreach (var (name, vital) in summary.Vitals.OrderBy(kv => kv.Key, StringComparer.Ordinal))
        {
            var field = FieldName(name);
            line.Append(CultureInfo.InvariantCulture, $",{field}_mean={vital.Mean:R},{field}_min={vital.Min:R},{field}_max={vital.Max:R},{field}_coverage={vital.Coverage:R}");
        }

        line.Append(CultureInfo.InvariantCulture, $" {summary.MinuteStart.ToUnixTimeMilliseconds()}");
        return line.ToString();
    }

    /// <summary>Field prefix of each vital (API name → line protocol): snake_case, SpO2 as one word.</summary>
    private static string FieldName(string name) => name switch
    {
        "heartRate" => "heart_rate",
        "spO2" => "spo2",
        "respirationRate" => "respiration_rate",
        "temperature" => "temperature",
        "systolicBp" => "systolic_bp",
        _ => throw new ArgumentOutOfRangeException(nameof(name), name, "not a vital sign name"),
    };
}

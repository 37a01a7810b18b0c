using System.Text.Json.Serialization;
using WearableEdge.Clinical.Features;
using WearableEdge.Clinical.Samples;

namespace WearableEdge.EdgeService.Features;

/// <summary>Mean, minimum and maximum of one vital sign over one minute, with its coverage (0–1).</summary>
public sealed record MinuteVital(double Mean, double Min, double Max, double Coverage);

/// <summary>
/// One patient's vitals over one calendar minute of device time: the trend clinicians get
/// upstream instead of the raw stream (measurement <c>vitals_1m</c>, docs/timeseries.md).
/// Computed by the same <see cref="EventTimeWindower"/> and feature code as the alert windows,
/// with tumbling one-minute windows.
/// </summary>
public sealed record MinuteSummary(
    string PatientId,
    DateTimeOffset MinuteStart,
    double Coverage,
    IReadOnlyDictionary<string, MinuteVital> Vitals)
{
    /// <summary>Tumbling one-minute windows aligned on the minute, with the alert windows' lateness.</summary>
    public static WindowSpec Spec(WindowSpec alertWindows)
    {
        ArgumentNullException.ThrowIfNull(alertWindows);
        return new WindowSpec(TimeSpan.FromMinutes(1), TimeSpan.FromMinutes(1), alertWindows.AllowedLateness, alertWindows.SampleInterval);
    }

    public static MinuteSummary From(FeatureVector window)
    {
        ArgumentNullException.ThrowIfNull(window);
        return new MinuteSummary(
            window.PatientId,
            window.WindowStart,
            Math.Round(window.Coverage, 3),
            window.Vitals.ToDictionary(
                kv => VitalSignCodes.Name(kv.Key),
                kv => new MinuteVital(Math.Round(kv.Value.Mean, 2), kv.Value.Min, kv.Value.Max, Math.Round(kv.Value.Coverage, 3))));
    }
}

[JsonSourceGenerationOptions(PropertyNamingPolicy = JsonKnownNamingPolicy.CamelCase)]
[JsonSerializable(typeof(MinuteSummary))]
internal sealed partial class MinuteSummaryJsonContext : JsonSerializerContext
{
}

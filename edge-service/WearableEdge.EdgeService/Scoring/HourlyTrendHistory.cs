using WearableEdge.Clinical.Features.Trends;
using WearableEdge.Clinical.Samples;
using WearableEdge.EdgeService.Features;

namespace WearableEdge.EdgeService.Scoring;

/// <summary>
/// One patient's hourly history for the deterioration model: one-minute summaries are rolled
/// into hours by the Clinical <see cref="HourlySummaryBuilder"/> (event time; an hour closes when
/// a minute of a later hour arrives), and the last <see cref="DeteriorationFeatures.MaxHoursSince"/>
/// hours are kept. Not thread-safe: one per patient.
/// </summary>
public sealed class HourlyTrendHistory(int minimumMinutesPerHour)
{
    private readonly HourlySummaryBuilder _builder = new(minimumMinutesPerHour);
    private readonly List<HourlySummary> _hours = [];

    /// <summary>Closed hours, oldest first, at most 24 h back from the newest.</summary>
    public IReadOnlyList<HourlySummary> Hours => _hours;

    /// <summary>Adds one minute; returns the hour it closed, if any (the history then ends with it).</summary>
    public HourlySummary? Add(MinuteSummary minute)
    {
        ArgumentNullException.ThrowIfNull(minute);
        if (_builder.Add(minute.MinuteStart, Means(minute)) is not { } closed)
        {
            return null;
        }

        _hours.Add(closed);
        _hours.RemoveAll(h => closed.HourStart - h.HourStart >= TimeSpan.FromHours(DeteriorationFeatures.MaxHoursSince));
        return closed;
    }

    /// <summary>Fraction (0–1) of sign-hours over the last <see cref="DeteriorationFeatures.LookbackHours"/> hours that held a value.</summary>
    public double Completeness()
    {
        if (_hours.Count == 0)
        {
            return 0;
        }

        var now = _hours[^1].HourStart;
        var held = _hours
            .Where(h => now - h.HourStart < TimeSpan.FromHours(DeteriorationFeatures.LookbackHours))
            .Sum(h => DeteriorationFeatures.Signs.Count(s => h.Vitals.Get(s) is not null));
        return (double)held / (DeteriorationFeatures.LookbackHours * DeteriorationFeatures.Signs.Count);
    }

    private static VitalSigns Means(MinuteSummary minute)
    {
        double? Get(VitalSign sign) => minute.Vitals.TryGetValue(VitalSignCodes.Name(sign), out var v) ? v.Mean : null;
        return new VitalSigns(Get(VitalSign.HeartRate), Get(VitalSign.SpO2), Get(VitalSign.RespirationRate), Get(VitalSign.Temperature), Get(VitalSign.SystolicBp));
    }
}

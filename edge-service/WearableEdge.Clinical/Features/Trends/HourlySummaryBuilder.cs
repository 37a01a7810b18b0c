using WearableEdge.Clinical.Samples;

namespace WearableEdge.Clinical.Features.Trends;

/// <summary>
/// Rolls one patient's per-window means (for example the service's one-minute summaries) up
/// into hours aligned to the hour, in event time. An hour closes when a value of a later hour
/// arrives; values of an hour that already closed are dropped and counted, never reopen it.
/// Not thread-safe: one builder per patient, fed in roughly increasing time.
/// </summary>
public sealed class HourlySummaryBuilder
{
    private readonly int _minimumValuesPerSign;
    private readonly double[] _sums = new double[VitalSignCodes.All.Count];
    private readonly int[] _counts = new int[VitalSignCodes.All.Count];
    private DateTimeOffset? _openHour;

    /// <param name="minimumValuesPerSign">
    /// Values a sign needs within an hour to be summarized; with fewer, the hour holds null for
    /// it. With one-minute means, 10 means at least 10 minutes of that sign in the hour.
    /// </param>
    public HourlySummaryBuilder(int minimumValuesPerSign)
    {
        ArgumentOutOfRangeException.ThrowIfLessThan(minimumValuesPerSign, 1);
        _minimumValuesPerSign = minimumValuesPerSign;
    }

    /// <summary>Values that arrived for an hour already closed.</summary>
    public long LateValues { get; private set; }

    /// <summary>Start of the hour that <paramref name="time"/> falls in (UTC).</summary>
    public static DateTimeOffset HourOf(DateTimeOffset time)
    {
        var utc = time.ToUniversalTime();
        return new DateTimeOffset(utc.Year, utc.Month, utc.Day, utc.Hour, 0, 0, TimeSpan.Zero);
    }

    /// <summary>
    /// Adds the means of one window stamped <paramref name="time"/>. Returns the hour this closed,
    /// if the value belongs to a later hour than the open one.
    /// </summary>
    public HourlySummary? Add(DateTimeOffset time, VitalSigns means)
    {
        var hour = HourOf(time);
        HourlySummary? closed = null;
        if (_openHour is { } open)
        {
            if (hour < open)
            {
                LateValues++;
                return null;
            }

            if (hour > open)
            {
                closed = Close();
            }
        }

        _openHour = hour;
        foreach (var sign in VitalSignCodes.All)
        {
            if (means.Get(sign) is { } value && double.IsFinite(value))
            {
                _sums[(int)sign] += value;
                _counts[(int)sign]++;
            }
        }

        return closed;
    }

    /// <summary>Closes the open hour (for example at shutdown or when the patient leaves); null when none is open.</summary>
    public HourlySummary? Close()
    {
        if (_openHour is not { } open)
        {
            return null;
        }

        double? Mean(VitalSign sign) =>
            _counts[(int)sign] >= _minimumValuesPerSign ? _sums[(int)sign] / _counts[(int)sign] : null;

        var summary = new HourlySummary(
            open,
            new VitalSigns(
                Mean(VitalSign.HeartRate),
                Mean(VitalSign.SpO2),
                Mean(VitalSign.RespirationRate),
                Mean(VitalSign.Temperature),
                Mean(VitalSign.SystolicBp)));
        Array.Clear(_sums);
        Array.Clear(_counts);
        _openHour = null;
        return summary;
    }
}

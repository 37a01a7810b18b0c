using WearableEdge.Clinical.Samples;

namespace WearableEdge.Clinical.Features.Trends;

/// <summary>
/// One patient-hour: the mean of each vital sign over the hour [<see cref="HourStart"/>,
/// <see cref="HourStart"/> + 1 h), or null where the hour held too little of it.
/// It is the unit both of charted ICU data (one row per hour, PhysioNet 2019) and of the
/// service's trend history, so the deterioration model sees the same thing in training and live.
/// </summary>
/// <param name="HourStart">Start of the hour, device time.</param>
/// <param name="Vitals">Hourly values in canonical units; a sign not observed is null.</param>
public sealed record HourlySummary(DateTimeOffset HourStart, VitalSigns Vitals);

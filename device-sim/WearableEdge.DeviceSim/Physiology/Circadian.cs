namespace WearableEdge.DeviceSim.Physiology;

/// <summary>
/// The 24 h rhythm of the vital signs apart from sleep itself, by time of day of the device clock
/// (UTC: a run placed with <c>--device-start</c> at 00:00Z starts at midnight). Core temperature
/// varies about 0.5 °C peak to trough, lowest in the early morning and highest in the early evening
/// (Refinetti &amp; Menaker, "The circadian rhythm of body temperature", Physiol Behav 1992, report
/// ranges of about 0.5–1 °C; 0.5 is the local choice); heart rate ±3 /min and respiration rate
/// ±0.5 /min with the same phase (local choices: most of the day–night difference in heart rate
/// comes from sleep, which <see cref="DailySchedule"/> adds).
/// </summary>
internal static class Circadian
{
    /// <summary>Temperature amplitude, °C (half of peak to trough).</summary>
    public const double TemperatureAmplitude = 0.25;

    public const double HeartRateAmplitude = 3;

    public const double RespirationAmplitude = 0.5;

    /// <summary>Time of day of the peak; the trough is 12 h later (05:00).</summary>
    public static readonly TimeSpan Peak = TimeSpan.FromHours(17);

    /// <summary>The rhythm's shift at <paramref name="timeOfDay"/>.</summary>
    public static VitalShift At(TimeSpan timeOfDay)
    {
        var phase = Math.Cos(2 * Math.PI * (timeOfDay - Peak).TotalHours / 24);
        return new VitalShift(HeartRateAmplitude * phase, RespirationAmplitude * phase, 0, TemperatureAmplitude * phase, 0);
    }
}

using WearableEdge.Clinical.Samples;

namespace WearableEdge.Clinical.Tests;

/// <summary>Builds samples of one test patient on a virtual device clock.</summary>
internal static class TestSamples
{
    public const string PatientId = "p-001";
    public const string DeviceId = "dev-001";

    /// <summary>A device time on a whole minute, so on a multiple of the default 5 s hop since the Unix epoch.</summary>
    public static readonly DateTimeOffset T0 = new(2025, 3, 1, 8, 0, 0, TimeSpan.Zero);

    public static WearableSample At(DateTimeOffset deviceTime, VitalSigns vitals) =>
        new(PatientId, DeviceId, deviceTime, vitals);

    public static WearableSample AtSecond(double seconds, VitalSigns vitals) =>
        At(T0.AddSeconds(seconds), vitals);

    /// <summary>A sample whose every sign varies with time, so windows with different samples differ.</summary>
    public static WearableSample Varying(double seconds) =>
        AtSecond(seconds, new VitalSigns(
            HeartRate: 70 + (seconds % 17),
            SpO2: 97 - (seconds % 3),
            RespirationRate: 14 + (seconds % 5),
            Temperature: 36.8 + (seconds % 7) / 10,
            SystolicBp: 120 + (seconds % 11)));

    /// <summary>Samples every <paramref name="stepSeconds"/> from <paramref name="fromSeconds"/> (inclusive) to <paramref name="toSeconds"/> (exclusive).</summary>
    public static List<WearableSample> VaryingStream(double fromSeconds, double toSeconds, double stepSeconds = 1)
    {
        var samples = new List<WearableSample>();
        for (var s = fromSeconds; s < toSeconds; s += stepSeconds)
        {
            samples.Add(Varying(s));
        }

        return samples;
    }
}

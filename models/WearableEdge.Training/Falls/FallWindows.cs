using WearableEdge.Clinical.Features.Motion;
using WearableEdge.DeviceSim.Motion;

namespace WearableEdge.Training.Falls;

/// <summary>
/// The 4 s windows of one simulated motion recording, every 0.5 s, each with its
/// <see cref="FallFeatures"/> values (the code the service runs) and its label.
/// Labelling rule: a window is positive when a fall's impact lies in it at least 1 s before its
/// end (the features need that second of "lying still" after the impact). A window whose only
/// fall impact lies less than 1 s before its end is ambiguous: it is left out of training and of
/// window-level figures, but is scored like any window when alerts are counted.
/// </summary>
internal sealed class FallWindows
{
    /// <summary>The impact must be at least this long before the end of the window.</summary>
    public static TimeSpan ImpactBeforeEnd { get; } = TimeSpan.FromSeconds(1);

    private FallWindows(MotionRecording recording, float[] features, bool[] positive, bool[] ambiguous, int[] starts, TimeSpan[] impacts)
    {
        Recording = recording;
        Features = features;
        Positive = positive;
        Ambiguous = ambiguous;
        Starts = starts;
        FallImpacts = impacts;
    }

    public MotionRecording Recording { get; }

    /// <summary>Row-major features, <see cref="FallFeatures.Features"/>.Count per window.</summary>
    public float[] Features { get; }

    public bool[] Positive { get; }

    public bool[] Ambiguous { get; }

    /// <summary>First sample of each window.</summary>
    public int[] Starts { get; }

    /// <summary>Impacts of the recording's falls (drops are not falls).</summary>
    public TimeSpan[] FallImpacts { get; }

    public int Count => Positive.Length;

    public int WindowSamples => FallFeatures.WindowSamples;

    public TimeSpan Start(int window) => TimeSpan.FromSeconds(Starts[window] / FallFeatures.SampleRateHz);

    /// <summary>When the window closes: the earliest time an alert from it can be raised.</summary>
    public TimeSpan End(int window) => TimeSpan.FromSeconds((Starts[window] + WindowSamples) / FallFeatures.SampleRateHz);

    public ReadOnlySpan<float> Row(int window) => Features.AsSpan(window * FallFeatures.Features.Count, FallFeatures.Features.Count);

    public static FallWindows From(MotionRecording recording)
    {
        ArgumentNullException.ThrowIfNull(recording);
        if (recording.SampleRateHz != (int)FallFeatures.SampleRateHz)
        {
            throw new ArgumentException($"The fall features are defined at {FallFeatures.SampleRateHz} Hz; the recording is at {recording.SampleRateHz} Hz.", nameof(recording));
        }

        var length = FallFeatures.WindowSamples;
        var hop = (int)Math.Round(FallFeatures.Hop.TotalSeconds * FallFeatures.SampleRateHz);
        var lastSecond = (int)Math.Round(ImpactBeforeEnd.TotalSeconds * FallFeatures.SampleRateHz);
        var impacts = recording.Episodes.Where(e => e.Activity == MotionActivity.Fall && e.Impact is not null).Select(e => e.Impact!.Value).ToArray();
        var impactSamples = impacts.Select(MotionLibrary.SampleIndex).ToArray();
        var count = recording.X.Length < length ? 0 : ((recording.X.Length - length) / hop) + 1;
        var width = FallFeatures.Features.Count;
        var features = new float[count * width];
        var positive = new bool[count];
        var ambiguous = new bool[count];
        var starts = new int[count];
        for (var w = 0; w < count; w++)
        {
            var s = w * hop;
            starts[w] = s;
            FallFeatures.Compute(recording.X.AsSpan(s, length), recording.Y.AsSpan(s, length), recording.Z.AsSpan(s, length), features.AsSpan(w * width, width));
            foreach (var impact in impactSamples)
            {
                if (impact >= s && impact <= s + length - lastSecond)
                {
                    positive[w] = true;
                }
                else if (impact > s + length - lastSecond && impact < s + length)
                {
                    ambiguous[w] = true;
                }
            }

            ambiguous[w] &= !positive[w];
        }

        return new FallWindows(recording, features, positive, ambiguous, starts, impacts);
    }
}

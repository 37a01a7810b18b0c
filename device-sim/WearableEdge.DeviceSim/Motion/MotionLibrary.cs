namespace WearableEdge.DeviceSim.Motion;

/// <summary>Generates labelled, physically plausible wrist or chest accelerometer recordings.</summary>
public static class MotionLibrary
{
    /// <summary>The motion stream's rate.</summary>
    public const int SampleRateHz = 50;

    /// <summary>
    /// A recording of <paramref name="length"/> of everyday activity (resting, walking, running,
    /// stairs …) with falls and hard negatives at the rates of <paramref name="mix"/>; the same
    /// seed gives the same samples.
    /// </summary>
    public static MotionRecording Generate(int seed, TimeSpan length, MotionMix mix) =>
        throw new NotImplementedException("Issue 3: the motion library is being written.");
}

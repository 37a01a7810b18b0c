namespace WearableEdge.DeviceSim.Motion;

/// <summary>What the wearer (or the device) is doing during one labelled stretch of motion.</summary>
public enum MotionActivity
{
    Resting,
    Walking,
    Running,
    Jumping,
    Stairs,
    SittingDownHard,
    LyingDown,
    DeviceDropped,
    DeviceRemoved,
    Fall,
}

/// <summary>One labelled stretch of a motion recording, [<see cref="Start"/>, <see cref="End"/>) from its start.</summary>
/// <param name="Activity">What happens.</param>
/// <param name="Start">Offset of the first sample of the episode.</param>
/// <param name="End">Offset just after its last sample.</param>
public sealed record MotionEpisode(MotionActivity Activity, TimeSpan Start, TimeSpan End)
{
    /// <summary>For falls (and drops): offset of the impact, the peak of acceleration.</summary>
    public TimeSpan? Impact { get; init; }
}

/// <summary>A labelled tri-axial accelerometer recording, g, at <see cref="SampleRateHz"/>.</summary>
public sealed record MotionRecording(int SampleRateHz, float[] X, float[] Y, float[] Z, IReadOnlyList<MotionEpisode> Episodes)
{
    /// <summary>Where the simulated device is worn for the whole recording (drawn from the seed, half each).</summary>
    public DevicePlacement Placement { get; init; }
}

/// <summary>Where a simulated accelerometer is worn.</summary>
public enum DevicePlacement
{
    /// <summary>A chest strap: the trunk's motion, breathing clearly visible.</summary>
    Chest,

    /// <summary>A watch: the trunk's motion plus arm swing and gestures; higher peaks.</summary>
    Wrist,
}

/// <summary>How often each kind of event happens in a generated recording.</summary>
/// <param name="FallsPerHour">Falls per hour of recording; 0 for normal activity only.</param>
/// <param name="HardNegativesPerHour">
/// Fall-like normal events per hour (sitting down hard, lying down, jumping, a dropped or removed device).
/// </param>
public sealed record MotionMix(double FallsPerHour, double HardNegativesPerHour);

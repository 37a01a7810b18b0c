namespace WearableEdge.DeviceSim.Motion;

/// <summary>Generates labelled, physically plausible wrist or chest accelerometer recordings.</summary>
/// <remarks>
/// The physics (and the sources for every magnitude) are in <see cref="MotionSynthesizer"/>, the
/// same code the live ward publishes with. Each recording draws its device placement (chest strap
/// or wrist, half each) and mounting tilt from the seed.
/// </remarks>
public static class MotionLibrary
{
    /// <summary>The motion stream's rate.</summary>
    public const int SampleRateHz = MotionSynthesizer.RateHz;

    /// <summary>Ticks of one sample period (20 ms).</summary>
    private const long SampleTicks = TimeSpan.TicksPerSecond / SampleRateHz;

    /// <summary>Everyday activity between events: at least this long, so no 4 s window holds two events.</summary>
    private static readonly int MinGapSamples = 6 * SampleRateHz;

    /// <summary>After an event that leaves the wearer lying or the device off, time to get up or put it back on.</summary>
    private static readonly int RecoveryGapSamples = 10 * SampleRateHz;

    /// <summary>The longest any event episode lasts (a fall with a 60 s lie and its lead-in); an event that would not fit before the end is left out.</summary>
    private static readonly int LongestEventSamples = 70 * SampleRateHz;

    /// <summary>
    /// The fall-like events <see cref="MotionMix.HardNegativesPerHour"/> counts, drawn in turn so
    /// each kind is about equally common. Running and stairs are everyday activity and occur
    /// anyway (about 7 % and 8 % of the time between events).
    /// </summary>
    public static IReadOnlyList<MotionActivity> HardNegatives { get; } =
    [
        MotionActivity.SittingDownHard,
        MotionActivity.LyingDown,
        MotionActivity.Jumping,
        MotionActivity.DeviceDropped,
        MotionActivity.DeviceRemoved,
    ];

    /// <summary>
    /// A recording of <paramref name="length"/> of everyday activity (resting, walking, running,
    /// stairs …) with falls and hard negatives at the rates of <paramref name="mix"/>; the same
    /// seed gives the same samples.
    /// </summary>
    /// <remarks>
    /// Episodes cover the recording without gaps or overlaps, in order. Events (falls and hard
    /// negatives) are spread evenly: the recording is cut into one slot per event and each event
    /// starts at a random point of the first half of its slot, with at least 6 s of everyday
    /// activity (10 s after a fall, lying down, a drop or a removal) before it. The number of
    /// events of each rate is rate × hours, rounded up or down at random so its mean is exact;
    /// an event that would not fit before the end is left out. Falls keep the wearer down 12–60 s
    /// from the impact. Between events: resting 55 %, walking 30 %, stairs 8 %, running 7 % of
    /// the stretches (resting 15–120 s, walking 10–90 s, stairs 8–30 s, running 15–60 s). The
    /// first stretch after a fall or lying down starts by getting up (2–4 s), after a drop or a
    /// removal by putting the device back on; that stretch is labelled <see cref="MotionActivity.Resting"/>.
    /// </remarks>
    /// <exception cref="ArgumentOutOfRangeException">The length is under one sample or over 1000 h, or a rate is negative or not finite.</exception>
    public static MotionRecording Generate(int seed, TimeSpan length, MotionMix mix)
    {
        ArgumentNullException.ThrowIfNull(mix);
        if (length.Ticks < SampleTicks || length > TimeSpan.FromHours(1000))
        {
            throw new ArgumentOutOfRangeException(nameof(length), length, "The length must be 20 ms to 1000 h.");
        }

        if (!double.IsFinite(mix.FallsPerHour) || mix.FallsPerHour < 0 || !double.IsFinite(mix.HardNegativesPerHour) || mix.HardNegativesPerHour < 0)
        {
            throw new ArgumentOutOfRangeException(nameof(mix), mix, "Rates must be finite and 0 or more per hour.");
        }

        var total = length.Ticks / SampleTicks;
        var random = new Random(seed);
        var buffer = new MotionBuffer();
        var synthesizer = new MotionSynthesizer(random, buffer);
        var episodes = new List<MotionEpisode>();

        var events = PlanEvents(random, length.TotalHours, mix);
        var slot = events.Count > 0 ? total / events.Count : total;
        for (var i = 0; i < events.Count; i++)
        {
            var target = (i * slot) + random.NextInt64(0, Math.Max(1, slot / 2));
            var gap = synthesizer.Posture == Posture.Upright ? MinGapSamples : RecoveryGapSamples;
            var start = Math.Max(target, synthesizer.Position + gap);
            if (start + LongestEventSamples > total)
            {
                continue;
            }

            Everyday(random, synthesizer, episodes, start);
            var eventStart = synthesizer.Position;
            long? impact = events[i] switch
            {
                MotionActivity.Fall => synthesizer.Fall(synthesizer.PlanFall((int)Math.Round(UniformDraw(random, 12, 60) * SampleRateHz))),
                MotionActivity.DeviceDropped => synthesizer.DropDevice(),
                MotionActivity.SittingDownHard => Run(synthesizer.SitDownHard),
                MotionActivity.LyingDown => Run(synthesizer.LieDown),
                MotionActivity.Jumping => Run(synthesizer.Jump),
                _ => Run(synthesizer.RemoveDevice),
            };
            episodes.Add(new MotionEpisode(events[i], Time(eventStart), Time(synthesizer.Position)) { Impact = impact is { } at ? Time(at) : null });
        }

        Everyday(random, synthesizer, episodes, total);
        buffer.TruncateAt(total);
        var (x, y, z) = buffer.ToArrays();
        return new MotionRecording(SampleRateHz, x, y, z, episodes) { Placement = synthesizer.Placement };
    }

    /// <summary>The sample index at <paramref name="offset"/> from the start (floor).</summary>
    public static int SampleIndex(TimeSpan offset) => (int)(offset.Ticks / SampleTicks);

    /// <summary>The kinds of the events of one recording, in the order they happen.</summary>
    private static List<MotionActivity> PlanEvents(Random random, double hours, MotionMix mix)
    {
        var falls = RandomRound(random, mix.FallsPerHour * hours);
        var negatives = RandomRound(random, mix.HardNegativesPerHour * hours);
        var events = new List<MotionActivity>(falls + negatives);
        events.AddRange(Enumerable.Repeat(MotionActivity.Fall, falls));
        var kinds = HardNegatives.ToArray();
        for (var i = 0; i < negatives; i++)
        {
            if (i % kinds.Length == 0)
            {
                random.Shuffle(kinds);
            }

            events.Add(kinds[i % kinds.Length]);
        }

        var shuffled = events.ToArray();
        random.Shuffle(shuffled);
        return [.. shuffled];
    }

    /// <summary>Everyday activity from the synthesizer's position to <paramref name="end"/>, as labelled stretches.</summary>
    private static void Everyday(Random random, MotionSynthesizer synthesizer, List<MotionEpisode> episodes, long end)
    {
        while (synthesizer.Position < end)
        {
            var start = synthesizer.Position;
            var draw = random.NextDouble();
            var (activity, seconds) = synthesizer.Posture != Posture.Upright || draw < 0.55
                ? (MotionActivity.Resting, UniformDraw(random, 15, 120))
                : draw < 0.85 ? (MotionActivity.Walking, UniformDraw(random, 10, 90))
                : draw < 0.93 ? (MotionActivity.Stairs, UniformDraw(random, 8, 30))
                : (MotionActivity.Running, UniformDraw(random, 15, 60));
            var samples = (int)Math.Min(end - start, Math.Round(seconds * SampleRateHz));
            switch (activity)
            {
                case MotionActivity.Walking:
                    synthesizer.Walk(samples);
                    break;
                case MotionActivity.Stairs:
                    synthesizer.Stairs(samples);
                    break;
                case MotionActivity.Running:
                    synthesizer.Run(samples);
                    break;
                default:
                    synthesizer.Rest(samples);
                    break;
            }

            episodes.Add(new MotionEpisode(activity, Time(start), Time(synthesizer.Position)));
        }
    }

    private static long? Run(Action render)
    {
        render();
        return null;
    }

    private static int RandomRound(Random random, double expected)
    {
        var whole = Math.Floor(expected);
        return (int)whole + (random.NextDouble() < expected - whole ? 1 : 0);
    }

    private static double UniformDraw(Random random, double min, double max) => min + (random.NextDouble() * (max - min));

    private static TimeSpan Time(long sample) => TimeSpan.FromTicks(sample * SampleTicks);
}

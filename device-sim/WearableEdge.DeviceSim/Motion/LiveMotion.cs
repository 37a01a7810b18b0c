using WearableEdge.DeviceSim.Physiology;

namespace WearableEdge.DeviceSim.Motion;

/// <summary>
/// One live patient's accelerometer stream: the patient's <see cref="DailySchedule"/> rendered
/// activity by activity (asleep in bed, resting in a chair, walking, and in exercise brisk
/// walking, stairs or running), each scripted fall rendered by <see cref="MotionSynthesizer.Fall"/>
/// so that its impact sample is the event's onset and the wearer stays down for the event's
/// duration, and each device removal (<see cref="MotionSynthesizer.RemoveDevice"/>, then the device
/// lying still until the event's end, when the next activity puts it back on). Samples are
/// rendered ahead in whole stretches and handed out in order, so the stream does not depend on
/// how the caller cuts it. Not thread-safe.
/// </summary>
internal sealed class LiveMotion
{
    private const long SampleTicks = TimeSpan.TicksPerSecond / MotionSynthesizer.RateHz;

    private readonly MotionBuffer _buffer = new();
    private readonly MotionSynthesizer _synthesizer;
    private readonly DateTimeOffset _start;
    private readonly DailySchedule _schedule;
    private readonly List<(long Impact, int LyingSamples)> _falls;
    private readonly List<(long Start, long End)> _removals;
    private int _nextFall;
    private int _nextRemoval;
    private FallPlan? _plan;
    private int _read;

    /// <param name="random">The patient's motion generator; every draw comes from it.</param>
    /// <param name="start">Device time of sample 0.</param>
    /// <param name="schedule">The patient's activities.</param>
    /// <param name="events">The patient's scripted events; falls (onset = the impact, duration = time down) and device removals shape the motion.</param>
    public LiveMotion(Random random, DateTimeOffset start, DailySchedule schedule, IEnumerable<ScenarioEvent> events)
    {
        _synthesizer = new MotionSynthesizer(random, _buffer);
        _start = start;
        _schedule = schedule;
        var all = events.ToList();
        var sorted = all.Where(e => e.Kind == ScenarioKind.Fall).OrderBy(e => e.Onset).ToList();
        _falls = [];
        for (var i = 0; i < sorted.Count; i++)
        {
            var impact = sorted[i].Onset.Ticks / SampleTicks;
            var lying = Math.Max(1, sorted[i].Duration.Ticks / SampleTicks);
            if (i + 1 < sorted.Count)
            {
                // A second fall while the first is still down: that wearer got up just in time for it.
                lying = Math.Max(1, Math.Min(lying, (sorted[i + 1].Onset.Ticks / SampleTicks) - impact - (5 * MotionSynthesizer.RateHz)));
            }

            _falls.Add((impact, (int)Math.Min(lying, int.MaxValue / 2)));
        }

        _removals = all.Where(e => e.Kind == ScenarioKind.DeviceRemoved)
            .OrderBy(e => e.Onset)
            .Select(e => (e.Onset.Ticks / SampleTicks, e.End.Ticks / SampleTicks))
            .ToList();
    }

    /// <summary>Fills the arrays with the next samples of the stream, g.</summary>
    public void Next(Span<float> x, Span<float> y, Span<float> z)
    {
        while (_buffer.Count - _read < x.Length)
        {
            RenderMore();
        }

        for (var i = 0; i < x.Length; i++)
        {
            (x[i], y[i], z[i]) = _buffer[_read + i];
        }

        _read += x.Length;
        if (_read == _buffer.Count || _read >= 1024)
        {
            _buffer.DropFront(_read);
            _read = 0;
        }
    }

    private void RenderMore()
    {
        var position = _synthesizer.Position;
        var next = long.MaxValue;
        if (_nextFall < _falls.Count)
        {
            var (impact, lying) = _falls[_nextFall];
            _plan ??= _synthesizer.PlanFall(lying);
            var fallStart = impact - _plan.PreImpactSamples;
            if (fallStart <= position)
            {
                // The fall's lead-in began before now (a fall in the first seconds): render it
                // whole and drop the part before now, so the impact still lands on the onset.
                var before = _buffer.End;
                _synthesizer.Fall(_plan);
                _buffer.RemoveRange(before, position - fallStart);
                _plan = null;
                _nextFall++;
                return;
            }

            next = fallStart;
        }

        if (_nextRemoval < _removals.Count)
        {
            var (start, end) = _removals[_nextRemoval];
            if (start <= position)
            {
                _synthesizer.RemoveDevice();
                _synthesizer.StayOff((int)Math.Clamp(end - _synthesizer.Position, 0, int.MaxValue / 2));
                _nextRemoval++;
                return;
            }

            next = Math.Min(next, start);
        }

        var time = _start + TimeSpan.FromTicks(position * SampleTicks);
        var bout = _schedule.BoutAt(time);
        var untilBoutEnd = Math.Max(1, (bout.EndTicks - time.UtcTicks + SampleTicks - 1) / SampleTicks);
        var samples = (int)Math.Min(Math.Min(untilBoutEnd, next - position), Stretch(bout.Movement));
        switch (bout.Movement)
        {
            case Movement.Lying:
                _synthesizer.Sleep(samples);
                break;
            case Movement.Walking:
                _synthesizer.Walk(samples);
                break;
            case Movement.Running:
                _synthesizer.Run(samples);
                break;
            case Movement.Stairs:
                _synthesizer.Stairs(samples);
                break;
            default:
                _synthesizer.Rest(samples);
                break;
        }
    }

    /// <summary>
    /// Longest stretch rendered at once: still activities in 5 s (a ward of thousands holds little
    /// motion in memory), gaits in 60 s (each stretch eases in and out over half a second, a pause in stride).
    /// </summary>
    private static int Stretch(Movement movement) =>
        (movement is Movement.Walking or Movement.Running or Movement.Stairs ? 60 : 5) * MotionSynthesizer.RateHz;
}

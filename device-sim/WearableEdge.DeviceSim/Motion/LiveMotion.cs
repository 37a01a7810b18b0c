namespace WearableEdge.DeviceSim.Motion;

/// <summary>
/// One live patient's accelerometer stream: resting (sitting in a chair or in bed, with small
/// gestures and breathing), rendered 5 s at a time, and each scripted fall rendered by
/// <see cref="MotionSynthesizer.Fall"/> so that its impact sample is the event's onset and the
/// wearer stays down for the event's duration, then gets up and rests again. Samples are
/// rendered ahead in whole stretches and handed out in order, so the stream does not depend on
/// how the caller cuts it. Not thread-safe.
/// </summary>
internal sealed class LiveMotion
{
    private const long SampleTicks = TimeSpan.TicksPerSecond / MotionSynthesizer.RateHz;

    private readonly MotionBuffer _buffer = new();
    private readonly MotionSynthesizer _synthesizer;
    private readonly List<(long Impact, int LyingSamples)> _falls;
    private int _nextFall;
    private FallPlan? _plan;
    private int _read;

    /// <param name="random">The patient's motion generator; every draw comes from it.</param>
    /// <param name="falls">The patient's scripted falls: onset (the impact) and duration (time down).</param>
    public LiveMotion(Random random, IEnumerable<ScenarioEvent> falls)
    {
        _synthesizer = new MotionSynthesizer(random, _buffer);
        var sorted = falls.OrderBy(e => e.Onset).ToList();
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

            _synthesizer.Rest((int)Math.Min(fallStart - position, RestingStretch()));
            return;
        }

        _synthesizer.Rest(RestingStretch());
    }

    /// <summary>Resting is rendered in short stretches so a ward of thousands holds little motion in memory.</summary>
    private static int RestingStretch() => 5 * MotionSynthesizer.RateHz;
}

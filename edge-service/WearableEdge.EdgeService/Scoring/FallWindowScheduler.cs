using WearableEdge.Clinical.Features.Motion;

namespace WearableEdge.EdgeService.Scoring;

/// <summary>One fall-model input row: the features of the 4 s window [<paramref name="Start"/>, <paramref name="End"/>).</summary>
public sealed record FallWindow(DateTimeOffset Start, DateTimeOffset End, float[] Features);

/// <summary>
/// One patient's accelerometer buffer for the fall model. Motion batches are appended in device
/// time; every <see cref="FallFeatures.Hop"/> (0.5 s, 25 samples at 50 Hz) once
/// <see cref="FallFeatures.Window"/> (4 s) of contiguous samples are held, the window ending at
/// that sample is due and its <see cref="FallFeatures"/> are computed. A gap in the stream
/// starts the buffer again (a window never spans missing data); samples that overlap what is
/// already held are skipped. Not thread-safe: one per patient, fed in device-time order.
/// </summary>
public sealed class FallWindowScheduler
{
    /// <summary>How far a batch's start may be from where the previous batch ended before it counts as a gap or an overlap: 0.1 s.</summary>
    public static readonly TimeSpan Tolerance = TimeSpan.FromSeconds(0.1);

    private static readonly int WindowSamples = FallFeatures.WindowSamples;
    private static readonly int HopSamples = (int)Math.Round(FallFeatures.Hop.TotalSeconds * FallFeatures.SampleRateHz);
    private static readonly int Capacity = 2 * FallFeatures.WindowSamples;

    private readonly float[] _x = new float[Capacity];
    private readonly float[] _y = new float[Capacity];
    private readonly float[] _z = new float[Capacity];
    private int _length;
    private int _sinceWindow;
    private DateTimeOffset? _expectedNext;

    /// <summary>Batches that started after a gap, which restarted the buffer.</summary>
    public long Gaps { get; private set; }

    /// <summary>Samples skipped because they overlapped samples already held.</summary>
    public long OverlappingSamples { get; private set; }

    /// <summary>
    /// Appends a batch that starts at <paramref name="start"/>; adds each window that became due to
    /// <paramref name="due"/>. Returns false, and uses nothing, when the batch is not at
    /// <see cref="FallFeatures.SampleRateHz"/> (the features are defined at that rate only).
    /// </summary>
    public bool Add(DateTimeOffset start, double sampleRateHz, ReadOnlySpan<float> x, ReadOnlySpan<float> y, ReadOnlySpan<float> z, ICollection<FallWindow> due)
    {
        ArgumentNullException.ThrowIfNull(due);
        if (y.Length != x.Length || z.Length != x.Length)
        {
            throw new ArgumentException("The three axes must hold the same number of samples.", nameof(y));
        }

        if (Math.Abs(sampleRateHz - FallFeatures.SampleRateHz) > 1e-9)
        {
            return false;
        }

        var skip = 0;
        if (_expectedNext is { } expected)
        {
            if (start > expected + Tolerance)
            {
                Gaps++;
                _length = 0;
                _sinceWindow = 0;
            }
            else if (start < expected - Tolerance)
            {
                skip = (int)Math.Round((expected - start).TotalSeconds * sampleRateHz);
                OverlappingSamples += Math.Min(skip, x.Length);
                if (skip >= x.Length)
                {
                    return true;
                }
            }
        }

        for (var i = skip; i < x.Length; i++)
        {
            if (_length == Capacity)
            {
                // Keep the newest window's worth; the rest can never be in a due window again.
                Array.Copy(_x, Capacity - WindowSamples, _x, 0, WindowSamples);
                Array.Copy(_y, Capacity - WindowSamples, _y, 0, WindowSamples);
                Array.Copy(_z, Capacity - WindowSamples, _z, 0, WindowSamples);
                _length = WindowSamples;
            }

            _x[_length] = x[i];
            _y[_length] = y[i];
            _z[_length] = z[i];
            _length++;
            _sinceWindow++;
            if (_length >= WindowSamples && _sinceWindow >= HopSamples)
            {
                var end = start + TimeSpan.FromSeconds((i + 1) / sampleRateHz);
                var features = new float[FallFeatures.Features.Count];
                var from = _length - WindowSamples;
                FallFeatures.Compute(_x.AsSpan(from, WindowSamples), _y.AsSpan(from, WindowSamples), _z.AsSpan(from, WindowSamples), features);
                due.Add(new FallWindow(end - FallFeatures.Window, end, features));
                _sinceWindow = 0;
            }
        }

        _expectedNext = start + TimeSpan.FromSeconds(x.Length / sampleRateHz);
        return true;
    }
}

namespace WearableEdge.DeviceSim.Motion;

/// <summary>A growable tri-axial sample buffer, g: the synthesizer appends, the reader takes from the front.</summary>
internal sealed class MotionBuffer
{
    private float[] _x = new float[512];
    private float[] _y = new float[512];
    private float[] _z = new float[512];

    /// <summary>Samples held.</summary>
    public int Count { get; private set; }

    /// <summary>Samples dropped from the front so far: the index, in the whole stream, of the first sample held.</summary>
    public long Dropped { get; private set; }

    /// <summary>Index, in the whole stream, of the next sample appended.</summary>
    public long End => Dropped + Count;

    public void Add(Vec3 sample)
    {
        if (Count == _x.Length)
        {
            Array.Resize(ref _x, _x.Length * 2);
            Array.Resize(ref _y, _y.Length * 2);
            Array.Resize(ref _z, _z.Length * 2);
        }

        _x[Count] = (float)sample.X;
        _y[Count] = (float)sample.Y;
        _z[Count] = (float)sample.Z;
        Count++;
    }

    /// <summary>Forgets every sample from stream index <paramref name="end"/> on.</summary>
    public void TruncateAt(long end) => Count = (int)Math.Clamp(end - Dropped, 0, Count);

    /// <summary>Forgets up to <paramref name="count"/> samples from stream index <paramref name="from"/> on; later samples move up.</summary>
    public void RemoveRange(long from, long count)
    {
        var start = (int)Math.Clamp(from - Dropped, 0, Count);
        var removed = (int)Math.Clamp(count, 0, Count - start);
        Array.Copy(_x, start + removed, _x, start, Count - start - removed);
        Array.Copy(_y, start + removed, _y, start, Count - start - removed);
        Array.Copy(_z, start + removed, _z, start, Count - start - removed);
        Count -= removed;
    }

    /// <summary>Forgets the first <paramref name="count"/> samples held.</summary>
    public void DropFront(int count)
    {
        count = Math.Min(count, Count);
        Array.Copy(_x, count, _x, 0, Count - count);
        Array.Copy(_y, count, _y, 0, Count - count);
        Array.Copy(_z, count, _z, 0, Count - count);
        Count -= count;
        Dropped += count;
    }

    /// <summary>The sample held at position <paramref name="index"/> (0 = first held).</summary>
    public (float X, float Y, float Z) this[int index] => (_x[index], _y[index], _z[index]);

    public (float[] X, float[] Y, float[] Z) ToArrays() => (_x[..Count], _y[..Count], _z[..Count]);
}

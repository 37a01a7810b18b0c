namespace WearableEdge.Training.Learning;

/// <summary>
/// Labelled feature rows grouped by subject (a patient, or a simulator recording): row-major
/// values, one label per row, and the subject each row belongs to. Rows of one subject are
/// contiguous and in time order, which the evaluation relies on (alert episodes, lead time).
/// </summary>
internal sealed class FeatureTable
{
    private readonly List<float> _values = [];
    private readonly List<bool> _labels = [];
    private readonly List<int> _subjects = [];
    private readonly List<int> _subjectStarts = [];

    public FeatureTable(int featureCount)
    {
        ArgumentOutOfRangeException.ThrowIfLessThan(featureCount, 1);
        FeatureCount = featureCount;
    }

    public int FeatureCount { get; }

    public int RowCount => _labels.Count;

    public int SubjectCount => _subjectStarts.Count;

    /// <summary>Starts a new subject; the rows added next belong to it. Returns its index.</summary>
    public int BeginSubject()
    {
        _subjectStarts.Add(RowCount);
        return _subjectStarts.Count - 1;
    }

    public void Add(ReadOnlySpan<float> features, bool label)
    {
        if (features.Length != FeatureCount)
        {
            throw new ArgumentException($"A row holds {FeatureCount} features, not {features.Length}.", nameof(features));
        }

        if (SubjectCount == 0)
        {
            throw new InvalidOperationException("Begin a subject before adding rows.");
        }

        foreach (var value in features)
        {
            _values.Add(value);
        }

        _labels.Add(label);
        _subjects.Add(SubjectCount - 1);
    }

    public ReadOnlySpan<float> Row(int row) =>
        System.Runtime.InteropServices.CollectionsMarshal.AsSpan(_values).Slice(row * FeatureCount, FeatureCount);

    public bool Label(int row) => _labels[row];

    public int Subject(int row) => _subjects[row];

    /// <summary>Rows [start, end) of a subject.</summary>
    public (int Start, int End) SubjectRows(int subject) =>
        (_subjectStarts[subject], subject + 1 < _subjectStarts.Count ? _subjectStarts[subject + 1] : RowCount);

    /// <summary>Median of each feature over all rows: the reference a manifest gives for explanations.</summary>
    public double[] FeatureMedians()
    {
        var medians = new double[FeatureCount];
        var column = new float[RowCount];
        for (var f = 0; f < FeatureCount; f++)
        {
            for (var r = 0; r < RowCount; r++)
            {
                column[r] = _values[(r * FeatureCount) + f];
            }

            Array.Sort(column);
            medians[f] = RowCount == 0 ? double.NaN
                : RowCount % 2 == 1 ? column[RowCount / 2]
                : (column[(RowCount / 2) - 1] + (double)column[RowCount / 2]) / 2;
        }

        return medians;
    }
}

using Microsoft.ML.OnnxRuntime;
using Microsoft.ML.OnnxRuntime.Tensors;

namespace WearableEdge.Training.Learning;

/// <summary>
/// An exported ensemble as ONNX Runtime sees it: the real input and output tensor names (the
/// manifest records these, not the names we asked for) and the members' raw scores for rows.
/// </summary>
internal sealed class OnnxEnsembleGraph : IDisposable
{
    private readonly InferenceSession _session;

    public OnnxEnsembleGraph(byte[] onnx, int members)
    {
        ArgumentNullException.ThrowIfNull(onnx);
        using var options = new SessionOptions { IntraOpNumThreads = 1 };
        _session = new InferenceSession(onnx, options);
        if (_session.InputMetadata.Count != 1)
        {
            throw new InvalidOperationException(
                $"The exported graph has {_session.InputMetadata.Count} inputs ({string.Join(", ", _session.InputMetadata.Keys)}); one float vector was expected.");
        }

        InputName = _session.InputMetadata.Keys.Single();
        var outputs = _session.OutputMetadata.Keys.ToList();
        ScoreOutputNames = Enumerable.Range(0, members).Select(k =>
        {
            var column = CrossValidatedEnsemble.MemberScoreColumn(k);
            return outputs.SingleOrDefault(o => o == column || o.StartsWith(column + ".", StringComparison.Ordinal))
                ?? throw new InvalidOperationException($"The exported graph has no output for member {k} (column {column}); outputs: {string.Join(", ", outputs)}.");
        }).ToList();
    }

    public string InputName { get; }

    /// <summary>Output tensor of member k's raw score, in member order.</summary>
    public IReadOnlyList<string> ScoreOutputNames { get; }

    /// <summary>Raw scores [member][row] of <paramref name="rows"/>, computed by ONNX Runtime in one batch.</summary>
    public float[][] Scores(FeatureTable table, IReadOnlyList<int> rows)
    {
        ArgumentNullException.ThrowIfNull(table);
        ArgumentNullException.ThrowIfNull(rows);
        var input = new float[rows.Count * table.FeatureCount];
        for (var i = 0; i < rows.Count; i++)
        {
            table.Row(rows[i]).CopyTo(input.AsSpan(i * table.FeatureCount));
        }

        using var tensor = OrtValue.CreateTensorValueFromMemory(input, [rows.Count, table.FeatureCount]);
        using var runOptions = new RunOptions();
        using var results = _session.Run(runOptions, [InputName], [tensor], ScoreOutputNames);
        return results.Select(r => r.GetTensorDataAsSpan<float>().ToArray()).ToArray();
    }

    public void Dispose() => _session.Dispose();
}

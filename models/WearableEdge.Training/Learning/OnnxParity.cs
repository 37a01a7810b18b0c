namespace WearableEdge.Training.Learning;

/// <summary>How far ONNX Runtime's member scores are from ML.NET's on the same rows.</summary>
/// <param name="Rows">Rows compared.</param>
/// <param name="MaxAbsolute">Largest |ONNX − ML.NET| raw score over members and rows.</param>
/// <param name="MaxRelative">Largest |ONNX − ML.NET| / max(1, |ML.NET|).</param>
/// <param name="MaxProbability">Largest difference of the Platt-calibrated probabilities.</param>
internal sealed record OnnxParity(int Rows, double MaxAbsolute, double MaxRelative, double MaxProbability)
{
    /// <summary>Compares every member on up to <paramref name="maxRows"/> rows spread over the table.</summary>
    public static OnnxParity Measure(CrossValidatedEnsemble ensemble, OnnxEnsembleGraph graph, int maxRows = 5000)
    {
        ArgumentNullException.ThrowIfNull(ensemble);
        ArgumentNullException.ThrowIfNull(graph);
        var table = ensemble.Table;
        var step = Math.Max(1, table.RowCount / maxRows);
        var rows = Enumerable.Range(0, table.RowCount).Where(r => r % step == 0).Take(maxRows).ToArray();
        var onnx = graph.Scores(table, rows);
        double maxAbsolute = 0, maxRelative = 0, maxProbability = 0;
        for (var k = 0; k < ensemble.Members.Count; k++)
        {
            var mlnet = CrossValidatedEnsemble.Scores(ensemble.Ml, ensemble.Members[k], table, rows);
            for (var i = 0; i < rows.Length; i++)
            {
                var difference = Math.Abs(onnx[k][i] - (double)mlnet[i]);
                maxAbsolute = Math.Max(maxAbsolute, difference);
                maxRelative = Math.Max(maxRelative, difference / Math.Max(1, Math.Abs(mlnet[i])));
                maxProbability = Math.Max(maxProbability, Math.Abs(ensemble.Calibration.Probability(onnx[k][i]) - ensemble.Calibration.Probability(mlnet[i])));
            }
        }

        return new OnnxParity(rows.Length, maxAbsolute, maxRelative, maxProbability);
    }

    public string Describe() =>
        $"ONNX Runtime vs ML.NET, all members, {Rows} rows spread over the training table: largest raw-score difference " +
        $"{MaxAbsolute:0.0e+00} (relative to max(1, |score|): {MaxRelative:0.0e+00}), largest calibrated-probability difference {MaxProbability:0.0e+00}.";
}

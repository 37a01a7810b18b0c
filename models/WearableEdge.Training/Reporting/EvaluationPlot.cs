using ScottPlot;
using WearableEdge.Training.Evaluation;

namespace WearableEdge.Training.Reporting;

/// <summary>One curve of a plot: a name and its points.</summary>
internal sealed record Curve(string Name, IReadOnlyList<(double X, double Y)> Points);

/// <summary>ROC curves (left) and calibration curves (right) side by side in one PNG.</summary>
internal static class EvaluationPlot
{
    /// <param name="path">PNG file to write.</param>
    /// <param name="title">Title prefix of both panels.</param>
    /// <param name="roc">ROC curves.</param>
    /// <param name="calibration">Calibration curves.</param>
    /// <param name="binning">How the calibration bins were made, for the panel title, for example <c>deciles</c>.</param>
    public static void Save(string path, string title, IReadOnlyList<Curve> roc, IReadOnlyList<(string Name, IReadOnlyList<CalibrationBin> Bins)> calibration, string binning)
    {
        ArgumentNullException.ThrowIfNull(roc);
        ArgumentNullException.ThrowIfNull(calibration);
        var multiplot = new Multiplot();
        multiplot.AddPlots(2);
        multiplot.Layout = new ScottPlot.MultiplotLayouts.Columns();

        var rocPlot = multiplot.GetPlot(0);
        foreach (var curve in roc)
        {
            var line = rocPlot.Add.ScatterLine(curve.Points.Select(p => p.X).ToArray(), curve.Points.Select(p => p.Y).ToArray());
            line.LegendText = curve.Name;
            line.LineWidth = 2;
        }

        var chance = rocPlot.Add.Line(0, 0, 1, 1);
        chance.LinePattern = LinePattern.Dashed;
        chance.Color = Colors.Gray;
        rocPlot.Title($"{title}: ROC");
        rocPlot.XLabel("False-positive rate");
        rocPlot.YLabel("True-positive rate");
        rocPlot.Axes.SetLimits(0, 1, 0, 1);
        rocPlot.ShowLegend(Alignment.LowerRight);

        var calPlot = multiplot.GetPlot(1);
        var max = 0.0;
        foreach (var (name, bins) in calibration)
        {
            var scatter = calPlot.Add.Scatter(bins.Select(b => b.MeanPredicted).ToArray(), bins.Select(b => b.ObservedRate).ToArray());
            scatter.LegendText = name;
            scatter.LineWidth = 2;
            scatter.MarkerSize = 7;
            max = Math.Max(max, bins.Max(b => Math.Max(b.MeanPredicted, b.ObservedRate)));
        }

        max = Math.Min(1, Math.Ceiling(max * 10) / 10);
        var ideal = calPlot.Add.Line(0, 0, max, max);
        ideal.LinePattern = LinePattern.Dashed;
        ideal.Color = Colors.Gray;
        calPlot.Title($"{title}: calibration ({binning})");
        calPlot.XLabel("Mean predicted probability");
        calPlot.YLabel("Observed rate");
        calPlot.Axes.SetLimits(0, max, 0, max);
        calPlot.ShowLegend(Alignment.UpperLeft);

        Directory.CreateDirectory(Path.GetDirectoryName(Path.GetFullPath(path))!);
        multiplot.SavePng(path, 1400, 620);
    }
}

using ScottPlot;

namespace WearableEdge.Evaluation.Scenarios;

/// <summary>The report's PNG plots, drawn with ScottPlot as the training tool draws its ROC plot.</summary>
internal static class ScenarioPlots
{
    /// <summary>Histogram of detection latency from onset (seconds), one series per event kind.</summary>
    /// <param name="path">PNG file to write.</param>
    /// <param name="title">Plot title.</param>
    /// <param name="latencies">Latencies by event kind; kinds with none are left out.</param>
    /// <param name="xLabel">Label of the x axis, with the unit.</param>
    public static void LatencyHistogram(string path, string title, IReadOnlyDictionary<string, IReadOnlyList<double>> latencies, string xLabel)
    {
        ArgumentNullException.ThrowIfNull(latencies);
        var plot = new Plot();
        var all = latencies.Values.SelectMany(v => v).ToList();
        if (all.Count > 0)
        {
            var min = Math.Floor(Math.Min(0, all.Min()));
            var max = Math.Max(min + 1, all.Max());
            const int bins = 20;
            var width = (max - min) / bins;
            var palette = new ScottPlot.Palettes.Category10();
            var bottom = new double[bins];
            var index = 0;
            foreach (var (kind, values) in latencies.Where(l => l.Value.Count > 0))
            {
                var counts = new double[bins];
                foreach (var value in values)
                {
                    counts[Math.Clamp((int)((value - min) / width), 0, bins - 1)]++;
                }

                var bars = new List<Bar>();
                for (var b = 0; b < bins; b++)
                {
                    if (counts[b] > 0)
                    {
                        bars.Add(new Bar
                        {
                            Position = min + (b + 0.5) * width,
                            ValueBase = bottom[b],
                            Value = bottom[b] + counts[b],
                            Size = width * 0.95,
                            FillColor = palette.GetColor(index),
                        });
                        bottom[b] += counts[b];
                    }
                }

                var series = plot.Add.Bars(bars);
                series.LegendText = kind;
                index++;
            }

            plot.ShowLegend(Alignment.UpperRight);
        }

        plot.Title(title);
        plot.XLabel(xLabel);
        plot.YLabel("Events detected");
        Save(plot, path);
    }

    /// <summary>Stacked bars of alerts per patient-day by alert type: those on a ground-truth event, and false ones.</summary>
    /// <param name="path">PNG file to write.</param>
    /// <param name="title">Plot title.</param>
    /// <param name="perDay">All alerts per patient-day by type.</param>
    /// <param name="falsePerDay">False alerts per patient-day by type; null when every alert counts as one series.</param>
    public static void AlertsPerDay(string path, string title, IReadOnlyDictionary<string, double> perDay, IReadOnlyDictionary<string, double>? falsePerDay)
    {
        ArgumentNullException.ThrowIfNull(perDay);
        var plot = new Plot();
        var types = perDay.Keys.Order(StringComparer.Ordinal).ToList();
        var palette = new ScottPlot.Palettes.Category10();
        var bars = new List<Bar>();
        for (var i = 0; i < types.Count; i++)
        {
            var all = perDay[types[i]];
            var wrong = falsePerDay?.GetValueOrDefault(types[i]) ?? 0;
            bars.Add(new Bar { Position = i, ValueBase = 0, Value = all - wrong, FillColor = palette.GetColor(0), Size = 0.7 });
            if (wrong > 0)
            {
                bars.Add(new Bar { Position = i, ValueBase = all - wrong, Value = all, FillColor = palette.GetColor(3), Size = 0.7 });
            }

            var label = plot.Add.Text(all.ToString("0.##", System.Globalization.CultureInfo.InvariantCulture), i, all);
            label.LabelFontSize = 14;
            label.LabelAlignment = Alignment.LowerCenter;
        }

        plot.Add.Bars(bars);
        if (falsePerDay is not null)
        {
            plot.Legend.ManualItems.Add(new LegendItem { LabelText = "on a ground-truth event", FillColor = palette.GetColor(0) });
            plot.Legend.ManualItems.Add(new LegendItem { LabelText = "false (no event)", FillColor = palette.GetColor(3) });
            plot.ShowLegend(Alignment.UpperLeft);
        }

        plot.Axes.Bottom.SetTicks([.. Enumerable.Range(0, types.Count).Select(i => (double)i)], [.. types]);
        plot.Axes.Margins(bottom: 0, top: 0.15);
        plot.Title(title);
        plot.YLabel("Alerts per patient-day");
        Save(plot, path);
    }

    private static void Save(Plot plot, string path)
    {
        Directory.CreateDirectory(Path.GetDirectoryName(Path.GetFullPath(path))!);
        plot.SavePng(path, 900, 520);
    }
}

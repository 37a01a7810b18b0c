namespace WearableEdge.Training.Evaluation;

/// <summary>One bin of a calibration curve: rows whose predicted probability lies in [Lower, Upper].</summary>
internal sealed record CalibrationBin(double Lower, double Upper, int Rows, double MeanPredicted, double ObservedRate);

/// <summary>Row-level discrimination and calibration figures.</summary>
internal static class BinaryMetrics
{
    /// <summary>
    /// Area under the ROC curve (trapezoids, so tied scores count one half) and the area under the
    /// precision–recall curve as average precision (Σ ΔRecall · Precision over distinct scores,
    /// ties taken together). Higher scores mean "more likely positive".
    /// </summary>
    public static (double Auroc, double Auprc) Ranking(ReadOnlySpan<double> scores, ReadOnlySpan<bool> labels)
    {
        Check(scores.Length, labels.Length);
        var order = Descending(scores);
        var positives = 0;
        foreach (var label in labels)
        {
            positives += label ? 1 : 0;
        }

        var negatives = labels.Length - positives;
        if (positives == 0 || negatives == 0)
        {
            return (double.NaN, double.NaN);
        }

        double area = 0, averagePrecision = 0;
        long tp = 0, fp = 0;
        var i = 0;
        while (i < order.Length)
        {
            var score = scores[order[i]];
            long groupTp = 0, groupFp = 0;
            while (i < order.Length && scores[order[i]] == score)
            {
                if (labels[order[i]])
                {
                    groupTp++;
                }
                else
                {
                    groupFp++;
                }

                i++;
            }

            area += groupFp * (tp + (groupTp / 2.0));
            tp += groupTp;
            fp += groupFp;
            averagePrecision += groupTp / (double)positives * (tp / (double)(tp + fp));
        }

        return (area / ((double)positives * negatives), averagePrecision);
    }

    /// <summary>ROC curve points (false-positive rate, true-positive rate), thinned to at most <paramref name="maxPoints"/>.</summary>
    public static IReadOnlyList<(double Fpr, double Tpr)> RocCurve(ReadOnlySpan<double> scores, ReadOnlySpan<bool> labels, int maxPoints = 400)
    {
        Check(scores.Length, labels.Length);
        var order = Descending(scores);
        var positives = 0;
        foreach (var label in labels)
        {
            positives += label ? 1 : 0;
        }

        var negatives = labels.Length - positives;
        var points = new List<(double, double)> { (0, 0) };
        long tp = 0, fp = 0;
        var i = 0;
        while (i < order.Length)
        {
            var score = scores[order[i]];
            while (i < order.Length && scores[order[i]] == score)
            {
                if (labels[order[i]])
                {
                    tp++;
                }
                else
                {
                    fp++;
                }

                i++;
            }

            points.Add((fp / (double)negatives, tp / (double)positives));
        }

        if (points.Count <= maxPoints)
        {
            return points;
        }

        var step = points.Count / (double)(maxPoints - 1);
        var thinned = Enumerable.Range(0, maxPoints - 1).Select(k => points[(int)(k * step)]).ToList();
        thinned.Add(points[^1]);
        return thinned;
    }

    /// <summary>Mean squared difference between the probability and the 0/1 outcome.</summary>
    public static double Brier(ReadOnlySpan<double> probabilities, ReadOnlySpan<bool> labels)
    {
        Check(probabilities.Length, labels.Length);
        var sum = 0.0;
        for (var i = 0; i < probabilities.Length; i++)
        {
            var error = probabilities[i] - (labels[i] ? 1 : 0);
            sum += error * error;
        }

        return sum / probabilities.Length;
    }

    /// <summary>
    /// Calibration curve over <paramref name="bins"/> equal-count bins of the predicted probability
    /// (deciles for 10): with a rare outcome most probabilities are small, and equal-width bins
    /// would put nearly every row in the first bin.
    /// </summary>
    public static IReadOnlyList<CalibrationBin> Calibration(ReadOnlySpan<double> probabilities, ReadOnlySpan<bool> labels, int bins = 10)
    {
        Check(probabilities.Length, labels.Length);
        var keys = probabilities.ToArray();
        var outcomes = labels.ToArray();
        Array.Sort(keys, outcomes);
        var result = new List<CalibrationBin>();
        for (var b = 0; b < bins; b++)
        {
            var from = (int)((long)keys.Length * b / bins);
            var until = (int)((long)keys.Length * (b + 1) / bins);
            if (until <= from)
            {
                continue;
            }

            double sum = 0;
            var positives = 0;
            for (var i = from; i < until; i++)
            {
                sum += keys[i];
                positives += outcomes[i] ? 1 : 0;
            }

            var rows = until - from;
            result.Add(new CalibrationBin(keys[from], keys[until - 1], rows, sum / rows, positives / (double)rows));
        }

        return result;
    }

    /// <summary>
    /// Calibration curve over <paramref name="bins"/> equal-width probability bins, empty bins left
    /// out: the better view when the probabilities spread over [0, 1] and positives are few.
    /// </summary>
    public static IReadOnlyList<CalibrationBin> CalibrationEqualWidth(ReadOnlySpan<double> probabilities, ReadOnlySpan<bool> labels, int bins = 10)
    {
        Check(probabilities.Length, labels.Length);
        var count = new int[bins];
        var sum = new double[bins];
        var positives = new int[bins];
        for (var i = 0; i < probabilities.Length; i++)
        {
            var bin = Math.Clamp((int)(probabilities[i] * bins), 0, bins - 1);
            count[bin]++;
            sum[bin] += probabilities[i];
            positives[bin] += labels[i] ? 1 : 0;
        }

        return Enumerable.Range(0, bins)
            .Where(b => count[b] > 0)
            .Select(b => new CalibrationBin(b / (double)bins, (b + 1) / (double)bins, count[b], sum[b] / count[b], positives[b] / (double)count[b]))
            .ToList();
    }

    private static int[] Descending(ReadOnlySpan<double> scores)
    {
        var keys = new double[scores.Length];
        var order = new int[scores.Length];
        for (var i = 0; i < scores.Length; i++)
        {
            keys[i] = -scores[i];
            order[i] = i;
        }

        Array.Sort(keys, order);
        return order;
    }

    private static void Check(int scores, int labels)
    {
        if (scores != labels)
        {
            throw new ArgumentException($"{scores} scores but {labels} labels.");
        }
    }
}

namespace WearableEdge.Training.Evaluation;

/// <summary>A figure with its 95 % percentile-bootstrap confidence interval.</summary>
internal sealed record Estimate(double Value, double Lower, double Upper)
{
    public string Format(string format) =>
        $"{Value.ToString(format, System.Globalization.CultureInfo.InvariantCulture)} ({Lower.ToString(format, System.Globalization.CultureInfo.InvariantCulture)}–{Upper.ToString(format, System.Globalization.CultureInfo.InvariantCulture)})";
}

/// <summary>
/// Subject-level (patient-level) bootstrap: each replicate draws as many subjects as there are,
/// with replacement, and keeps all rows of each drawn subject, so the interval reflects that hours
/// of one patient are not independent. The same replicates serve every figure, so differences
/// (model − NEWS2) are paired.
/// </summary>
internal sealed class SubjectBootstrap
{
    public SubjectBootstrap(int subjects, int replicates, int seed)
    {
        ArgumentOutOfRangeException.ThrowIfLessThan(subjects, 1);
        ArgumentOutOfRangeException.ThrowIfLessThan(replicates, 10);
        var random = new Random(seed);
        Replicates = Enumerable.Range(0, replicates)
            .Select(_ => Enumerable.Range(0, subjects).Select(_ => random.Next(subjects)).ToArray())
            .ToArray();
        Subjects = subjects;
    }

    public int Subjects { get; }

    public IReadOnlyList<int[]> Replicates { get; }

    /// <summary>Every subject once: the sample itself.</summary>
    public int[] All => Enumerable.Range(0, Subjects).ToArray();

    /// <summary><paramref name="figure"/> on the sample, with the 2.5th and 97.5th percentiles over replicates.</summary>
    public Estimate Estimate(Func<int[], double> figure)
    {
        ArgumentNullException.ThrowIfNull(figure);
        var value = figure(All);
        var values = Replicates.Select(figure).Where(double.IsFinite).Order().ToArray();
        return values.Length == 0
            ? new Estimate(value, double.NaN, double.NaN)
            : new Estimate(value, Percentile(values, 0.025), Percentile(values, 0.975));
    }

    /// <summary>Several figures computed together per replicate (for example from one sort of the rows).</summary>
    public Estimate[] Estimates(int count, Func<int[], double[]> figures)
    {
        ArgumentNullException.ThrowIfNull(figures);
        var value = figures(All);
        var perReplicate = Replicates.Select(figures).ToArray();
        return Enumerable.Range(0, count).Select(i =>
        {
            var values = perReplicate.Select(r => r[i]).Where(double.IsFinite).Order().ToArray();
            return values.Length == 0
                ? new Estimate(value[i], double.NaN, double.NaN)
                : new Estimate(value[i], Percentile(values, 0.025), Percentile(values, 0.975));
        }).ToArray();
    }

    /// <summary>Linear-interpolated percentile of sorted values.</summary>
    public static double Percentile(IReadOnlyList<double> sorted, double p)
    {
        ArgumentNullException.ThrowIfNull(sorted);
        if (sorted.Count == 0)
        {
            return double.NaN;
        }

        var position = p * (sorted.Count - 1);
        var lower = (int)Math.Floor(position);
        var upper = Math.Min(lower + 1, sorted.Count - 1);
        return sorted[lower] + ((position - lower) * (sorted[upper] - sorted[lower]));
    }
}

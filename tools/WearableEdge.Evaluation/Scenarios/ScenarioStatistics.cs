namespace WearableEdge.Evaluation.Scenarios;

/// <summary>A proportion with its Wilson score 95 % interval.</summary>
/// <param name="Successes">Events detected.</param>
/// <param name="Trials">Events.</param>
/// <param name="Lower">Lower bound (0–1).</param>
/// <param name="Upper">Upper bound (0–1).</param>
public sealed record Proportion(int Successes, int Trials, double Lower, double Upper)
{
    /// <summary>Successes / trials; NaN when there are no trials.</summary>
    public double Value => Trials == 0 ? double.NaN : (double)Successes / Trials;
}

/// <summary>The statistics of the report: Wilson intervals, percentiles and patient-days.</summary>
public static class ScenarioStatistics
{
    /// <summary>z for a two-sided 95 % interval.</summary>
    public const double Z95 = 1.959963984540054;

    /// <summary>
    /// The Wilson score interval (Wilson 1927; Newcombe, Stat Med 1998, method 3): sound for small
    /// counts and for 0 or all successes, where the normal approximation collapses to a point.
    /// </summary>
    /// <param name="successes">0 ≤ successes ≤ trials.</param>
    /// <param name="trials">0 or more; 0 gives the interval 0–1.</param>
    /// <param name="z">Normal quantile; 1.96 for 95 %.</param>
    public static Proportion Wilson(int successes, int trials, double z = Z95)
    {
        ArgumentOutOfRangeException.ThrowIfNegative(trials);
        ArgumentOutOfRangeException.ThrowIfNegative(successes);
        ArgumentOutOfRangeException.ThrowIfGreaterThan(successes, trials);
        if (trials == 0)
        {
            return new Proportion(0, 0, 0, 1);
        }

        double n = trials;
        var p = successes / n;
        var z2 = z * z;
        var centre = (p + z2 / (2 * n)) / (1 + z2 / n);
        var half = z / (1 + z2 / n) * Math.Sqrt(p * (1 - p) / n + z2 / (4 * n * n));
        return new Proportion(successes, trials, Math.Max(0, centre - half), Math.Min(1, centre + half));
    }

    /// <summary>
    /// The <paramref name="percent"/>-th percentile by linear interpolation between closest ranks
    /// (Hyndman–Fan type 7, the default of R and NumPy); null for no values.
    /// </summary>
    /// <param name="values">Values in any order.</param>
    /// <param name="percent">0–100.</param>
    public static double? Percentile(IEnumerable<double> values, double percent)
    {
        ArgumentNullException.ThrowIfNull(values);
        ArgumentOutOfRangeException.ThrowIfLessThan(percent, 0);
        ArgumentOutOfRangeException.ThrowIfGreaterThan(percent, 100);
        var sorted = values.Order().ToArray();
        if (sorted.Length == 0)
        {
            return null;
        }

        var rank = percent / 100 * (sorted.Length - 1);
        var below = (int)Math.Floor(rank);
        var above = Math.Min(below + 1, sorted.Length - 1);
        return sorted[below] + (rank - below) * (sorted[above] - sorted[below]);
    }

    /// <summary>
    /// Patient-days monitored: the sum of the monitored spans in the ground truth; when there are none,
    /// <paramref name="patients"/> × <paramref name="duration"/>.
    /// </summary>
    /// <param name="monitored">The ground truth's monitored lines.</param>
    /// <param name="patients">Patients of the scenario, for the fallback.</param>
    /// <param name="duration">Device time the scenario ran, for the fallback.</param>
    public static double PatientDays(IReadOnlyList<TruthEvent> monitored, int patients, TimeSpan duration)
    {
        ArgumentNullException.ThrowIfNull(monitored);
        return monitored.Count > 0
            ? monitored.Sum(m => Math.Max(0, (m.End - m.Onset).TotalDays))
            : patients * duration.TotalDays;
    }
}

namespace WearableEdge.Training.Evaluation;

/// <summary>One patient's utilities: of the predictions, of the best possible ones, and of never predicting.</summary>
internal readonly record struct PatientUtility(double Observed, double Best, double Inaction);

/// <summary>
/// The PhysioNet/Computing in Cardiology Challenge 2019 utility score, as described in Reyna et
/// al., Crit Care Med 2020;48(2):210–217 and its reference scoring code: for a septic patient,
/// with t_sepsis = first SepsisLabel = 1 row + 6 h, a positive prediction at hour t earns up to
/// U_TP = 1 at t − t_sepsis = −6 h (rising linearly from 0 at −12 h, never below U_FP before that),
/// falling linearly to 0 at +3 h; a missed hour costs nothing until −6 h, then falls linearly to
/// U_FN = −2 at +3 h; hours after t_sepsis + 3 h are not scored. For a non-septic patient each
/// positive hour costs U_FP = −0.05 and each negative hour earns U_TN = 0.
/// Normalized = (observed − inaction) / (best − inaction), summed over patients: 1 is perfect,
/// 0 is never alerting.
/// </summary>
internal static class ChallengeUtility
{
    public const double DtEarly = -12;
    public const double DtOptimal = -6;
    public const double DtLate = 3;
    public const double MaxUtilityTruePositive = 1;
    public const double MinUtilityFalseNegative = -2;
    public const double UtilityFalsePositive = -0.05;
    public const double UtilityTrueNegative = 0;

    /// <summary>Hour index of sepsis onset (first label row + 6), or null for a patient never labelled septic.</summary>
    public static int? OnsetHour(ReadOnlySpan<bool> labels)
    {
        var first = labels.IndexOf(true);
        return first < 0 ? null : first - (int)DtOptimal;
    }

    /// <summary>The patient's utility of <paramref name="predictions"/>, of the best predictions and of none.</summary>
    public static PatientUtility ForPatient(ReadOnlySpan<bool> labels, ReadOnlySpan<bool> predictions)
    {
        if (labels.Length != predictions.Length)
        {
            throw new ArgumentException("One prediction per hour is needed.", nameof(predictions));
        }

        var best = new bool[labels.Length];
        if (OnsetHour(labels) is { } onset)
        {
            var from = Math.Max(0, onset + (int)DtEarly);
            var until = Math.Min(onset + (int)DtLate + 1, labels.Length);
            for (var t = from; t < until; t++)
            {
                best[t] = true;
            }
        }

        return new PatientUtility(Utility(labels, predictions), Utility(labels, best), Utility(labels, new bool[labels.Length]));
    }

    /// <summary>Normalized utility over patients: (Σ observed − Σ inaction) / (Σ best − Σ inaction).</summary>
    public static double Normalized(IEnumerable<PatientUtility> patients)
    {
        ArgumentNullException.ThrowIfNull(patients);
        double observed = 0, best = 0, inaction = 0;
        foreach (var p in patients)
        {
            observed += p.Observed;
            best += p.Best;
            inaction += p.Inaction;
        }

        return (observed - inaction) / (best - inaction);
    }

    /// <summary>Sum of the hourly utilities of one patient (the reference code's compute_prediction_utility).</summary>
    public static double Utility(ReadOnlySpan<bool> labels, ReadOnlySpan<bool> predictions)
    {
        var onset = OnsetHour(labels);
        var septic = onset is not null;
        double tSepsis = onset ?? double.PositiveInfinity;

        // Lines u = m · (t − t_sepsis) + b through the points of the utility curves.
        var m1 = MaxUtilityTruePositive / (DtOptimal - DtEarly);
        var b1 = -m1 * DtEarly;
        var m2 = -MaxUtilityTruePositive / (DtLate - DtOptimal);
        var b2 = -m2 * DtLate;
        var m3 = MinUtilityFalseNegative / (DtLate - DtOptimal);
        var b3 = -m3 * DtOptimal;

        var total = 0.0;
        for (var t = 0; t < labels.Length; t++)
        {
            if (t > tSepsis + DtLate)
            {
                continue;
            }

            var relative = t - tSepsis;
            if (septic && predictions[t])
            {
                total += t <= tSepsis + DtOptimal ? Math.Max((m1 * relative) + b1, UtilityFalsePositive) : (m2 * relative) + b2;
            }
            else if (!septic && predictions[t])
            {
                total += UtilityFalsePositive;
            }
            else if (septic && !predictions[t])
            {
                total += t <= tSepsis + DtOptimal ? 0 : (m3 * relative) + b3;
            }
            else
            {
                total += UtilityTrueNegative;
            }
        }

        return total;
    }
}

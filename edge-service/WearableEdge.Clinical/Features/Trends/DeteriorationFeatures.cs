using WearableEdge.Clinical.Samples;

namespace WearableEdge.Clinical.Features.Trends;

/// <summary>
/// The inputs of the deterioration-risk model, computed from a patient's hourly history. Training
/// (from PhysioNet 2019 hourly rows) and the service (from its own hourly summaries) both call
/// <see cref="Compute"/>, so a model never sees a feature computed two ways.
/// Missing data is normal and handled explicitly: for each sign the model gets the hours since it
/// was last observed (capped at <see cref="MaxHoursSince"/>), and a value that was never observed is
/// replaced by the sign's <see cref="ReferenceValue"/> rather than dropped.
/// </summary>
public static class DeteriorationFeatures
{
    /// <summary>Version of the feature definitions; a manifest names the set it was trained on.</summary>
    public const string FeatureSetId = "deterioration-hourly-v1";

    /// <summary>Hours of history the means and slopes look back over, the current hour included.</summary>
    public const int LookbackHours = 6;

    /// <summary>Hours since last observation are capped here; a sign never observed also gets it.</summary>
    public const int MaxHoursSince = 24;

    /// <summary>The signs the model uses: what a wearable or home kit gives (no labs, no ICU bookkeeping).</summary>
    public static IReadOnlyList<VitalSign> Signs { get; } =
        [VitalSign.HeartRate, VitalSign.SpO2, VitalSign.RespirationRate, VitalSign.Temperature, VitalSign.SystolicBp];

    /// <summary>The features in model input order.</summary>
    public static IReadOnlyList<ModelFeature> Features { get; } = BuildFeatures();

    /// <summary>Features per sign: last, 6 h mean, 6 h slope, hours since observed.</summary>
    private const int PerSign = 4;

    /// <summary>
    /// The value used for a sign never observed in the history: the middle of the NEWS2 0-point
    /// row for the sign (RCP 2017, FACTS.md), that is "assume normal" made explicit, with the
    /// hours-since feature telling the model it was an assumption.
    /// </summary>
    public static double ReferenceValue(VitalSign sign) => sign switch
    {
        VitalSign.HeartRate => 70,          // 0 points: 51–90 /min
        VitalSign.SpO2 => 97,               // 0 points: ≥ 96 %
        VitalSign.RespirationRate => 16,    // 0 points: 12–20 /min
        VitalSign.Temperature => 37.0,      // 0 points: 36.1–38.0 °C
        VitalSign.SystolicBp => 150,        // 0 points: 111–219 mmHg
        _ => throw new ArgumentOutOfRangeException(nameof(sign), sign, null),
    };

    /// <summary>Age used when the patient's age is unknown: the adult median of the training data is not assumed, 65 is.</summary>
    public const double ReferenceAgeYears = 65;

    /// <summary>
    /// Computes the features at the last hour of <paramref name="history"/> (oldest first, one
    /// entry per hour, gaps allowed) into <paramref name="destination"/>, which must hold
    /// <see cref="Features"/>.Count values. Returns the signs that had no observation at all in the
    /// history, which the caller reports as not assessed.
    /// </summary>
    public static IReadOnlyList<VitalSign> Compute(
        IReadOnlyList<HourlySummary> history, double? ageYears, Span<float> destination)
    {
        ArgumentNullException.ThrowIfNull(history);
        if (history.Count == 0)
        {
            throw new ArgumentException("The history needs at least the current hour.", nameof(history));
        }

        if (destination.Length != Features.Count)
        {
            throw new ArgumentException($"Destination holds {destination.Length} values; the features are {Features.Count}.", nameof(destination));
        }

        var now = history[^1].HourStart;
        List<VitalSign>? neverObserved = null;
        for (var s = 0; s < Signs.Count; s++)
        {
            var sign = Signs[s];
            double? last = null;
            var hoursSince = (double)MaxHoursSince;
            double sum = 0, count = 0, sumT = 0, sumV = 0, sumTT = 0, sumTV = 0;
            for (var i = history.Count - 1; i >= 0; i--)
            {
                var age = (now - history[i].HourStart).TotalHours;
                if (age >= MaxHoursSince)
                {
                    break;
                }

                if (history[i].Vitals.Get(sign) is not { } value || !double.IsFinite(value))
                {
                    continue;
                }

                if (last is null)
                {
                    last = value;
                    hoursSince = age;
                }

                if (age < LookbackHours)
                {
                    var t = -age;
                    sum += value;
                    count++;
                    sumT += t;
                    sumV += value;
                    sumTT += t * t;
                    sumTV += t * value;
                }
            }

            if (last is null)
            {
                (neverObserved ??= []).Add(sign);
            }

            var lastValue = last ?? ReferenceValue(sign);
            var mean = count > 0 ? sum / count : lastValue;
            var denominator = (count * sumTT) - (sumT * sumT);
            var slope = count >= 2 && denominator > 0 ? ((count * sumTV) - (sumT * sumV)) / denominator : 0.0;

            var offset = s * PerSign;
            destination[offset] = (float)lastValue;
            destination[offset + 1] = (float)mean;
            destination[offset + 2] = (float)slope;
            destination[offset + 3] = (float)hoursSince;
        }

        destination[Signs.Count * PerSign] = (float)(ageYears ?? ReferenceAgeYears);
        return neverObserved ?? (IReadOnlyList<VitalSign>)[];
    }

    private static List<ModelFeature> BuildFeatures()
    {
        var features = new List<ModelFeature>();
        foreach (var sign in Signs)
        {
            var name = VitalSignCodes.Name(sign);
            var unit = VitalSignCodes.Ucum(sign);
            var label = Label(sign);
            features.Add(new ModelFeature($"{name}_last", unit, "PT24H", $"{label} last hourly value"));
            features.Add(new ModelFeature($"{name}_mean_6h", unit, "PT6H", $"{label} 6 h mean"));
            features.Add(new ModelFeature($"{name}_slope_6h", $"{unit}/h", "PT6H", $"{label} trend"));
            features.Add(new ModelFeature($"{name}_hours_since", "h", "PT24H", $"{label} hours since measured"));
        }

        features.Add(new ModelFeature("age_years", "a", "P0D", "Age"));
        return features;
    }

    private static string Label(VitalSign sign) => sign switch
    {
        VitalSign.HeartRate => "Heart rate",
        VitalSign.SpO2 => "SpO2",
        VitalSign.RespirationRate => "Respiration rate",
        VitalSign.Temperature => "Temperature",
        VitalSign.SystolicBp => "Systolic BP",
        _ => throw new ArgumentOutOfRangeException(nameof(sign), sign, null),
    };
}

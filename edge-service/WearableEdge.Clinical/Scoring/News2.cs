using WearableEdge.Clinical.Samples;

namespace WearableEdge.Clinical.Scoring;

/// <summary>NEWS2 clinical-risk bands (Royal College of Physicians 2017; FACTS.md).</summary>
public enum News2Band
{
    /// <summary>Total 0: routine monitoring.</summary>
    Routine,

    /// <summary>Total 1–4.</summary>
    Low,

    /// <summary>Any single parameter scoring 3 with a total under 5: urgent ward review.</summary>
    LowMedium,

    /// <summary>Total 5–6: urgent response within 1 h.</summary>
    Medium,

    /// <summary>Total 7 or more: emergency response.</summary>
    High,
}

/// <summary>One scored NEWS2 parameter: the value scored and the points it gave.</summary>
public sealed record News2Component(VitalSign Parameter, double Value, int Points);

/// <summary>
/// A NEWS2 score from the parameters a wearable gives. A wearable gives no consciousness level
/// and does not know whether the patient is on oxygen, so <see cref="NotAssessed"/> always names
/// what the total leaves out: it is a sub-score, never the full NEWS2.
/// </summary>
public sealed record News2Score(int Total, IReadOnlyList<News2Component> Components, IReadOnlyList<string> NotAssessed)
{
    /// <summary>True when any one parameter scored 3.</summary>
    public bool HasSingleParameterThree => Components.Any(c => c.Points == 3);

    public News2Band Band => Total switch
    {
        >= 7 => News2Band.High,
        >= 5 => News2Band.Medium,
        _ when HasSingleParameterThree => News2Band.LowMedium,
        >= 1 => News2Band.Low,
        _ => News2Band.Routine,
    };
}

/// <summary>
/// NEWS2 Chart 1 (Royal College of Physicians, 2017), the rows a wearable can fill: respiration
/// rate, SpO2 scale 1, systolic BP, pulse, temperature (FACTS.md, "NEWS2").
/// Values are rounded as a nurse charts them before scoring: whole numbers, temperature to 0.1 °C.
/// </summary>
public static class News2
{
    /// <summary>Version of this scoring table; part of every alert's provenance.</summary>
    public const string Version = "rcp-2017-chart1-wearable-subset-v1";

    /// <summary>Parameters of NEWS2 that a wearable cannot assess.</summary>
    public static IReadOnlyList<string> AlwaysNotAssessed { get; } = ["airOrOxygen", "consciousness"];

    /// <summary>Scores the values present in <paramref name="values"/>; an absent value is listed as not assessed.</summary>
    public static News2Score Score(VitalSigns values)
    {
        var components = new List<News2Component>();
        var notAssessed = new List<string>();
        foreach (var sign in VitalSignCodes.All)
        {
            if (values.Get(sign) is { } value && double.IsFinite(value))
            {
                var charted = sign == VitalSign.Temperature
                    ? Math.Round(value, 1, MidpointRounding.AwayFromZero)
                    : Math.Round(value, 0, MidpointRounding.AwayFromZero);
                components.Add(new News2Component(sign, charted, Points(sign, charted)));
            }
            else
            {
                notAssessed.Add(VitalSignCodes.Name(sign));
            }
        }

        notAssessed.AddRange(AlwaysNotAssessed);
        return new News2Score(components.Sum(c => c.Points), components, notAssessed);
    }

    /// <summary>Points for one charted value, per NEWS2 Chart 1.</summary>
    public static int Points(VitalSign sign, double charted) => sign switch
    {
        // Respiration rate /min: ≤8 → 3; 9–11 → 1; 12–20 → 0; 21–24 → 2; ≥25 → 3.
        VitalSign.RespirationRate => charted switch
        {
            <= 8 => 3,
            <= 11 => 1,
            <= 20 => 0,
            <= 24 => 2,
            _ => 3,
        },

        // SpO2 scale 1 %: ≤91 → 3; 92–93 → 2; 94–95 → 1; ≥96 → 0.
        VitalSign.SpO2 => charted switch
        {
            <= 91 => 3,
            <= 93 => 2,
            <= 95 => 1,
            _ => 0,
        },

        // Systolic BP mmHg: ≤90 → 3; 91–100 → 2; 101–110 → 1; 111–219 → 0; ≥220 → 3.
        VitalSign.SystolicBp => charted switch
        {
            <= 90 => 3,
            <= 100 => 2,
            <= 110 => 1,
            <= 219 => 0,
            _ => 3,
        },

        // Pulse /min: ≤40 → 3; 41–50 → 1; 51–90 → 0; 91–110 → 1; 111–130 → 2; ≥131 → 3.
        VitalSign.HeartRate => charted switch
        {
            <= 40 => 3,
            <= 50 => 1,
            <= 90 => 0,
            <= 110 => 1,
            <= 130 => 2,
            _ => 3,
        },

        // Temperature °C: ≤35.0 → 3; 35.1–36.0 → 1; 36.1–38.0 → 0; 38.1–39.0 → 1; ≥39.1 → 2.
        VitalSign.Temperature => charted switch
        {
            <= 35.0 => 3,
            <= 36.0 => 1,
            <= 38.0 => 0,
            <= 39.0 => 1,
            _ => 2,
        },
        _ => throw new ArgumentOutOfRangeException(nameof(sign), sign, null),
    };
}

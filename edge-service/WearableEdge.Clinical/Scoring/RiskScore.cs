namespace WearableEdge.Clinical.Scoring;

/// <summary>Whether a score came from a clinical rule or a trained model.</summary>
public enum ScoreSourceKind
{
    Rule,
    Model,
}

/// <summary>One input a score saw: the value, its codes, and the points it gave (rules only).</summary>
/// <param name="Name">Parameter name, for example <c>respirationRate</c>.</param>
/// <param name="Loinc">LOINC code, where the input is a coded measurement.</param>
/// <param name="Value">The value the score used.</param>
/// <param name="Unit">UCUM unit of <paramref name="Value"/>.</param>
/// <param name="Points">Points it contributed to a rule score; null for model inputs.</param>
public sealed record ScoreInput(string Name, string? Loinc, double Value, string Unit, int? Points);

/// <summary>A probability with its uncertainty interval, all in [0, 1].</summary>
public sealed record ProbabilityInterval(double Probability, double Lower, double Upper);

/// <summary>
/// A score with its provenance: which rule or model produced it, over which window, from which
/// inputs, and how complete the data were. Models add a calibrated probability with an interval.
/// </summary>
/// <param name="Kind">Rule or model.</param>
/// <param name="SourceId">Rule or model id, for example <c>news2-wearable</c>.</param>
/// <param name="SourceVersion">Rule or model version.</param>
/// <param name="SourceSha256">SHA-256 of the model file; null for rules.</param>
/// <param name="PatientId">The patient scored.</param>
/// <param name="WindowStart">Window start, device time.</param>
/// <param name="WindowEnd">Window end, device time.</param>
/// <param name="Value">The score (NEWS2 total for the NEWS2 rule).</param>
/// <param name="Probability">Calibrated probability with interval; null for rules.</param>
/// <param name="Completeness">Fraction (0–1) of the window's sample slots that held data.</param>
/// <param name="Inputs">The inputs the score used, in order.</param>
/// <param name="NotAssessed">Inputs the source wanted but did not have.</param>
public sealed record RiskScore(
    ScoreSourceKind Kind,
    string SourceId,
    string SourceVersion,
    string? SourceSha256,
    string PatientId,
    DateTimeOffset WindowStart,
    DateTimeOffset WindowEnd,
    double Value,
    ProbabilityInterval? Probability,
    double Completeness,
    IReadOnlyList<ScoreInput> Inputs,
    IReadOnlyList<string> NotAssessed);

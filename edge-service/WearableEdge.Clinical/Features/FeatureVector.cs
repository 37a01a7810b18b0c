using WearableEdge.Clinical.Samples;

namespace WearableEdge.Clinical.Features;

/// <summary>Summary of one vital sign over one window. Values are in the sign's canonical unit.</summary>
/// <param name="Count">Samples that carried this sign.</param>
/// <param name="Mean">Arithmetic mean.</param>
/// <param name="Min">Smallest value.</param>
/// <param name="Max">Largest value.</param>
/// <param name="Last">Value of the latest sample in the window.</param>
/// <param name="SlopePerMinute">Least-squares slope in unit per minute; null with fewer than two samples.</param>
/// <param name="Coverage">Fraction (0–1) of the window's sample slots that hold a value of this sign.</param>
public sealed record VitalSummary(
    int Count, double Mean, double Min, double Max, double Last, double? SlopePerMinute, double Coverage);

/// <summary>The features of one patient over one window [<see cref="WindowStart"/>, <see cref="WindowEnd"/>).</summary>
/// <param name="PatientId">The patient.</param>
/// <param name="WindowStart">Inclusive start, device time.</param>
/// <param name="WindowEnd">Exclusive end, device time.</param>
/// <param name="SampleCount">Samples in the window.</param>
/// <param name="Coverage">Fraction (0–1) of sample slots with any sample.</param>
/// <param name="Vitals">Per-sign summaries; a sign with no value in the window is absent.</param>
public sealed record FeatureVector(
    string PatientId,
    DateTimeOffset WindowStart,
    DateTimeOffset WindowEnd,
    int SampleCount,
    double Coverage,
    IReadOnlyDictionary<VitalSign, VitalSummary> Vitals)
{
    public VitalSummary? Get(VitalSign sign) => Vitals.GetValueOrDefault(sign);
}

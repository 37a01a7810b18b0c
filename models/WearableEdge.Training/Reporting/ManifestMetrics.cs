using WearableEdge.Contracts;
using WearableEdge.Training.Evaluation;

namespace WearableEdge.Training.Reporting;

/// <summary>Evaluation figures as manifest entries, rounded to 4 decimals.</summary>
internal static class ManifestMetrics
{
    public static ModelMetric From(string name, Estimate estimate)
    {
        ArgumentNullException.ThrowIfNull(estimate);
        return new ModelMetric
        {
            Name = name,
            Value = Math.Round(estimate.Value, 4),
            Lower = double.IsFinite(estimate.Lower) ? Math.Round(estimate.Lower, 4) : null,
            Upper = double.IsFinite(estimate.Upper) ? Math.Round(estimate.Upper, 4) : null,
        };
    }

    public static ModelMetric From(string name, double value) => new() { Name = name, Value = Math.Round(value, 4) };
}

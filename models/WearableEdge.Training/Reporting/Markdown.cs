using System.Globalization;
using WearableEdge.Training.Evaluation;

namespace WearableEdge.Training.Reporting;

/// <summary>Number formatting for the reports: invariant culture, a 95 % CI in brackets.</summary>
internal static class Markdown
{
    public static string F(double value, string format = "0.000") =>
        double.IsFinite(value) ? value.ToString(format, CultureInfo.InvariantCulture) : "n/a";

    public static string Ci(Estimate estimate, string format = "0.000") =>
        $"{F(estimate.Value, format)} [{F(estimate.Lower, format)}, {F(estimate.Upper, format)}]";

    public static string Percent(double value, string format = "0.0") => F(value * 100, format) + " %";

    public static string PercentCi(Estimate estimate, string format = "0.0") =>
        $"{F(estimate.Value * 100, format)} % [{F(estimate.Lower * 100, format)}, {F(estimate.Upper * 100, format)}]";
}

namespace WearableEdge.Clinical.Features;

/// <summary>
/// One input of a trained model, in the order the model expects it. The feature code in this
/// project is the only place that computes it, for training and for serving alike; a model's
/// manifest lists the same names in the same order, and serving refuses a model that differs.
/// </summary>
/// <param name="Name">Stable machine name, for example <c>spO2_slope_6h</c>.</param>
/// <param name="Unit">UCUM-style unit of the value, for example <c>%/h</c>; <c>1</c> when dimensionless.</param>
/// <param name="Window">The window it is computed over, as an ISO 8601 duration, for example <c>PT6H</c>.</param>
/// <param name="Label">The words a nurse reads, for example <c>SpO2 trend</c>.</param>
public sealed record ModelFeature(string Name, string Unit, string Window, string Label)
{
    /// <summary>
    /// The value in words a nurse reads, with sign, unit and a sensible precision, for example
    /// <c>SpO2 trend −4.0 %/h</c>.
    /// </summary>
    public string Describe(double value)
    {
        var magnitude = Math.Abs(value).ToString(Math.Abs(value) >= 100 ? "0" : "0.0", System.Globalization.CultureInfo.InvariantCulture);
        var sign = value < 0 ? "\u2212" : string.Empty;
        var unit = Unit == "1" ? string.Empty : " " + Unit.Replace("Cel", "\u00b0C", StringComparison.Ordinal).Replace("mm[Hg]", "mmHg", StringComparison.Ordinal);
        return $"{Label} {sign}{magnitude}{unit}";
    }
}

using System.Globalization;
using System.Text;
using WearableEdge.Contracts;

namespace WearableEdge.EdgeService.Sync;

/// <summary>
/// The <c>alert</c> measurement in InfluxDB line protocol (docs/timeseries.md). Tags are few and
/// bounded: pseudonymized patient, type, priority, source rule or model. The timestamp is the
/// transition's device time in ms, so a re-sent entry overwrites the same point instead of adding one.
/// </summary>
public static class AlertLineProtocol
{
    public const string Measurement = "alert";

    public static string ToLine(AlertMessage alert, DateTimeOffset eventAt, string patientPseudonym)
    {
        ArgumentNullException.ThrowIfNull(alert);
        ArgumentException.ThrowIfNullOrEmpty(patientPseudonym);
        var line = new StringBuilder(Measurement);
        AppendTag(line, "patient", patientPseudonym);
        AppendTag(line, "type", alert.Type);
        AppendTag(line, "priority", alert.Priority);
        // A rule alert names its rule; a model alert names its model, whose id (not the generic
        // threshold rule) is what tells one model's alerts from another's upstream.
        AppendTag(line, "source", alert.ScoreSourceKind == "model" ? alert.ScoreSourceId : alert.RuleId);
        line.Append(CultureInfo.InvariantCulture, $" score={alert.Score:R},late={(alert.Late ? 1 : 0)}i,parameters={alert.Parameters.Count}i");
        if (alert.Probability is { } probability)
        {
            // Model alerts: the calibrated probability and its interval. Rules have none.
            line.Append(CultureInfo.InvariantCulture, $",probability={probability:R}");
            if (alert.ProbabilityLower is { } lower && alert.ProbabilityUpper is { } upper)
            {
                line.Append(CultureInfo.InvariantCulture, $",probability_lower={lower:R},probability_upper={upper:R}");
            }
        }

        line.Append(CultureInfo.InvariantCulture, $" {eventAt.ToUnixTimeMilliseconds()}");
        return line.ToString();
    }

    private static void AppendTag(StringBuilder line, string key, string value)
    {
        line.Append(',').Append(key).Append('=');
        foreach (var c in value)
        {
            if (c is ',' or '=' or ' ')
            {
                line.Append('\\');
            }

            line.Append(c);
        }
    }
}

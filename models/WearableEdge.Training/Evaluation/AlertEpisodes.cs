namespace WearableEdge.Training.Evaluation;

/// <summary>Counting alerts the way a nurse receives them: a run of consecutive rows at or above the threshold is one alert.</summary>
internal static class AlertEpisodes
{
    /// <summary>Rising edges: rows at or above <paramref name="threshold"/> whose previous row (if any) was below it.</summary>
    public static int Count(ReadOnlySpan<double> scores, double threshold)
    {
        var alerts = 0;
        var above = false;
        foreach (var score in scores)
        {
            var now = score >= threshold;
            if (now && !above)
            {
                alerts++;
            }

            above = now;
        }

        return alerts;
    }
}

using WearableEdge.DeviceSim.Motion;
using WearableEdge.Training.Evaluation;

namespace WearableEdge.Training.Falls;

/// <summary>Alert-level outcome of one recording at one threshold.</summary>
/// <param name="Falls">Falls in the recording.</param>
/// <param name="Detected">Falls with an alerting window that holds the impact.</param>
/// <param name="LatenciesSeconds">Per detected fall: end of the first alerting window holding the impact − impact.</param>
/// <param name="FalseAlerts">Alert episodes (runs of consecutive alerting windows) that hold no fall impact.</param>
/// <param name="FalseAlertCauses">The activity at the start of each false alert.</param>
/// <param name="Hours">Recording length.</param>
internal sealed record RecordingOutcome(int Falls, int Detected, IReadOnlyList<double> LatenciesSeconds, int FalseAlerts, IReadOnlyList<MotionActivity> FalseAlertCauses, double Hours);

/// <summary>Counting fall alerts the way a nurse gets them: consecutive windows above the threshold are one alert.</summary>
internal static class FallEvaluation
{
    public static RecordingOutcome Outcome(FallWindows windows, IReadOnlyList<double> probabilities, double threshold)
    {
        ArgumentNullException.ThrowIfNull(windows);
        ArgumentNullException.ThrowIfNull(probabilities);
        var detectedAt = new double?[windows.FallImpacts.Length];
        var falseAlerts = 0;
        var causes = new List<MotionActivity>();
        var w = 0;
        while (w < windows.Count)
        {
            if (probabilities[w] < threshold)
            {
                w++;
                continue;
            }

            var first = w;
            var holdsFall = false;
            for (; w < windows.Count && probabilities[w] >= threshold; w++)
            {
                for (var f = 0; f < windows.FallImpacts.Length; f++)
                {
                    var impact = windows.FallImpacts[f];
                    if (impact >= windows.Start(w) && impact < windows.End(w))
                    {
                        holdsFall = true;
                        detectedAt[f] ??= (windows.End(w) - impact).TotalSeconds;
                    }
                }
            }

            if (!holdsFall)
            {
                falseAlerts++;
                causes.Add(ActivityAt(windows.Recording, windows.End(first)));
            }
        }

        var hours = windows.Recording.X.Length / (double)windows.Recording.SampleRateHz / 3600;
        var latencies = detectedAt.Where(d => d is not null).Select(d => d!.Value).ToList();
        return new RecordingOutcome(windows.FallImpacts.Length, latencies.Count, latencies, falseAlerts, causes, hours);
    }

    /// <summary>The episode that holds <paramref name="time"/> (or the last one before it).</summary>
    public static MotionActivity ActivityAt(MotionRecording recording, TimeSpan time)
    {
        ArgumentNullException.ThrowIfNull(recording);
        var episode = recording.Episodes.LastOrDefault(e => e.Start <= time) ?? recording.Episodes[0];

        // An alert soon after an event belongs to that event, not to the getting-up stretch after it.
        var previousEvent = recording.Episodes.LastOrDefault(e => e.Start <= time && e.Activity is not (MotionActivity.Resting or MotionActivity.Walking or MotionActivity.Running or MotionActivity.Stairs));
        return previousEvent is not null && time - previousEvent.End < TimeSpan.FromSeconds(4) ? previousEvent.Activity : episode.Activity;
    }

    /// <summary>Wilson score interval (95 %) of a proportion.</summary>
    public static Estimate Wilson(int successes, int trials)
    {
        if (trials == 0)
        {
            return new Estimate(double.NaN, double.NaN, double.NaN);
        }

        const double z = 1.959964;
        var p = successes / (double)trials;
        var denominator = 1 + (z * z / trials);
        var centre = (p + (z * z / (2 * trials))) / denominator;
        var half = z * Math.Sqrt((p * (1 - p) / trials) + (z * z / (4.0 * trials * trials))) / denominator;
        return new Estimate(p, Math.Max(0, centre - half), Math.Min(1, centre + half));
    }

    /// <summary>
    /// A Poisson rate per <paramref name="per"/> units of <paramref name="exposure"/> with a 95 % interval
    /// (Wilson–Hilferty approximation of the exact chi-square limits; lower limit 0 for no events).
    /// </summary>
    public static Estimate PoissonRate(int events, double exposure, double per)
    {
        const double z = 1.959964;
        double Upper(double k) => k * Math.Pow(1 - (1 / (9 * k)) + (z / (3 * Math.Sqrt(k))), 3);
        double Lower(double k) => k * Math.Pow(1 - (1 / (9 * k)) - (z / (3 * Math.Sqrt(k))), 3);
        var scale = per / exposure;
        return new Estimate(events * scale, events == 0 ? 0 : Lower(events) * scale, Upper(events + 1) * scale);
    }
}

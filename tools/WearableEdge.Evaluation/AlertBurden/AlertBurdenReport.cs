using System.Globalization;
using System.Text;
using WearableEdge.Clinical.Alerts;
using WearableEdge.DeviceSim;

namespace WearableEdge.Evaluation.AlertBurden;

/// <summary>The alert-burden table, as Markdown (printed and written to docs/alert-burden.md).</summary>
internal static class AlertBurdenReport
{
    private static readonly CultureInfo Invariant = CultureInfo.InvariantCulture;

    public static string Table(IReadOnlyList<PolicyTally> tallies, int patientDays)
    {
        var text = new StringBuilder();
        text.AppendLine("| policy | high | medium | low | all alerts | technical | escalations | re-alerts | desaturations alerted | median s after SpO2 < 90 % | deteriorations alerted | median s from onset |");
        text.AppendLine("|---|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|");
        foreach (var t in tallies)
        {
            text.Append(Invariant, $"| {t.Policy.Name} | {Rate(t.Alerts[AlertPriority.High], patientDays)} | {Rate(t.Alerts[AlertPriority.Medium], patientDays)} | {Rate(t.Alerts[AlertPriority.Low], patientDays)} ");
            text.Append(Invariant, $"| {Rate(t.TotalAlerts, patientDays)} | {Rate(t.Technical, patientDays)} | {Rate(t.Escalations, patientDays)} | {Rate(t.ReAlerts, patientDays)} ");
            foreach (var (events, latencies) in t.Detection.OrderBy(kv => kv.Key == ScenarioKind.Deterioration).Select(kv => kv.Value))
            {
                text.Append(Invariant, $"| {latencies.Count}/{events} | {Median(latencies)} ");
            }

            text.Append("|\n");
        }

        text.AppendLine();
        text.AppendLine("Alerts by type, per patient-day:");
        text.AppendLine();
        var types = tallies.SelectMany(t => t.ByType.Keys).Distinct().Order(StringComparer.Ordinal).ToList();
        text.AppendLine("| policy | " + string.Join(" | ", types) + " |");
        text.AppendLine("|---|" + string.Concat(types.Select(_ => "---:|")));
        foreach (var t in tallies)
        {
            text.AppendLine($"| {t.Policy.Name} | " + string.Join(" | ", types.Select(type => Rate(t.ByType.GetValueOrDefault(type), patientDays))) + " |");
        }

        return text.ToString();
    }

    public static string Document(string command, int patients, int days, int seed, string table, TimeSpan runtime) =>
        $$"""
        # Alert burden: simulated patient-days through the alarm lifecycle

        Measured with:

        ```
        {{command}}
        ```

        {{patients}} simulated patients × {{days}} day(s) = {{patients * days}} patient-days, seed {{seed}}, run time
        {{runtime.TotalSeconds.ToString("0", Invariant)}} s on the build machine. Figures are alerts **per patient-day**.

        ## How it is measured

        - The device simulator's `VirtualPatient` (device-sim) gives 1 Hz vital signs with its seeded daily
          physiology (circadian rhythm; sleep, rest, walks and exercise; sensor noise; motion artefacts that
          pull SpO2 down and jolt heart rate while moving, two in three of them flagged by a per-sample signal
          quality below 0.5, which the service's screen keeps out of the windows) and a device status every
          minute (battery draining 2 %/h from 70–100 %, always worn).
        - Scripted events per patient-day (`AlertBurdenScript`): 8 transient SpO2 dips of 6–14 s (the short
          desaturations and probe artefacts that alarm condition delays exist for); for half the patients one
          true desaturation of 3–8 min to about 84 %; for every fifth patient a 2 h deterioration (NEWS2 ≥ 7
          at full effect). Everything else is resting physiology.
        - The samples go through the service's own code, in process: `EventTimeWindower` (60 s windows every
          5 s), `News2Scorer`, and `AlertEvaluator` — the NEWS2 band rule, the fast desaturation rule, and the
          technical device rules, each with its lifecycle tracker. No broker or store is involved.
        - **Alerts** count alert episodes (one raise until it resolves), by the highest priority each reached.
          **Re-alerts** count repeated announcements of an open alert; nobody acknowledges in the simulation,
          so this is the most re-alerting each policy allows. **True events alerted**: true desaturations
          (≥ 1 min) and deteriorations with a clinical alert (any type) raised between onset and 2 min after
          the end; latency is from the first second the simulated (noiseless) SpO2 is below 90 % for a
          desaturation, and from the onset (start of the 6 min ramp) for a deterioration, to that alert.
        - Policies: *defaults* are those of `AlertRuleSet.Default` (15 s condition delay — the delay FACTS.md
          reports cut low-SpO2 alarms by 60 % — hysteresis on every threshold, re-alert after 5–10 min).
          *NEWS2 only* is the service before this change: the NEWS2 band rule on 60 s windows with a 15 s
          delay and a 60 s clear delay, no desaturation rule, no hysteresis, no re-alert. The technical
          battery rule runs in every row so the rows differ only in the clinical policy.
          *No delays* sets every condition and clear delay to 0; *no hysteresis* clears at the raise
          threshold (SpO2 90 %, NEWS2 below the alerting bands, battery 15 %).

        ## Results

        {{table}}

        ## Limits

        These figures describe the simulator and its script, not a ward: the mix of transient dips and true
        events is chosen, the simulated noise is Gaussian, the motion artefacts follow a simple model of PPG
        (device-sim/README.md), and no patient's device comes off. They show what the delays and hysteresis do to the same input; they do not predict alarm
        rates on real patients.
        """;

    private static string Rate(int count, int patientDays) => (count / (double)patientDays).ToString("0.00", Invariant);

    private static string Median(List<double> values)
    {
        if (values.Count == 0)
        {
            return "–";
        }

        var sorted = values.Order().ToList();
        var mid = sorted.Count / 2;
        var median = sorted.Count % 2 == 1 ? sorted[mid] : (sorted[mid - 1] + sorted[mid]) / 2;
        return median.ToString("0", Invariant);
    }
}

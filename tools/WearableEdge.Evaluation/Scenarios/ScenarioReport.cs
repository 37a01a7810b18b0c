using System.Globalization;
using System.Text;

namespace WearableEdge.Evaluation.Scenarios;

/// <summary>The markdown of <c>docs/validation/scenarios.md</c> and <c>docs/validation/physionet-replay.md</c>.</summary>
internal static class ScenarioReport
{
    public const string LatencyPng = "scenarios-latency.png";
    public const string AlertsPerDayPng = "scenarios-alerts-per-day.png";
    public const string PhysioNetLeadPng = "physionet-lead-time.png";
    public const string PhysioNetAlertsPng = "physionet-alerts-per-day.png";

    /// <summary>The run's context for the report's header.</summary>
    /// <param name="Command">The exact command.</param>
    /// <param name="StartedAt">When it ran (UTC).</param>
    /// <param name="Speed">Device seconds per wall second.</param>
    /// <param name="WallTime">Wall time of the whole command.</param>
    public sealed record Context(string Command, DateTimeOffset StartedAt, double Speed, TimeSpan WallTime);

    public static string Scenarios(Context context, IReadOnlyList<(ScenarioRun Run, ScenarioSummary Summary)> sets, ScenarioSummary pooled)
    {
        ArgumentNullException.ThrowIfNull(context);
        ArgumentNullException.ThrowIfNull(sets);
        ArgumentNullException.ThrowIfNull(pooled);
        var md = new StringBuilder();
        md.AppendLine("# Scenario validation: simulated events through the real service");
        md.AppendLine();
        Header(md, context);
        md.AppendLine(I($"Sets: {string.Join(", ", sets.Select(s => $"`{s.Run.Name}`"))}; {pooled.PatientDays:0.###} patient-days in all, {pooled.Result.Events.Count} ground-truth events, {pooled.Result.Alerts.Count} alerts."));
        md.AppendLine();
        HowItRuns(md);
        RulesTable(md);
        md.AppendLine("## Results, all sets pooled");
        md.AppendLine();
        Results(md, pooled, plots: true, lists: sets.Count == 1);
        foreach (var (run, summary) in sets)
        {
            md.AppendLine(I($"## Set `{run.Name}`"));
            md.AppendLine();
            if (run.Description is { } description)
            {
                md.AppendLine("> " + description);
                md.AppendLine();
            }

            md.AppendLine(I($"Service settings beyond its defaults: `{string.Join(' ', run.ServiceArguments.Select(RedactService))}`."));
            md.AppendLine();
            md.AppendLine(I($"Simulator: `{string.Join(' ', run.SimulatorArguments.Select(Redact))}`; {summary.PatientDays:0.###} patient-days, wall time {run.WallTime.TotalSeconds:0} s, {run.AlertMessages} alert messages{(run.EventsOutsideRun > 0 ? $"; {run.EventsOutsideRun} events beginning after the run's end left out, events still going on at the end cut there" : "")}."));
            md.AppendLine();
            if (sets.Count > 1)
            {
                Results(md, summary, plots: false, lists: true);
            }

            Ingest(md, run);
        }

        Limits(md);
        return md.ToString();
    }

    public static string PhysioNet(Context context, ScenarioRun run, PhysioNetSummary summary)
    {
        ArgumentNullException.ThrowIfNull(context);
        ArgumentNullException.ThrowIfNull(run);
        ArgumentNullException.ThrowIfNull(summary);
        var md = new StringBuilder();
        md.AppendLine("# PhysioNet 2019 replay: real patients through the real service");
        md.AppendLine();
        Header(md, context);
        md.AppendLine(I($"Simulator: `{string.Join(' ', run.SimulatorArguments.Select(Redact))}`; wall time {run.WallTime.TotalSeconds:0} s."));
        md.AppendLine();
        md.AppendLine("## How it is measured");
        md.AppendLine();
        md.AppendLine("- The simulator's `replay` verb streams each patient's hourly PhysioNet 2019 values as 1 Hz vitals over MQTT (missing hours stay gaps) and writes, per patient, a `monitored` line (the span of its data) and, for a septic patient, a `sepsis` line whose onset is the Sepsis-3 onset t_sepsis.");
        md.AppendLine(I($"- **Patient-level sensitivity**: a septic patient counts as detected when a `news2` or `deterioration` (model) alert was raised (device time) from {MatchingRules.SepsisLeadWindow.TotalHours:0} h before t_sepsis to {MatchingRules.SepsisLateWindow.TotalHours:0} h after it: the window of the Challenge's utility score (Reyna et al., Crit Care Med 2020; data set README) and of the deterioration model card's patient sensitivity. Patients whose data starts less than 12 h before the onset are counted, and marked."));
        md.AppendLine("- **Lead time**: t_sepsis minus the first such alert (negative when it came after the onset).");
        md.AppendLine("- **False alerts per patient-day**: every clinical alert of a non-septic patient, over the non-septic patients' monitored days.");
        md.AppendLine();
        md.AppendLine("## Results");
        md.AppendLine();
        md.AppendLine("| measure | value |");
        md.AppendLine("|---|---:|");
        md.AppendLine(I($"| septic patients replayed | {summary.Septic.Count} |"));
        md.AppendLine(I($"| detected (news2 or deterioration in [onset − 12 h, onset + 3 h]) | {Sensitivity(summary.Sensitivity)} |"));
        foreach (var (type, proportion) in summary.SensitivityByType)
        {
            md.AppendLine(I($"| detected by `{type}` alone | {Sensitivity(proportion)} |"));
        }

        md.AppendLine(I($"| lead time, median (h) | {Number(ScenarioStatistics.Percentile(summary.LeadTimesHours, 50), "0.0")} |"));
        md.AppendLine(I($"| lead time, p95 (h) | {Number(ScenarioStatistics.Percentile(summary.LeadTimesHours, 95), "0.0")} |"));
        md.AppendLine(I($"| non-septic patients | {summary.NonSepticPatients} ({summary.NonSepticPatientDays:0.##} patient-days) |"));
        foreach (var (priority, perDay) in summary.NonSepticClinicalPerDayByPriority)
        {
            md.AppendLine(I($"| false clinical alerts per patient-day, {priority} | {perDay:0.##} |"));
        }

        foreach (var (type, perDay) in summary.NonSepticAlertsPerDayByType)
        {
            md.AppendLine(I($"| false `{type}` alerts per patient-day | {perDay:0.##} |"));
        }

        md.AppendLine();
        md.AppendLine(I($"![lead time]({PhysioNetLeadPng}) ![alerts per patient-day]({PhysioNetAlertsPng})"));
        md.AppendLine();
        md.AppendLine("| septic patient | onset (device time) | first alert in the window | lead time (h) | data from < 12 h before onset | why missed |");
        md.AppendLine("|---|---|---|---:|---|---|");
        foreach (var s in summary.Septic)
        {
            md.AppendLine(I($"| {s.PatientId} | {s.Onset:yyyy-MM-dd HH:mm} | {(s.FirstAlert is { } a ? $"`{a.Type}` {a.Priority}" : "–")} | {Number(s.LeadTime?.TotalHours, "0.0")} | {(s.ShortLookBack ? "yes" : "no")} | {s.MissedReason ?? ""} |"));
        }

        md.AppendLine();
        Ingest(md, run);
        md.AppendLine("## Limits");
        md.AppendLine();
        md.AppendLine("- The replay turns hourly values into 1 Hz streams; the service's 60 s NEWS2 windows see an interpolated signal, not a real wearable's. Blood pressure and consciousness reach NEWS2 only if the replay publishes them.");
        md.AppendLine("- The deterioration model was trained on a subset of the same training set B (models/deterioration-sepsis-6h/1.0.0/MODEL_CARD.md): replayed patients may be among those it was trained on, and those score better than new ones would. These figures show that the service runs the rules and the model end to end on replayed data; they are not an independent validation.");
        md.AppendLine("- Read sensitivity and lead time beside the false-alert rate: a rule that alerts often on every ICU patient also alerts early in most septic patients' 15 h windows, so a high sensitivity and a lead time near 12 h may say more about the alert rate than about early warning.");
        md.AppendLine("- The first N stays in file-name order are replayed, not a random sample; with few septic patients the interval is wide.");
        return md.ToString();
    }

    private static void Header(StringBuilder md, Context context)
    {
        md.AppendLine("Measured with:");
        md.AppendLine();
        md.AppendLine("```");
        md.AppendLine(context.Command);
        md.AppendLine("```");
        md.AppendLine();
        md.AppendLine(I($"Run {context.StartedAt:yyyy-MM-dd HH:mm} UTC on {Environment.ProcessorCount} cores ({System.Runtime.InteropServices.RuntimeInformation.OSDescription}, .NET {Environment.Version}), simulator at {context.Speed:0.##}× device time, {context.WallTime.TotalMinutes:0.0} min wall time in all. The machine was shared with other jobs."));
        md.AppendLine();
    }

    private static void HowItRuns(StringBuilder md)
    {
        md.AppendLine("## How it runs");
        md.AppendLine();
        md.AppendLine("- One command (`tools/WearableEdge.Evaluation`, verb `scenarios`) starts a real Mosquitto on a free loopback port, then per scenario set a fresh edge service (`dotnet WearableEdge.EdgeService.dll`, the Release build, with the shipped ONNX models: fall detection and deterioration) on its own temp data folder, and the device simulator as a child process at accelerated device time. The service runs with its default clinical alert rules; the harness sets the broker, a loopback port, the data folder, `Storage:StoreRawSamples=false`, `Ingest:MaxClockSkew` (device time runs ahead of the wall clock at accelerated speed), and divides by the speed the delays the service counts on the gateway clock: the technical tick (`Alerts:TickInterval`, 5 s, at least 100 ms) and the device-off and battery-low condition and clear delays, so they last the same device time as at 1×. The service arguments of each set are listed below.");
        md.AppendLine("- The harness subscribes to `wearable-edge/alerts/+` (QoS 1) before the simulator starts. An alert id counts once, at its first raise (`raisedAt`, device time), with the highest priority it reached. Technical alerts are raised on a gateway-clock tick and stamped with the gateway clock; for them the harness takes the device time of the status that raised them (`windowEnd`), so their latency has the 60 s resolution of the device status. After the simulator exits, the run ends once no alert message came for 10 s.");
        md.AppendLine("- The simulator writes the ground truth (one JSON line per event with onset and end in device time, plus a `monitored` line per patient when it writes one). Patient-days come from the monitored lines, else patients × the set's duration.");
        md.AppendLine("- **Sensitivity** per event kind: events detected / events, with the Wilson score 95 % interval (Newcombe 1998). **Latency**: raise minus onset, device time (median and 95th percentile, linear interpolation). **False alerts**: alerts that match no event of their patient, per patient-day; clinical ones by priority, technical ones (device-off, battery-low, no-data) apart. Several alerts for one event count as one detection and are not false alerts.");
        md.AppendLine();
    }

    private static void RulesTable(StringBuilder md)
    {
        md.AppendLine("## Matching rules");
        md.AppendLine();
        md.AppendLine("An alert detects an event when it is for the same patient, its type is listed, and it was raised (device time) inside the window. Windows are local choices reasoned from the service's own delays (60 s feature window every 5 s, 15 s condition delay for NEWS2 and desaturation, 30 s for device-off; docs/configuration.md). They are unit-tested in `tests/WearableEdge.Evaluation.Tests/Scenarios/`.");
        md.AppendLine();
        md.AppendLine("| event | alert types that detect it | window | kind | why |");
        md.AppendLine("|---|---|---|---|---|");
        foreach (var rule in MatchingRules.Scenario.Values)
        {
            var types = rule.AlertTypes.Count == 0 ? "none" : string.Join(", ", rule.AlertTypes.Select(t => $"`{t}`"));
            var window = rule.NoDetectorReason is null ? rule.WindowText : "always missed";
            md.AppendLine(I($"| {rule.Kind} | {types} | {window} | {(rule.Technical ? "technical" : "clinical")} | {rule.NoDetectorReason ?? rule.Why} |"));
        }

        var sepsis = MatchingRules.PhysioNetSepsis;
        md.AppendLine(I($"| sepsis (PhysioNet replay, per patient) | {string.Join(", ", sepsis.AlertTypes.Select(t => $"`{t}`"))} | {sepsis.WindowText} | clinical | {sepsis.Why} |"));
        md.AppendLine();
        md.AppendLine("Alerts about data from inside a Bluetooth gap (their window ends in the gap, so they came from backfilled data) are listed with the service's `late` flag.");
        md.AppendLine();
    }

    private static void Results(StringBuilder md, ScenarioSummary summary, bool plots, bool lists)
    {
        md.AppendLine(I($"{summary.PatientDays:0.###} patient-days."));
        md.AppendLine();
        md.AppendLine("| event | events | detected | sensitivity (95 % CI) | median latency (s) | p95 latency (s) | first alert of each detection |");
        md.AppendLine("|---|---:|---:|---|---:|---:|---|");
        foreach (var kind in summary.Kinds)
        {
            var s = kind.Sensitivity;
            md.AppendLine(I($"| {kind.Kind}{(kind.Rule?.Technical == true ? " (technical)" : "")} | {s.Trials} | {s.Successes} | {Sensitivity(s)} | {Number(kind.MedianLatency, "0")} | {Number(kind.P95Latency, "0")} | {(kind.DetectedBy.Count == 0 ? "–" : string.Join(", ", kind.DetectedBy.Select(d => $"`{d.Key}` {d.Value}")))} |"));
        }

        md.AppendLine();
        md.AppendLine(I($"Clinical detections: median latency {Number(ScenarioStatistics.Percentile(summary.ClinicalLatencies, 50), "0")} s, p95 {Number(ScenarioStatistics.Percentile(summary.ClinicalLatencies, 95), "0")} s from onset ({summary.ClinicalLatencies.Count} events)."));
        md.AppendLine();
        md.AppendLine("False alerts per patient-day:");
        md.AppendLine();
        md.AppendLine("| clinical, high | clinical, medium | clinical, low | technical |");
        md.AppendLine("|---:|---:|---:|---|");
        var technical = summary.TechnicalFalsePerDayByType.Count == 0 ? "0" : string.Join(", ", summary.TechnicalFalsePerDayByType.Select(t => I($"{t.Key} {t.Value:0.##}")));
        md.AppendLine(I($"| {summary.ClinicalFalsePerDayByPriority["high"]:0.##} | {summary.ClinicalFalsePerDayByPriority["medium"]:0.##} | {summary.ClinicalFalsePerDayByPriority["low"]:0.##} | {technical} |"));
        md.AppendLine();
        md.AppendLine("Alerts per patient-day, by type (all, and those that matched no event):");
        md.AppendLine();
        md.AppendLine("| alerts | " + string.Join(" | ", summary.AlertsPerDayByType.Keys) + " |");
        md.AppendLine("|---|" + string.Concat(summary.AlertsPerDayByType.Keys.Select(_ => "---:|")));
        md.AppendLine("| all | " + string.Join(" | ", summary.AlertsPerDayByType.Values.Select(v => I($"{v:0.##}"))) + " |");
        md.AppendLine("| false | " + string.Join(" | ", summary.FalsePerDayByType.Values.Select(v => I($"{v:0.##}"))) + " |");
        md.AppendLine();
        if (plots)
        {
            md.AppendLine(I($"![latency histogram]({LatencyPng}) ![alerts per patient-day]({AlertsPerDayPng})"));
            md.AppendLine();
        }

        if (!lists)
        {
            md.AppendLine("Missed events, late detections and false alerts are listed under each set below.");
            md.AppendLine();
            return;
        }

        var falseAlerts = summary.Result.FalseAlerts;
        md.AppendLine(I($"False alerts ({falseAlerts.Count}){(falseAlerts.Count > 0 ? ":" : ".")}"));
        md.AppendLine();
        if (falseAlerts.Count > 0)
        {
            md.AppendLine("| patient | alert | priority | raised (device time) | source |");
            md.AppendLine("|---|---|---|---|---|");
            foreach (var a in falseAlerts)
            {
                md.AppendLine(I($"| {a.PatientId} | `{a.Type}` | {a.Priority} | {a.RaisedAt:yyyy-MM-dd HH:mm:ss} | {a.Source} |"));
            }

            md.AppendLine();
        }

        var missed = summary.Result.Events.Where(e => !e.Detected).ToList();
        md.AppendLine(I($"Missed events ({missed.Count}):"));
        md.AppendLine();
        if (missed.Count > 0)
        {
            md.AppendLine("| patient | event | onset (device time) | why |");
            md.AppendLine("|---|---|---|---|");
            foreach (var e in missed)
            {
                md.AppendLine(I($"| {e.Truth.PatientId} | {e.Truth.Kind} | {e.Truth.Onset:yyyy-MM-dd HH:mm:ss} | {e.MissedReason} |"));
            }

            md.AppendLine();
        }

        var late = summary.Result.Events.Where(e => e.Detection?.Late == true).ToList();
        md.AppendLine(I($"Events detected by an alert the service marked late ({late.Count}){(late.Count > 0 ? ":" : ".")}"));
        md.AppendLine();
        foreach (var e in late)
        {
            md.AppendLine(I($"- {e.Truth.PatientId} {e.Truth.Kind} at {e.Truth.Onset:HH:mm:ss}: `{e.Detection!.Type}` raised at onset {ScenarioMatcher.Signed(e.Latency!.Value)}"));
        }

        if (late.Count > 0)
        {
            md.AppendLine();
        }

        var backfilled = summary.Result.Backfilled;
        md.AppendLine(I($"Alerts about data inside a Bluetooth gap ({backfilled.Count}, of which marked late: {backfilled.Count(b => b.Alert.Late)}){(backfilled.Count > 0 ? ":" : ".")}"));
        md.AppendLine();
        foreach (var b in backfilled)
        {
            md.AppendLine(I($"- {b.Alert.PatientId} `{b.Alert.Type}` window ending {b.Alert.WindowEnd:HH:mm:ss} (gap {b.Gap.Onset:HH:mm:ss}–{b.Gap.End:HH:mm:ss}): late = {b.Alert.Late.ToString().ToLowerInvariant()}"));
        }

        if (backfilled.Count > 0)
        {
            md.AppendLine();
        }
    }

    private static void Ingest(StringBuilder md, ScenarioRun run)
    {
        if (run.Ingest.Count == 0)
        {
            return;
        }

        md.AppendLine("The service's ingest counters after the run (`/health`): " + string.Join(", ", run.Ingest.Select(c => I($"{c.Key} {c.Value}"))) + ".");
        md.AppendLine();
    }

    private static void Limits(StringBuilder md)
    {
        md.AppendLine("## Limits");
        md.AppendLine();
        md.AppendLine("- These figures describe the simulator's physiology and scenarios, not a ward: the events, their size and the noise are chosen. A detection here shows the service finds what the simulator puts in; it does not predict sensitivity on real patients.");
        md.AppendLine("- Event counts per kind are small: read the 95 % intervals, not the point values.");
        md.AppendLine("- At accelerated time the gateway clock runs slower than device time: rules timed by the gateway clock (no-data silence, technical-alert ticks) and the `late` flag (data older than 2 min by the gateway clock) do not behave as they would at 1×.");
        md.AppendLine();
    }

    private static string Sensitivity(Proportion p) =>
        p.Trials == 0 ? "–" : I($"{p.Successes}/{p.Trials} = {p.Value * 100:0} % ({p.Lower * 100:0}–{p.Upper * 100:0} %)");

    private static string Number(double? value, string format) => value is { } v ? v.ToString(format, CultureInfo.InvariantCulture) : "–";

    /// <summary>Drops the temp folder of the ground-truth path and the random client id from a command line shown in the report.</summary>
    private static string Redact(string argument) =>
        argument.EndsWith("ground-truth.jsonl", StringComparison.Ordinal) ? "GROUND_TRUTH.jsonl"
        : argument.StartsWith("wearable-edge-eval-sim-", StringComparison.Ordinal) ? "CLIENT_ID"
        : argument.StartsWith("mqtt://127.0.0.1:", StringComparison.Ordinal) ? "mqtt://127.0.0.1:PORT/"
        : argument;

    private static string RedactService(string argument) =>
        argument.StartsWith("--urls=", StringComparison.Ordinal) ? "--urls=http://127.0.0.1:PORT"
        : argument.StartsWith("--Mqtt:BrokerUrl=", StringComparison.Ordinal) ? "--Mqtt:BrokerUrl=mqtt://127.0.0.1:PORT/"
        : argument.StartsWith("--Mqtt:ClientId=", StringComparison.Ordinal) ? "--Mqtt:ClientId=CLIENT_ID"
        : argument.StartsWith("--Storage:DataDirectory=", StringComparison.Ordinal) ? "--Storage:DataDirectory=TEMP"
        : argument;

    private static string I(FormattableString text) => text.ToString(CultureInfo.InvariantCulture);
}

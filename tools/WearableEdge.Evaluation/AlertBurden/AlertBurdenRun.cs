using WearableEdge.Clinical.Alerts;
using WearableEdge.Clinical.Features;
using WearableEdge.Clinical.Samples;
using WearableEdge.Clinical.Scoring;
using WearableEdge.DeviceSim;
using WearableEdge.DeviceSim.Generation;
using WearableEdge.DeviceSim.Physiology;

namespace WearableEdge.Evaluation.AlertBurden;

/// <summary>One alert policy under evaluation.</summary>
/// <param name="Name">How the report names it.</param>
/// <param name="Rules">The rule set every patient gets.</param>
internal sealed record AlertPolicy(string Name, AlertRuleSet Rules);

/// <summary>What one policy raised over the whole run.</summary>
internal sealed class PolicyTally(AlertPolicy policy)
{
    public AlertPolicy Policy { get; } = policy;

    /// <summary>Alerts by the highest priority each reached.</summary>
    public Dictionary<AlertPriority, int> Alerts { get; } = new() { [AlertPriority.High] = 0, [AlertPriority.Medium] = 0, [AlertPriority.Low] = 0 };

    public int Technical { get; set; }

    public Dictionary<string, int> ByType { get; } = new(StringComparer.Ordinal);

    public int Escalations { get; set; }

    public int ReAlerts { get; set; }

    public int Updates { get; set; }

    /// <summary>True events by kind: how many, how many alerted, and seconds from onset to the first clinical alert.</summary>
    public Dictionary<ScenarioKind, (int Events, List<double> Latencies)> Detection { get; } = new()
    {
        [ScenarioKind.Desaturation] = (0, []),
        [ScenarioKind.Deterioration] = (0, []),
    };

    public int TotalAlerts => Alerts.Values.Sum();
}

/// <summary>
/// Runs simulated patient-days through the edge service's own pure code: the simulator's
/// <see cref="VirtualPatient"/> gives 1 Hz vitals and a device status a minute; the service's
/// <see cref="EventTimeWindower"/> (60 s windows every 5 s), <see cref="News2Scorer"/> and
/// <see cref="AlertEvaluator"/> turn them into alert decisions, once per policy over the same
/// windows. No broker, no store: the numbers are the lifecycle's, not the transport's. Nobody
/// acknowledges, so every re-alert that the policy allows fires (an upper bound).
/// </summary>
internal static class AlertBurdenRun
{
    /// <summary>Minimum coverage of a vital sign for NEWS2, as the service's default (Alerts:MinimumCoverage).</summary>
    private const double MinimumCoverage = 0.5;

    /// <summary>A true event counts as alerted if a clinical alert was raised between its onset and 2 min after its end.</summary>
    private static readonly TimeSpan DetectionGrace = TimeSpan.FromMinutes(2);

    public static IReadOnlyList<PolicyTally> Run(int patients, int days, int seed, IReadOnlyList<AlertPolicy> policies)
    {
        var start = new DateTimeOffset(2026, 1, 5, 0, 0, 0, TimeSpan.Zero);
        var tallies = policies.Select(p => new PolicyTally(p)).ToArray();
        var seeds = new Random(seed);
        var scripts = new Random(unchecked(seed * 7919) + 1);
        var length = TimeSpan.FromDays(days);
        for (var i = 0; i < patients; i++)
        {
            var patientId = Ward.PatientId(i);
            var events = AlertBurdenScript.Events(patientId, i, days, scripts);
            var patient = new VirtualPatient(patientId, Ward.DeviceId(i), seeds.Next(), events);
            var windower = new EventTimeWindower(patientId, WindowSpec.Default);
            var evaluators = policies.Select(p => new AlertEvaluator(p.Rules)).ToArray();
            var episodes = policies.Select(_ => new Dictionary<string, AlertPriority>(StringComparer.Ordinal)).ToArray();
            var raises = policies.Select(_ => new List<(DateTimeOffset At, string Type)>()).ToArray();

            for (var offset = TimeSpan.Zero; offset < length; offset += WardGenerator.VitalsInterval)
            {
                var at = start + offset;
                var reading = patient.Vitals(offset, at);
                var sample = new WearableSample(
                    patientId, patient.DeviceId, at, new VitalSigns(reading.HeartRate, reading.SpO2, reading.RespirationRate, reading.TemperatureC, reading.SystolicBp), reading.SignalQuality);
                foreach (var window in windower.Add(sample).ClosedWindows)
                {
                    var (news2, _) = News2Scorer.Score(window, MinimumCoverage);
                    for (var p = 0; p < evaluators.Length; p++)
                    {
                        Tally(tallies[p], episodes[p], raises[p], evaluators[p].ObserveWindow(window, news2));
                    }
                }

                if (offset.Ticks % WardGenerator.DeviceStatusInterval.Ticks == 0)
                {
                    // The simulated wearable is always worn here; its battery drains 2 %/h (VirtualPatient).
                    var (battery, _) = patient.Device(offset);
                    for (var p = 0; p < evaluators.Length; p++)
                    {
                        Tally(tallies[p], episodes[p], raises[p], evaluators[p].ObserveDevice(at, worn: true, battery));
                    }
                }
            }

            for (var p = 0; p < evaluators.Length; p++)
            {
                Close(tallies[p], episodes[p]);
                Detection(tallies[p], raises[p], events, start, patient);
            }
        }

        return tallies;
    }

    private static void Tally(PolicyTally tally, Dictionary<string, AlertPriority> open, List<(DateTimeOffset, string)> raises, IReadOnlyList<AlertEvent> events)
    {
        foreach (var e in events)
        {
            switch (e.Decision.Action)
            {
                case AlertAction.Raise:
                    open[e.Type] = e.Decision.Priority!.Value;
                    tally.ByType[e.Type] = tally.ByType.GetValueOrDefault(e.Type) + 1;
                    if (e.Technical)
                    {
                        tally.Technical++;
                    }
                    else
                    {
                        raises.Add((e.At, e.Type));
                    }

                    break;
                case AlertAction.Escalate:
                    open[e.Type] = e.Decision.Priority!.Value;
                    tally.Escalations++;
                    break;
                case AlertAction.ReAlert:
                    tally.ReAlerts++;
                    break;
                case AlertAction.Update:
                    tally.Updates++;
                    break;
                case AlertAction.Resolve:
                    if (open.Remove(e.Type, out var peak))
                    {
                        tally.Alerts[peak]++;
                    }

                    break;
            }
        }
    }

    /// <summary>
    /// Where latency is measured from: for a desaturation, the first second its noiseless SpO2 is
    /// below 90 % (the raise threshold); for a deterioration, its onset (the start of the 6 min ramp).
    /// </summary>
    private static TimeSpan Reference(ScenarioEvent e, VirtualPatient patient)
    {
        if (e.Kind == ScenarioKind.Desaturation)
        {
            for (var t = e.Onset; t <= e.End; t += TimeSpan.FromSeconds(1))
            {
                if (patient.Expected(t).SpO2 < SpO2Thresholds.Default.MediumBelow)
                {
                    return t;
                }
            }
        }

        return e.Onset;
    }

    /// <summary>Alerts still open at the end of the run count at the priority they reached.</summary>
    private static void Close(PolicyTally tally, Dictionary<string, AlertPriority> open)
    {
        foreach (var peak in open.Values)
        {
            tally.Alerts[peak]++;
        }

        open.Clear();
    }

    private static void Detection(
        PolicyTally tally, List<(DateTimeOffset At, string Type)> raises, IReadOnlyList<ScenarioEvent> events, DateTimeOffset start, VirtualPatient patient)
    {
        foreach (var e in events.Where(AlertBurdenScript.IsTrueEvent))
        {
            var (count, latencies) = tally.Detection[e.Kind];
            tally.Detection[e.Kind] = (count + 1, latencies);
            var from = start + Reference(e, patient);
            var to = start + e.End + DetectionGrace;
            var first = raises.Where(r => r.At >= from && r.At <= to).Select(r => (DateTimeOffset?)r.At).FirstOrDefault();
            if (first is { } at)
            {
                latencies.Add((at - from).TotalSeconds);
            }
        }
    }
}

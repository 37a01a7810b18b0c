using WearableEdge.DeviceSim;

namespace WearableEdge.Evaluation.AlertBurden;

/// <summary>
/// The scripted events of an alert-burden run, drawn per patient from the seed. Each patient-day has
/// eight transient SpO2 dips (6–14 s, 4 s ramp: the short desaturations and probe artefacts that
/// alarm delays exist for, FACTS.md "Alarms"); half the patients have one true desaturation of
/// 3–8 min; every fifth patient a deterioration of 2 h. Everything else is the simulator's
/// normal resting physiology with sensor noise.
/// </summary>
internal static class AlertBurdenScript
{
    public const int TransientDipsPerDay = 8;

    public static IReadOnlyList<ScenarioEvent> Events(string patientId, int patientIndex, int days, Random random)
    {
        var events = new List<ScenarioEvent>();
        var day = TimeSpan.FromDays(1);
        for (var d = 0; d < days; d++)
        {
            var dayStart = day * d;
            for (var i = 0; i < TransientDipsPerDay; i++)
            {
                var onset = dayStart + TimeSpan.FromSeconds(random.Next(600, 86_000));
                events.Add(new ScenarioEvent(patientId, ScenarioKind.Desaturation, onset, TimeSpan.FromSeconds(random.Next(6, 15)))
                {
                    Ramp = TimeSpan.FromSeconds(4),
                });
            }

            if (random.NextDouble() < 0.5)
            {
                var onset = dayStart + TimeSpan.FromSeconds(random.Next(600, 80_000));
                events.Add(new ScenarioEvent(patientId, ScenarioKind.Desaturation, onset, TimeSpan.FromMinutes(random.Next(3, 9))));
            }

            if (patientIndex % 5 == 0)
            {
                var onset = dayStart + TimeSpan.FromSeconds(random.Next(3_600, 70_000));
                events.Add(new ScenarioEvent(patientId, ScenarioKind.Deterioration, onset, TimeSpan.FromHours(2)));
            }
        }

        return events;
    }

    /// <summary>Events a nurse must hear about: desaturations of at least a minute, and deteriorations.</summary>
    public static bool IsTrueEvent(ScenarioEvent e) => e.Kind == ScenarioKind.Deterioration || e.Duration >= TimeSpan.FromMinutes(1);
}

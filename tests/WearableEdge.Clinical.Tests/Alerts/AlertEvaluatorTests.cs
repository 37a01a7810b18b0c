using WearableEdge.Clinical.Alerts;
using WearableEdge.Clinical.Features;
using WearableEdge.Clinical.Samples;
using WearableEdge.Clinical.Scoring;

namespace WearableEdge.Clinical.Tests.Alerts;

public sealed class AlertEvaluatorTests
{
    /// <summary>A 60 s window ending at <paramref name="seconds"/> over 1 Hz SpO2 readings given by <paramref name="spO2"/>.</summary>
    private static FeatureVector Window(double seconds, Func<double, double> spO2)
    {
        var end = TestSamples.T0.AddSeconds(seconds);
        static VitalSummary Flat(double v) => new(60, v, v, v, v, 0, 1);
        var readings = Enumerable.Range(0, 60).Select(i => spO2(seconds - 60 + i + 1)).ToList();
        return new FeatureVector("p-1", end.AddSeconds(-60), end, 60, 1, new Dictionary<VitalSign, VitalSummary>
        {
            [VitalSign.SpO2] = new(60, readings.Average(), readings.Min(), readings.Max(), readings[^1], null, 1),
            [VitalSign.HeartRate] = Flat(75),
            [VitalSign.RespirationRate] = Flat(16),
            [VitalSign.Temperature] = Flat(36.8),
        });
    }

    private static List<AlertEvent> Run(AlertEvaluator evaluator, double to, Func<double, double> spO2)
    {
        var events = new List<AlertEvent>();
        for (var s = 5.0; s < to; s += 5)
        {
            var window = Window(s, spO2);
            events.AddRange(evaluator.ObserveWindow(window, News2Scorer.Score(window, 0.5).Score));
        }

        return events;
    }

    [Fact]
    public void ObserveWindow_Desaturation_RaisesDesaturationAlertBeforeNews2()
    {
        var evaluator = new AlertEvaluator(AlertRuleSet.Default);

        var events = Run(evaluator, 120, s => s >= 30 ? 87 : 97);

        var first = events.First();
        Assert.Equal((SpO2AlertRule.AlertType, AlertAction.Raise, false), (first.Type, first.Decision.Action, first.Technical));
        Assert.Equal(45, (first.At - TestSamples.T0).TotalSeconds);
        var news2 = events.First(e => e.Type == News2AlertRule.AlertType);
        Assert.True(news2.At > first.At, $"NEWS2 raised at {news2.At:T}");
    }

    [Fact]
    public void ObserveWindow_FlappingAroundNinety_OneAlertWithHysteresisManyWithout()
    {
        Func<double, double> flapping = s => s < 20 ? 88 : ((int)(s / 5) % 2 == 0 ? 89 : 91);

        var tuned = Run(new AlertEvaluator(AlertRuleSet.Default.WithoutReAlert()), 1200, flapping)
            .Count(e => e.Type == SpO2AlertRule.AlertType && e.Decision.Action == AlertAction.Raise);
        var baseline = Run(new AlertEvaluator(AlertRuleSet.Default.WithoutDelaysOrHysteresis()), 1200, flapping)
            .Count(e => e.Type == SpO2AlertRule.AlertType && e.Decision.Action == AlertAction.Raise);

        Assert.Equal(1, tuned);
        Assert.True(baseline > 100, $"baseline raised {baseline}");
    }

    [Fact]
    public void ObserveDevice_OffBody_RaisesTechnicalAlert()
    {
        var evaluator = new AlertEvaluator(AlertRuleSet.Default);
        var events = new List<AlertEvent>();
        for (var s = 0; s <= 60; s += 5)
        {
            events.AddRange(evaluator.ObserveDevice(TestSamples.T0.AddSeconds(s), worn: false, batteryPercent: 80));
        }

        var raise = Assert.Single(events);
        Assert.Equal((DeviceAlertRule.DeviceOffType, AlertAction.Raise, true), (raise.Type, raise.Decision.Action, raise.Technical));
    }
}

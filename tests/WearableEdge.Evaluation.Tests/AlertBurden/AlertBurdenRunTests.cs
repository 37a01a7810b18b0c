using WearableEdge.Clinical.Alerts;
using WearableEdge.DeviceSim;
using WearableEdge.Evaluation.AlertBurden;

namespace WearableEdge.Evaluation.Tests.AlertBurden;

/// <summary>A short alert-burden run (3 patient-days) through the real simulator and lifecycle code.</summary>
public sealed class AlertBurdenRunTests
{
    private static readonly Lazy<IReadOnlyList<PolicyTally>> Tallies = new(() => AlertBurdenRun.Run(3, 1, 11, Program.Policies()));

    private static PolicyTally Policy(string prefix) => Tallies.Value.Single(t => t.Policy.Name.StartsWith(prefix, StringComparison.Ordinal));

    [Fact]
    public void Run_SameSeed_SameTallies()
    {
        var again = AlertBurdenRun.Run(3, 1, 11, Program.Policies());

        Assert.Equal(
            Tallies.Value.Select(t => (t.TotalAlerts, t.ReAlerts, t.Escalations)),
            again.Select(t => (t.TotalAlerts, t.ReAlerts, t.Escalations)));
    }

    [Fact]
    public void Run_DefaultsAgainstNoDelayNoHysteresis_FewerDesaturationAlertsSameTrueEventsFound()
    {
        var defaults = Policy("defaults without re-alert");
        var none = Policy("no delays, no hysteresis");

        Assert.True(
            defaults.ByType.GetValueOrDefault(SpO2AlertRule.AlertType) * 3 < none.ByType.GetValueOrDefault(SpO2AlertRule.AlertType),
            $"defaults {defaults.ByType.GetValueOrDefault(SpO2AlertRule.AlertType)}, none {none.ByType.GetValueOrDefault(SpO2AlertRule.AlertType)}");
        var (events, found) = defaults.Detection[ScenarioKind.Desaturation];
        Assert.True(events > 0, "the script gave these patients no true desaturation");
        Assert.Equal(events, found.Count);
        Assert.All(found, seconds => Assert.InRange(seconds, 0, 25));
    }

    [Fact]
    public void Run_ReAlertOff_NoReAlertsOtherwiseSameAlerts()
    {
        var withReAlert = Policy("defaults (delays");
        var without = Policy("defaults without re-alert");

        Assert.Equal(0, without.ReAlerts);
        Assert.True(withReAlert.ReAlerts > 0);
        Assert.Equal(withReAlert.TotalAlerts, without.TotalAlerts);
    }

    [Fact]
    public void Table_HasOneRowPerPolicy()
    {
        var table = AlertBurdenReport.Table(Tallies.Value, 3);

        foreach (var policy in Program.Policies())
        {
            Assert.Contains($"| {policy.Name} |", table, StringComparison.Ordinal);
        }
    }
}

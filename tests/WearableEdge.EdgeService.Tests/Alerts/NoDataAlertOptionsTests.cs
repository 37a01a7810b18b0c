using Microsoft.Extensions.Options;
using WearableEdge.Clinical.Alerts;
using WearableEdge.EdgeService.Alerts;

namespace WearableEdge.EdgeService.Tests.Alerts;

/// <summary><c>Alerts:Rules:no-data</c> and <c>Alerts:Patients:{id}:no-data</c>: binding and validation.</summary>
public sealed class NoDataAlertOptionsTests
{
    private static ValidateOptionsResult Validate(string rule, AlertRuleOptions o) =>
        new AlertOptionsValidator().Validate(null, new AlertOptions { Rules = new(StringComparer.OrdinalIgnoreCase) { [rule] = o } });

    [Fact]
    public void RulesFor_Defaults_TwoMinutesOn()
    {
        var rules = new AlertOptions().RulesFor("p-1");

        Assert.Equal((TimeSpan.FromMinutes(2), true, TimeSpan.FromMinutes(10)), (rules.NoDataSilence, rules.NoDataEnabled, rules.NoData.ReAlertAfter));
    }

    [Fact]
    public void RulesFor_RuleAndPatientOverrides_Applied()
    {
        var options = new AlertOptions
        {
            Rules = new(StringComparer.OrdinalIgnoreCase) { ["no-data"] = new AlertRuleOptions { Silence = TimeSpan.FromMinutes(5), ReAlertAfter = TimeSpan.Zero } },
            Patients = new(StringComparer.Ordinal) { ["bed-3"] = new(StringComparer.OrdinalIgnoreCase) { ["no-data"] = new AlertRuleOptions { Enabled = false } } },
        };

        Assert.True(new AlertOptionsValidator().Validate(null, options).Succeeded);
        Assert.Equal((TimeSpan.FromMinutes(5), true, (TimeSpan?)null), (options.RulesFor("p-1").NoDataSilence, options.RulesFor("p-1").NoDataEnabled, options.RulesFor("p-1").NoData.ReAlertAfter));
        Assert.False(options.RulesFor("bed-3").NoDataEnabled);
    }

    [Fact]
    public void Validate_NonPositiveSilence_NamesTheKey() =>
        Assert.Contains("Alerts:Rules:no-data:Silence", Validate(NoDataAlertRule.AlertType, new AlertRuleOptions { Silence = TimeSpan.Zero }).FailureMessage, StringComparison.Ordinal);

    [Fact]
    public void Validate_SilenceOnAnotherRule_NamesTheKey() =>
        Assert.Contains("Alerts:Rules:battery-low:Silence", Validate(DeviceAlertRule.BatteryLowType, new AlertRuleOptions { Silence = TimeSpan.FromMinutes(1) }).FailureMessage, StringComparison.Ordinal);

    [Fact]
    public void Validate_TurningOffDeviceOff_StillRefused() =>
        Assert.Contains("Alerts:Rules:device-off:Enabled", Validate(DeviceAlertRule.DeviceOffType, new AlertRuleOptions { Enabled = false }).FailureMessage, StringComparison.Ordinal);
}

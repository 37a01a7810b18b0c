using Microsoft.Extensions.Options;
using WearableEdge.Clinical.Alerts;

namespace WearableEdge.EdgeService.Alerts;

/// <summary>
/// Alert policy of one rule, every value optional (unset keeps the default). Bound from
/// <c>Alerts:Rules:{rule}</c> and, for one patient, <c>Alerts:Patients:{patientId}:{rule}</c>, where
/// {rule} is an alert type: <c>news2</c>, <c>desaturation</c>, <c>device-off</c>, <c>battery-low</c>, <c>no-data</c>.
/// </summary>
public sealed class AlertRuleOptions
{
    /// <summary>False turns the rule off (only <c>desaturation</c> and <c>no-data</c> can be turned off).</summary>
    public bool? Enabled { get; set; }

    /// <summary>How long the condition must persist before it raises or escalates (the IEC 60601-1-8 alarm condition delay).</summary>
    public TimeSpan? ConditionDelay { get; set; }

    /// <summary>How long the condition must be clear before the alert resolves itself.</summary>
    public TimeSpan? ClearDelay { get; set; }

    /// <summary>Re-alert an unacknowledged active alert after this long; <c>00:00:00</c> turns re-alerting off.</summary>
    public TimeSpan? ReAlertAfter { get; set; }

    /// <summary><c>desaturation</c>: medium below this SpO2 (%); <c>battery-low</c>: alert below this charge (%).</summary>
    public double? RaiseBelow { get; set; }

    /// <summary><c>desaturation</c>: high below this SpO2 (%).</summary>
    public double? HighBelow { get; set; }

    /// <summary><c>desaturation</c>, <c>battery-low</c>: the condition clears at or above this (%), the hysteresis.</summary>
    public double? ClearAtOrAbove { get; set; }

    /// <summary><c>news2</c>: a total at or below this clears; between it and the alerting bands the alert holds.</summary>
    public int? ClearAtOrBelowTotal { get; set; }

    /// <summary>
    /// <c>no-data</c>: how long without any message from the patient's wearable (vitals, motion or
    /// status; gateway time) raises the alert. Positive. Default 2 min (<see cref="NoDataAlertRule.DefaultSilence"/>).
    /// </summary>
    public TimeSpan? Silence { get; set; }
}

/// <summary>NEWS2 scoring and alert timing. Section <c>Alerts</c>.</summary>
public sealed class AlertOptions
{
    public const string SectionName = "Alerts";

    /// <summary>Alert types whose policy <see cref="Rules"/> and <see cref="Patients"/> may set.</summary>
    public static readonly IReadOnlyList<string> RuleNames =
        [News2AlertRule.AlertType, SpO2AlertRule.AlertType, DeviceAlertRule.DeviceOffType, DeviceAlertRule.BatteryLowType, NoDataAlertRule.AlertType];

    /// <summary>Alert types that <see cref="AlertRuleOptions.Enabled"/> may turn off.</summary>
    public static readonly IReadOnlyList<string> OptionalRuleNames = [SpO2AlertRule.AlertType, NoDataAlertRule.AlertType];

    /// <summary>
    /// How long a NEWS2 alert condition must persist (device time) before it raises an alert.
    /// Default 15 s: the delay that cut low-SpO2 alarms by 60 % (FACTS.md, "Alarms").
    /// <c>Alerts:Rules:news2:ConditionDelay</c> overrides it.
    /// </summary>
    public TimeSpan ConditionDelay { get; set; } = AlertTiming.Default.ConditionDelay;

    /// <summary>How long the NEWS2 condition must be clear before the alert resolves itself. Default 60 s.</summary>
    public TimeSpan ClearDelay { get; set; } = AlertTiming.Default.ClearDelay;

    /// <summary>
    /// Least fraction (0–1) of a window's samples a vital sign needs to be scored. Default 0.5:
    /// half a minute of 1 Hz data, so the edge of a gap does not stand for the whole window.
    /// </summary>
    public double MinimumCoverage { get; set; } = 0.5;

    /// <summary>
    /// An alert whose device time is older than this, by the gateway clock, is marked late:
    /// it concerns backfilled data, not a live emergency. Default 2 min.
    /// </summary>
    public TimeSpan LateAfter { get; set; } = TimeSpan.FromMinutes(2);

    /// <summary>Capacity of the queue of scored windows waiting for alert evaluation. Default 1,000.</summary>
    public int QueueCapacity { get; set; } = 1_000;

    /// <summary>
    /// How often device statuses and the time since each wearable's last message (no-data) are
    /// evaluated, and silences checked for expiry (gateway time). Default 5 s.
    /// </summary>
    public TimeSpan TickInterval { get; set; } = TimeSpan.FromSeconds(5);

    /// <summary>Per-rule policy, keyed by alert type (<see cref="RuleNames"/>).</summary>
    public Dictionary<string, AlertRuleOptions> Rules { get; set; } = new(StringComparer.OrdinalIgnoreCase);

    /// <summary>Per-patient policy set by a clinician, keyed by patient id, then by alert type; it overrides <see cref="Rules"/>.</summary>
    public Dictionary<string, Dictionary<string, AlertRuleOptions>> Patients { get; set; } = new(StringComparer.Ordinal);

    public AlertTiming ToTiming() => new(ConditionDelay, ClearDelay);

    /// <summary>The policy of every rule for <paramref name="patientId"/>: defaults, then <see cref="Rules"/>, then <see cref="Patients"/>.</summary>
    public AlertRuleSet RulesFor(string? patientId)
    {
        var rules = AlertRuleSet.Default with { News2 = AlertRuleSet.Default.News2.WithDelays(ConditionDelay, ClearDelay) };
        rules = Apply(rules, Rules);
        if (patientId is not null && Patients.TryGetValue(patientId, out var own))
        {
            rules = Apply(rules, own);
        }

        return rules;
    }

    private static AlertRuleSet Apply(AlertRuleSet rules, Dictionary<string, AlertRuleOptions> overrides)
    {
        foreach (var (name, o) in overrides)
        {
            rules = name.ToLowerInvariant() switch
            {
                News2AlertRule.AlertType => rules with
                {
                    News2 = Timing(rules.News2, o),
                    News2ClearAtOrBelowTotal = o.ClearAtOrBelowTotal ?? rules.News2ClearAtOrBelowTotal,
                },
                SpO2AlertRule.AlertType => rules with
                {
                    SpO2 = Timing(rules.SpO2, o),
                    SpO2Enabled = o.Enabled ?? rules.SpO2Enabled,
                    SpO2Thresholds = new SpO2Thresholds(
                        o.RaiseBelow ?? rules.SpO2Thresholds.MediumBelow,
                        o.HighBelow ?? rules.SpO2Thresholds.HighBelow,
                        o.ClearAtOrAbove ?? rules.SpO2Thresholds.ClearAtOrAbove),
                },
                DeviceAlertRule.DeviceOffType => rules with { DeviceOff = Timing(rules.DeviceOff, o) },
                DeviceAlertRule.BatteryLowType => rules with
                {
                    BatteryLow = Timing(rules.BatteryLow, o),
                    BatteryLowBelow = o.RaiseBelow ?? rules.BatteryLowBelow,
                    BatteryClearAtOrAbove = o.ClearAtOrAbove ?? rules.BatteryClearAtOrAbove,
                },
                NoDataAlertRule.AlertType => rules with
                {
                    NoData = Timing(rules.NoData, o),
                    NoDataSilence = o.Silence ?? rules.NoDataSilence,
                    NoDataEnabled = o.Enabled ?? rules.NoDataEnabled,
                },
                _ => throw new ArgumentException($"Alerts: '{name}' is not an alert rule ({string.Join(", ", RuleNames)})."),
            };
        }

        return rules;
    }

    private static AlertTiming Timing(AlertTiming timing, AlertRuleOptions o) =>
        timing.WithDelays(o.ConditionDelay ?? timing.ConditionDelay, o.ClearDelay ?? timing.ClearDelay) with
        {
            ReAlertAfter = o.ReAlertAfter is { } r ? (r == TimeSpan.Zero ? null : r) : timing.ReAlertAfter,
        };
}

internal sealed class AlertOptionsValidator : IValidateOptions<AlertOptions>
{
    public ValidateOptionsResult Validate(string? name, AlertOptions options)
    {
        var errors = new ValidateOptionsResultBuilder();
        if (options.ConditionDelay < TimeSpan.Zero)
        {
            errors.AddError("Alerts:ConditionDelay must not be negative.");
        }

        if (options.ClearDelay < TimeSpan.Zero)
        {
            errors.AddError("Alerts:ClearDelay must not be negative.");
        }

        if (options.MinimumCoverage is < 0 or > 1 || double.IsNaN(options.MinimumCoverage))
        {
            errors.AddError($"Alerts:MinimumCoverage: {options.MinimumCoverage} is not a fraction between 0 and 1.");
        }

        if (options.LateAfter <= TimeSpan.Zero)
        {
            errors.AddError("Alerts:LateAfter must be positive.");
        }

        if (options.QueueCapacity < 1)
        {
            errors.AddError("Alerts:QueueCapacity must be at least 1.");
        }

        if (options.TickInterval <= TimeSpan.Zero)
        {
            errors.AddError("Alerts:TickInterval must be positive.");
        }

        Check(errors, "Alerts:Rules", options.Rules);
        foreach (var (patient, rules) in options.Patients)
        {
            Check(errors, $"Alerts:Patients:{patient}", rules);
        }

        if (errors.Build().Succeeded)
        {
            foreach (var patient in options.Patients.Keys.Append(null))
            {
                try
                {
                    options.RulesFor(patient);
                }
                catch (ArgumentException e)
                {
                    errors.AddError($"{(patient is null ? "Alerts:Rules" : $"Alerts:Patients:{patient}")}: {e.Message}");
                }
            }
        }

        return errors.Build();
    }

    private static void Check(ValidateOptionsResultBuilder errors, string section, Dictionary<string, AlertRuleOptions> rules)
    {
        foreach (var (rule, o) in rules)
        {
            var key = $"{section}:{rule}";
            if (!AlertOptions.RuleNames.Contains(rule, StringComparer.OrdinalIgnoreCase))
            {
                errors.AddError($"{key}: unknown rule; rules are {string.Join(", ", AlertOptions.RuleNames)}.");
            }

            if (o.ConditionDelay < TimeSpan.Zero || o.ClearDelay < TimeSpan.Zero || o.ReAlertAfter < TimeSpan.Zero)
            {
                errors.AddError($"{key}: ConditionDelay, ClearDelay and ReAlertAfter must not be negative.");
            }

            if (o.Enabled == false && !AlertOptions.OptionalRuleNames.Contains(rule, StringComparer.OrdinalIgnoreCase))
            {
                errors.AddError($"{key}:Enabled: only the {string.Join(" and ", AlertOptions.OptionalRuleNames)} rules can be turned off.");
            }

            if (o.Silence <= TimeSpan.Zero)
            {
                errors.AddError($"{key}:Silence must be positive.");
            }

            if (o.Silence is not null && !string.Equals(rule, NoDataAlertRule.AlertType, StringComparison.OrdinalIgnoreCase))
            {
                errors.AddError($"{key}:Silence: only the {NoDataAlertRule.AlertType} rule has a silence.");
            }
        }
    }
}

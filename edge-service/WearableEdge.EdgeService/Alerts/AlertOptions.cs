using Microsoft.Extensions.Options;
using WearableEdge.Clinical.Alerts;

namespace WearableEdge.EdgeService.Alerts;

/// <summary>NEWS2 scoring and alert timing. Section <c>Alerts</c>.</summary>
public sealed class AlertOptions
{
    public const string SectionName = "Alerts";

    /// <summary>
    /// How long a NEWS2 alert condition must persist (device time) before it raises an alert.
    /// Default 15 s: the delay that cut low-SpO2 alarms by 60 % (FACTS.md, "Alarms").
    /// </summary>
    public TimeSpan ConditionDelay { get; set; } = AlertTiming.Default.ConditionDelay;

    /// <summary>How long the condition must be absent before the alert resolves itself. Default 60 s.</summary>
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

    public AlertTiming ToTiming() => new(ConditionDelay, ClearDelay);
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

        return errors.Build();
    }
}

using Microsoft.Extensions.Options;

namespace WearableEdge.EdgeService.Demo;

/// <summary>The in-process simulated ward that <c>--demo</c> starts. Section <c>Demo</c>.</summary>
public sealed class DemoOptions
{
    public const string SectionName = "Demo";

    /// <summary>Set by <c>--demo</c>.</summary>
    public bool Enabled { get; set; }

    /// <summary>Number of simulated patients. Default 8.</summary>
    public int Patients { get; set; } = 8;

    /// <summary>Seed of the simulated ward. Default 42.</summary>
    public int Seed { get; set; } = 42;

    /// <summary>How much faster than real time the ward plays. Default 1 (real time).</summary>
    public double Speed { get; set; } = 1;
}

internal sealed class DemoOptionsValidator : IValidateOptions<DemoOptions>
{
    public ValidateOptionsResult Validate(string? name, DemoOptions options)
    {
        var errors = new ValidateOptionsResultBuilder();
        if (options.Patients is < 1 or > 500)
        {
            errors.AddError("Demo:Patients must be between 1 and 500.");
        }

        if (options.Speed is <= 0 or > 1000 || double.IsNaN(options.Speed))
        {
            errors.AddError("Demo:Speed must be above 0 and at most 1000.");
        }

        return errors.Build();
    }
}

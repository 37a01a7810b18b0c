using Microsoft.Extensions.Options;
using WearableEdge.Clinical.Features;

namespace WearableEdge.EdgeService.Features;

/// <summary>Event-time windows over each patient's vital signs. Section <c>Features</c>.</summary>
public sealed class FeatureOptions
{
    public const string SectionName = "Features";

    /// <summary>Length of each window. Default 60 s.</summary>
    public TimeSpan WindowLength { get; set; } = WindowSpec.Default.Length;

    /// <summary>Time between window ends. Default 5 s.</summary>
    public TimeSpan Hop { get; set; } = WindowSpec.Default.Hop;

    /// <summary>How late (device time) a sample may arrive and still be windowed. Default 5 s.</summary>
    public TimeSpan AllowedLateness { get; set; } = WindowSpec.Default.AllowedLateness;

    /// <summary>Nominal interval of vital-sign samples. Default 1 s (1 Hz).</summary>
    public TimeSpan SampleInterval { get; set; } = WindowSpec.Default.SampleInterval;

    /// <summary>Capacity of the queue of closed windows waiting for scoring. Default 1,000.</summary>
    public int QueueCapacity { get; set; } = 1_000;

    /// <summary>
    /// How long the feature stage gathers samples after the first before it takes them as one
    /// batch (unless many already wait): one wake-up per batch instead of one per sample. It adds
    /// at most this to an alert's latency. Default 10 ms; range 0 (take each at once) to 100 ms.
    /// </summary>
    public TimeSpan InputBatchDelay { get; set; } = TimeSpan.FromMilliseconds(10);

    public WindowSpec ToWindowSpec() => new(WindowLength, Hop, AllowedLateness, SampleInterval);
}

internal sealed class FeatureOptionsValidator : IValidateOptions<FeatureOptions>
{
    public ValidateOptionsResult Validate(string? name, FeatureOptions options)
    {
        var errors = new ValidateOptionsResultBuilder();
        if (options.Hop <= TimeSpan.Zero)
        {
            errors.AddError("Features:Hop must be positive.");
        }

        if (options.WindowLength < options.Hop)
        {
            errors.AddError("Features:WindowLength must be at least Features:Hop.");
        }

        if (options.AllowedLateness < TimeSpan.Zero)
        {
            errors.AddError("Features:AllowedLateness must not be negative.");
        }

        if (options.SampleInterval <= TimeSpan.Zero || options.SampleInterval > options.WindowLength)
        {
            errors.AddError("Features:SampleInterval must be positive and not longer than Features:WindowLength.");
        }

        if (options.QueueCapacity < 1)
        {
            errors.AddError("Features:QueueCapacity must be at least 1.");
        }

        if (options.InputBatchDelay < TimeSpan.Zero || options.InputBatchDelay > TimeSpan.FromMilliseconds(100))
        {
            errors.AddError("Features:InputBatchDelay must be between 00:00:00 and 00:00:00.1.");
        }

        return errors.Build();
    }
}

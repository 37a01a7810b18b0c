using Microsoft.Extensions.Options;

namespace WearableEdge.EdgeService.Scoring.Models;

/// <summary>Trained ONNX models and how their scores become alerts. Section <c>Models</c>.</summary>
public sealed class ModelOptions
{
    public const string SectionName = "Models";

    /// <summary>
    /// Folder holding <c>&lt;model-id&gt;/&lt;version&gt;/{model.onnx, model.json, MODEL_CARD.md}</c>.
    /// Default: the <c>models</c> folder beside the service binary (the build copies the shipped
    /// models there). A folder that does not exist means no models: the service scores with the rules only.
    /// </summary>
    public string? Path { get; set; }

    /// <summary>Watch the folder and load a new version when one appears. Default true.</summary>
    public bool WatchFolder { get; set; } = true;

    /// <summary>Quiet time after the last file change before a reload, so a folder being copied is read once, whole. Default 2 s.</summary>
    public TimeSpan ReloadDebounce { get; set; } = TimeSpan.FromSeconds(2);

    /// <summary>Most rows in one ONNX Runtime call; larger batches are split. Default 64; range 1–4,096.</summary>
    public int MaxBatchRows { get; set; } = 64;

    /// <summary>
    /// One-minute means a vital sign needs within an hour for the hour to hold a value of it.
    /// Default 10 (10 minutes of the sign in the hour); range 1–60.
    /// </summary>
    public int MinimumMinutesPerHour { get; set; } = 10;

    /// <summary>
    /// How long the hourly deterioration probability must stay below the lowest threshold before
    /// a deterioration alert resolves itself. Default 2 h: two consecutive hourly scores below.
    /// </summary>
    public TimeSpan DeteriorationClearDelay { get; set; } = TimeSpan.FromHours(2);

    /// <summary>
    /// After a fall alert, further fall windows of the same patient within this device time raise
    /// nothing: one fall shows in up to eight overlapping 4 s windows (0.5 s hop) and the patient
    /// may lie still for a while after it. Default 60 s.
    /// </summary>
    public TimeSpan FallRefractoryPeriod { get; set; } = TimeSpan.FromSeconds(60);

    /// <summary>Capacity of the queue of minute summaries and motion batches waiting for model scoring. Default 10,000.</summary>
    public int QueueCapacity { get; set; } = 10_000;

    /// <summary>
    /// How long model scoring gathers inputs after the first before it scores what became due, so
    /// that the fall windows of many patients go to ONNX Runtime in one batched call instead of one
    /// call each. It adds at most this to a fall alert's latency. Default 100 ms; range 0 to 1 s.
    /// </summary>
    public TimeSpan InputBatchDelay { get; set; } = TimeSpan.FromMilliseconds(100);

    /// <summary>The folder models are loaded from: <see cref="Path"/>, or <c>models</c> beside the binary.</summary>
    public string ResolvedPath => string.IsNullOrWhiteSpace(Path)
        ? System.IO.Path.Combine(AppContext.BaseDirectory, "models")
        : System.IO.Path.GetFullPath(Path);
}

internal sealed class ModelOptionsValidator : IValidateOptions<ModelOptions>
{
    public ValidateOptionsResult Validate(string? name, ModelOptions options)
    {
        var errors = new ValidateOptionsResultBuilder();
        if (options.ReloadDebounce < TimeSpan.Zero)
        {
            errors.AddError("Models:ReloadDebounce must not be negative.");
        }

        if (options.MaxBatchRows is < 1 or > 4_096)
        {
            errors.AddError($"Models:MaxBatchRows: {options.MaxBatchRows} is not between 1 and 4096.");
        }

        if (options.MinimumMinutesPerHour is < 1 or > 60)
        {
            errors.AddError($"Models:MinimumMinutesPerHour: {options.MinimumMinutesPerHour} is not between 1 and 60.");
        }

        if (options.DeteriorationClearDelay < TimeSpan.Zero)
        {
            errors.AddError("Models:DeteriorationClearDelay must not be negative.");
        }

        if (options.InputBatchDelay < TimeSpan.Zero || options.InputBatchDelay > TimeSpan.FromSeconds(1))
        {
            errors.AddError("Models:InputBatchDelay must be between 00:00:00 and 00:00:01.");
        }

        if (options.FallRefractoryPeriod < TimeSpan.Zero)
        {
            errors.AddError("Models:FallRefractoryPeriod must not be negative.");
        }

        if (options.QueueCapacity < 1)
        {
            errors.AddError("Models:QueueCapacity must be at least 1.");
        }

        return errors.Build();
    }
}

using Microsoft.ML.OnnxRuntime;
using WearableEdge.Clinical.Alerts;
using WearableEdge.Clinical.Features;
using WearableEdge.Contracts;

namespace WearableEdge.EdgeService.Scoring.Models;

/// <summary>A calibrated probability with its interval, all in [0, 1].</summary>
public readonly record struct ModelProbability(double Probability, double Lower, double Upper);

/// <summary>
/// One validated model, ready to score: its manifest, the Clinical feature list it was checked
/// against, and one ONNX Runtime session with preallocated input and output buffers. Immutable
/// apart from those buffers, which a lock guards: one batch runs at a time per model, and
/// <see cref="Dispose"/> waits for a running batch, so a model swapped out is never used after
/// it is disposed (a call after that throws <see cref="ObjectDisposedException"/>).
/// </summary>
public sealed class LoadedModel : IDisposable
{
    private readonly Lock _gate = new();
    private readonly InferenceSession _session;
    private readonly float[] _input;
    private readonly float[][] _outputs;
    private readonly bool _outputIsColumn;
    private readonly OrtValue[]?[] _inputValues;
    private readonly OrtValue[]?[] _outputValues;
    private readonly OrtIoBinding?[] _bindings;
    private readonly string[] _inputNames;
    private readonly string[] _outputNames;
    private readonly RunOptions _runOptions = new();
    private bool _disposed;

    internal LoadedModel(
        ModelManifest manifest,
        string directory,
        IReadOnlyList<ModelFeature> features,
        FeatureSetKind kind,
        InferenceSession session,
        bool outputIsColumn,
        int maxBatchRows,
        DateTimeOffset loadedAt,
        TimeSpan loadDuration)
    {
        Manifest = manifest;
        Directory = directory;
        Features = features;
        Kind = kind;
        LoadedAt = loadedAt;
        LoadDuration = loadDuration;
        MaxBatchRows = maxBatchRows;
        Thresholds = [.. manifest.Thresholds.Select(t => (AlertPriorityNames.ParseWire(t.Priority), t.Probability)).OrderByDescending(t => t.Item1)];
        References = [.. manifest.Inputs.Features.Select(f => (float)f.Reference)];
        _session = session;
        _outputIsColumn = outputIsColumn;
        _input = new float[maxBatchRows * features.Count];
        _outputs = [.. manifest.Outputs.ScoreTensorNames.Select(_ => new float[maxBatchRows])];
        _inputValues = new OrtValue[]?[maxBatchRows + 1];
        _outputValues = new OrtValue[]?[maxBatchRows + 1];
        _bindings = new OrtIoBinding?[maxBatchRows + 1];
        _inputNames = [manifest.Inputs.TensorName];
        _outputNames = [.. manifest.Outputs.ScoreTensorNames];
    }

    public ModelManifest Manifest { get; }

    /// <summary>The version folder the model was loaded from.</summary>
    public string Directory { get; }

    /// <summary>The Clinical feature definitions, in input order (equal by name to the manifest's).</summary>
    public IReadOnlyList<ModelFeature> Features { get; }

    public FeatureSetKind Kind { get; }

    /// <summary>Gateway time the model was loaded.</summary>
    public DateTimeOffset LoadedAt { get; }

    /// <summary>Time taken to hash, validate and open the model.</summary>
    public TimeSpan LoadDuration { get; }

    /// <summary>Most rows in one ONNX Runtime call.</summary>
    public int MaxBatchRows { get; }

    /// <summary>The operating thresholds by priority, highest priority first.</summary>
    public IReadOnlyList<(AlertPriority Priority, double Probability)> Thresholds { get; }

    /// <summary>Each feature's training median, in input order: the value an explanation compares with.</summary>
    public IReadOnlyList<float> References { get; }

    public string Id => Manifest.Id;

    public string Version => Manifest.Version;

    /// <summary>The highest priority whose threshold <paramref name="probability"/> reaches, or null below all thresholds.</summary>
    public AlertPriority? PriorityOf(double probability)
    {
        foreach (var (priority, threshold) in Thresholds)
        {
            if (probability >= threshold)
            {
                return priority;
            }
        }

        return null;
    }

    /// <summary>
    /// Scores <paramref name="results"/>.Length rows held one after another in <paramref name="rows"/>
    /// (row-major, <see cref="Features"/>.Count values each), in calls of at most
    /// <see cref="MaxBatchRows"/> rows. Probability: mean over ensemble members of the Platt-calibrated
    /// member probability; interval: their minimum and maximum (manifest <c>uncertainty</c>).
    /// </summary>
    public void Score(ReadOnlySpan<float> rows, Span<ModelProbability> results)
    {
        var width = Features.Count;
        if (rows.Length != results.Length * width)
        {
            throw new ArgumentException($"{rows.Length} values are not {results.Length} rows of {width} features.", nameof(rows));
        }

        lock (_gate)
        {
            ObjectDisposedException.ThrowIf(_disposed, this);
            for (var start = 0; start < results.Length; start += MaxBatchRows)
            {
                var count = Math.Min(MaxBatchRows, results.Length - start);
                rows.Slice(start * width, count * width).CopyTo(_input);
                _session.RunWithBinding(_runOptions, Binding(count));
                Calibrate(results.Slice(start, count));
            }
        }
    }

    /// <summary>Member probabilities of the last batch → mean and min–max, per row.</summary>
    private void Calibrate(Span<ModelProbability> results)
    {
        var calibration = Manifest.Calibration;
        for (var row = 0; row < results.Length; row++)
        {
            double sum = 0, min = 1, max = 0;
            foreach (var member in _outputs)
            {
                var p = 1.0 / (1.0 + Math.Exp(-((calibration.A * member[row]) + calibration.B)));
                sum += p;
                min = Math.Min(min, p);
                max = Math.Max(max, p);
            }

            results[row] = new ModelProbability(sum / _outputs.Length, min, max);
        }
    }

    /// <summary>The input tensor over the first <paramref name="count"/> rows of the preallocated buffer; made once per batch size.</summary>
    private OrtValue[] InputValues(int count) =>
        _inputValues[count] ??= [OrtValue.CreateTensorValueFromMemory(
            OrtMemoryInfo.DefaultInstance, _input.AsMemory(0, count * Features.Count), [count, Features.Count])];

    /// <summary>Inputs and outputs bound once per batch size, so a call allocates nothing on the managed side.</summary>
    private OrtIoBinding Binding(int count)
    {
        if (_bindings[count] is { } existing)
        {
            return existing;
        }

        var binding = _session.CreateIoBinding();
        binding.BindInput(_inputNames[0], InputValues(count)[0]);
        var outputs = OutputValues(count);
        for (var i = 0; i < outputs.Length; i++)
        {
            binding.BindOutput(_outputNames[i], outputs[i]);
        }

        return _bindings[count] = binding;
    }

    private OrtValue[] OutputValues(int count) =>
        _outputValues[count] ??= [.. _outputs.Select(buffer => OrtValue.CreateTensorValueFromMemory(
            OrtMemoryInfo.DefaultInstance, buffer.AsMemory(0, count), _outputIsColumn ? [count, 1] : [(long)count]))];

    public void Dispose()
    {
        lock (_gate)
        {
            if (_disposed)
            {
                return;
            }

            _disposed = true;
            foreach (var binding in _bindings)
            {
                binding?.Dispose();
            }

            foreach (var values in _inputValues.Concat(_outputValues))
            {
                foreach (var value in values ?? [])
                {
                    value.Dispose();
                }
            }

            _runOptions.Dispose();
            _session.Dispose();
        }
    }
}

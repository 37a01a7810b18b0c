using System.Diagnostics;
using System.Globalization;
using System.Security.Cryptography;
using System.Text.Json;
using Microsoft.ML.OnnxRuntime;
using WearableEdge.Contracts;

namespace WearableEdge.EdgeService.Scoring.Models;

/// <summary>
/// Opens one model version folder and checks it before anything is served from it: the three
/// files are there, <c>model.onnx</c> hashes to the manifest's SHA-256, the feature set is one the
/// Clinical code computes and the manifest lists its features by the same names in the same order,
/// and the ONNX graph has the input and output tensors the manifest names, with the right shapes.
/// Every failure is a <see cref="ModelValidationException"/> whose message names the model, its
/// version, and the first thing that differs.
/// </summary>
public static class ModelLoader
{
    public const string OnnxFile = "model.onnx";
    public const string ManifestFile = "model.json";
    public const string ModelCardFile = "MODEL_CARD.md";

    /// <summary>Reads the manifest of a version folder, without opening the model.</summary>
    public static ModelManifest ReadManifest(string versionDirectory)
    {
        ArgumentNullException.ThrowIfNull(versionDirectory);
        var name = FolderName(versionDirectory);
        var path = Path.Combine(versionDirectory, ManifestFile);
        if (!File.Exists(path))
        {
            throw new ModelValidationException($"Model {name}: {ManifestFile} is missing in {versionDirectory}.");
        }

        try
        {
            using var stream = File.OpenRead(path);
            return JsonSerializer.Deserialize(stream, ModelManifestJsonContext.Default.ModelManifest)
                ?? throw new ModelValidationException($"Model {name}: {ManifestFile} is empty.");
        }
        catch (JsonException e)
        {
            throw new ModelValidationException($"Model {name}: {ManifestFile} is not a valid manifest: {e.Message}", e);
        }
    }

    /// <summary>Validates and opens the model in <paramref name="versionDirectory"/>.</summary>
    /// <param name="versionDirectory">A folder <c>&lt;model-id&gt;/&lt;version&gt;</c>.</param>
    /// <param name="maxBatchRows">Most rows in one ONNX Runtime call; the input buffer is preallocated for it.</param>
    /// <param name="timeProvider">Stamps <see cref="LoadedModel.LoadedAt"/>.</param>
    public static LoadedModel Load(string versionDirectory, int maxBatchRows, TimeProvider timeProvider)
    {
        ArgumentNullException.ThrowIfNull(timeProvider);
        ArgumentOutOfRangeException.ThrowIfLessThan(maxBatchRows, 1);
        var started = Stopwatch.GetTimestamp();
        var manifest = ReadManifest(versionDirectory);
        var name = $"{manifest.Id} {manifest.Version}";

        if (!string.Equals(FolderName(versionDirectory), $"{manifest.Id} {manifest.Version}", StringComparison.Ordinal))
        {
            throw new ModelValidationException(
                $"Model {name}: model.json names {manifest.Id}/{manifest.Version} but lies in {FolderName(versionDirectory).Replace(' ', '/')}.");
        }

        foreach (var file in new[] { OnnxFile, ModelCardFile })
        {
            if (!File.Exists(Path.Combine(versionDirectory, file)))
            {
                throw new ModelValidationException($"Model {name}: {file} is missing in {versionDirectory}.");
            }
        }

        var onnxPath = Path.Combine(versionDirectory, OnnxFile);
        var bytes = File.ReadAllBytes(onnxPath);
        var sha256 = Convert.ToHexStringLower(SHA256.HashData(bytes));
        if (!string.Equals(sha256, manifest.OnnxSha256, StringComparison.OrdinalIgnoreCase))
        {
            throw new ModelValidationException(
                $"Model {name}: SHA-256 of {OnnxFile} is {sha256} but model.json says {manifest.OnnxSha256}; the file is not the one the manifest describes.");
        }

        if (!FeatureSets.TryGet(manifest.FeatureSet, out var features, out var kind))
        {
            throw new ModelValidationException(
                $"Model {name}: feature set '{manifest.FeatureSet}' is not computed by the Clinical code (known: {string.Join(", ", FeatureSets.Known)}).");
        }

        CheckFeatures(name, manifest.Inputs.Features.Select(f => f.Name).ToList(), features.Select(f => f.Name).ToList());
        CheckOutputsAndThresholds(name, manifest);

        var options = new Microsoft.ML.OnnxRuntime.SessionOptions { IntraOpNumThreads = 1, InterOpNumThreads = 1 };
        InferenceSession session;
        try
        {
            session = new InferenceSession(bytes, options);
        }
        catch (OnnxRuntimeException e)
        {
            throw new ModelValidationException($"Model {name}: ONNX Runtime cannot open {OnnxFile}: {e.Message}", e);
        }
        finally
        {
            options.Dispose();
        }

        try
        {
            var outputIsColumn = CheckGraph(name, manifest, features.Count, session);
            return new LoadedModel(
                manifest, versionDirectory, features, kind, session, outputIsColumn, maxBatchRows,
                timeProvider.GetUtcNow(), Stopwatch.GetElapsedTime(started));
        }
        catch
        {
            session.Dispose();
            throw;
        }
    }

    /// <summary>Names the first feature where the manifest and the Clinical code differ, by position (1-based).</summary>
    internal static void CheckFeatures(string name, IReadOnlyList<string> manifestNames, IReadOnlyList<string> codeNames)
    {
        for (var i = 0; i < Math.Max(manifestNames.Count, codeNames.Count); i++)
        {
            var inManifest = i < manifestNames.Count ? $"'{manifestNames[i]}'" : "absent";
            var inCode = i < codeNames.Count ? $"'{codeNames[i]}'" : "absent";
            if (inManifest != inCode)
            {
                throw new ModelValidationException(string.Create(
                    CultureInfo.InvariantCulture,
                    $"Model {name}: feature {i + 1} is {inManifest} in model.json but {inCode} in the Clinical code ({manifestNames.Count} vs {codeNames.Count} features)."));
            }
        }
    }

    private static void CheckOutputsAndThresholds(string name, ModelManifest manifest)
    {
        if (manifest.Outputs.ScoreTensorNames.Count == 0)
        {
            throw new ModelValidationException($"Model {name}: model.json names no score output.");
        }

        if (manifest.Uncertainty.Members != manifest.Outputs.ScoreTensorNames.Count)
        {
            throw new ModelValidationException(
                $"Model {name}: uncertainty.members is {manifest.Uncertainty.Members} but {manifest.Outputs.ScoreTensorNames.Count} score outputs are named.");
        }

        if (!string.Equals(manifest.Calibration.Method, "platt", StringComparison.Ordinal)
            || !double.IsFinite(manifest.Calibration.A) || !double.IsFinite(manifest.Calibration.B))
        {
            throw new ModelValidationException($"Model {name}: calibration '{manifest.Calibration.Method}' is not a finite Platt scaling.");
        }

        if (manifest.Thresholds.Count == 0)
        {
            throw new ModelValidationException($"Model {name}: model.json has no operating threshold.");
        }

        foreach (var threshold in manifest.Thresholds)
        {
            if (threshold.Priority is not ("high" or "medium" or "low") || threshold.Probability is not (> 0 and <= 1))
            {
                throw new ModelValidationException(
                    $"Model {name}: threshold '{threshold.Priority}' at {threshold.Probability} is not a priority high/medium/low with a probability in (0, 1].");
            }
        }
    }

    /// <summary>Checks the graph's tensors; returns true when the score outputs are [batch, 1] rather than [batch].</summary>
    private static bool CheckGraph(string name, ModelManifest manifest, int featureCount, InferenceSession session)
    {
        var inputName = manifest.Inputs.TensorName;
        if (!session.InputMetadata.TryGetValue(inputName, out var input))
        {
            throw new ModelValidationException(
                $"Model {name}: input tensor '{inputName}' is not in {OnnxFile} (it has: {string.Join(", ", session.InputMetadata.Keys)}).");
        }

        if (session.InputMetadata.Count != 1)
        {
            throw new ModelValidationException($"Model {name}: {OnnxFile} has {session.InputMetadata.Count} inputs; one float tensor [batch, features] is expected.");
        }

        if (input.ElementType != typeof(float) || input.Dimensions.Length != 2 || input.Dimensions[1] != featureCount)
        {
            throw new ModelValidationException(
                $"Model {name}: input '{inputName}' is {input.ElementType.Name}[{string.Join(", ", input.Dimensions)}]; float[batch, {featureCount}] is expected.");
        }

        bool? column = null;
        foreach (var outputName in manifest.Outputs.ScoreTensorNames)
        {
            if (!session.OutputMetadata.TryGetValue(outputName, out var output))
            {
                throw new ModelValidationException(
                    $"Model {name}: score output '{outputName}' is not in {OnnxFile} (it has: {string.Join(", ", session.OutputMetadata.Keys)}).");
            }

            var isColumn = output.Dimensions is [_, 1];
            if (output.ElementType != typeof(float) || !(isColumn || output.Dimensions.Length == 1))
            {
                throw new ModelValidationException(
                    $"Model {name}: score output '{outputName}' is {output.ElementType.Name}[{string.Join(", ", output.Dimensions)}]; float[batch] or float[batch, 1] is expected.");
            }

            if (column is { } c && c != isColumn)
            {
                throw new ModelValidationException($"Model {name}: the score outputs differ in shape.");
            }

            column = isColumn;
        }

        return column ?? false;
    }

    /// <summary>"model-id version" from a version folder's path, for messages before the manifest is read.</summary>
    private static string FolderName(string versionDirectory)
    {
        var full = Path.GetFullPath(versionDirectory).TrimEnd(Path.DirectorySeparatorChar);
        return $"{Path.GetFileName(Path.GetDirectoryName(full))} {Path.GetFileName(full)}";
    }
}

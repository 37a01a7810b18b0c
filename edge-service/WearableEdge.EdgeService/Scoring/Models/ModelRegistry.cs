using System.Collections.Immutable;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;

namespace WearableEdge.EdgeService.Scoring.Models;

/// <summary>A failed load or reload: which model folder, when, and why (no patient data).</summary>
public sealed record ModelLoadError(string ModelId, string Version, DateTimeOffset At, string Message);

/// <summary>What one reload did per model: loaded a new version, kept the one serving, or failed.</summary>
public sealed record ModelReloadOutcome(string ModelId, string Version, string Outcome, string? Error);

/// <summary>
/// The models being served: per model id, the highest version found under <c>Models:Path</c>.
/// Readers take <see cref="Current"/> without locking (an immutable map behind a volatile
/// reference). A reload validates each candidate fully before it is swapped in atomically; a
/// candidate that fails leaves the serving model in place, and the failure is kept for
/// <c>/api/models</c> and counted in <c>/metrics</c>. A swapped-out model is disposed after the
/// swap; a batch still running on it finishes first (see <see cref="LoadedModel"/>).
/// </summary>
public sealed class ModelRegistry : IDisposable
{
    private readonly ModelOptions _options;
    private readonly EdgeMetrics _metrics;
    private readonly TimeProvider _timeProvider;
    private readonly ILogger<ModelRegistry> _logger;
    private readonly SemaphoreSlim _reloadGate = new(1, 1);
    private volatile ImmutableSortedDictionary<string, LoadedModel> _models = ImmutableSortedDictionary<string, LoadedModel>.Empty.WithComparers(StringComparer.Ordinal);
    private volatile ModelLoadError? _lastError;

    public ModelRegistry(IOptions<ModelOptions> options, EdgeMetrics metrics, TimeProvider timeProvider, ILogger<ModelRegistry> logger)
    {
        ArgumentNullException.ThrowIfNull(options);
        _options = options.Value;
        _metrics = metrics;
        _timeProvider = timeProvider;
        _logger = logger;
    }

    /// <summary>The folder models are loaded from.</summary>
    public string Root => _options.ResolvedPath;

    /// <summary>The models serving now, by id.</summary>
    public IReadOnlyDictionary<string, LoadedModel> Models => _models;

    /// <summary>The last failed load or reload, if any since start-up.</summary>
    public ModelLoadError? LastError => _lastError;

    /// <summary>Reload attempts that failed since start-up.</summary>
    public long ReloadFailures => Interlocked.Read(ref _reloadFailures);

    private long _reloadFailures;
    private int _startupLoaded;

    /// <summary>The model serving under <paramref name="modelId"/>, or null.</summary>
    public LoadedModel? Current(string modelId) => _models.GetValueOrDefault(modelId);

    /// <summary>The models serving a feature set kind, in id order.</summary>
    public IEnumerable<LoadedModel> OfKind(FeatureSetKind kind) => _models.Values.Where(m => m.Kind == kind);

    /// <summary>
    /// Loads every model at start-up, once (later calls do nothing). A model that fails its checks
    /// stops start-up: a <see cref="ModelValidationException"/> names it and what differs.
    /// </summary>
    public void LoadAtStartup()
    {
        if (Interlocked.Exchange(ref _startupLoaded, 1) == 1)
        {
            return;
        }

        if (!Directory.Exists(Root))
        {
            Log.ModelFolderMissing(_logger, Root);
            return;
        }

        var loaded = _models;
        foreach (var (modelId, directory) in HighestVersions(Root))
        {
            var model = ModelLoader.Load(directory, _options.MaxBatchRows, _timeProvider);
            loaded = loaded.SetItem(modelId, model);
            Log.ModelLoaded(_logger, model.Id, model.Version, model.Manifest.OnnxSha256, model.LoadDuration.TotalMilliseconds);
        }

        _models = loaded;
        if (loaded.Count == 0)
        {
            Log.ModelFolderEmpty(_logger, Root);
        }
    }

    /// <summary>
    /// Looks for a new highest version of each model and swaps in each candidate that passes its
    /// checks. Never throws for a bad candidate: the old model keeps serving and the error is kept.
    /// </summary>
    public async Task<IReadOnlyList<ModelReloadOutcome>> ReloadAsync(CancellationToken cancellationToken = default)
    {
        await _reloadGate.WaitAsync(cancellationToken).ConfigureAwait(false);
        try
        {
            var outcomes = new List<ModelReloadOutcome>();
            if (!Directory.Exists(Root))
            {
                Log.ModelFolderMissing(_logger, Root);
                return outcomes;
            }

            foreach (var (modelId, directory) in HighestVersions(Root))
            {
                var version = Path.GetFileName(directory);
                var serving = Current(modelId);
                if (serving is not null && PathsEqual(serving.Directory, directory) && IsUnchanged(serving, directory))
                {
                    outcomes.Add(new ModelReloadOutcome(modelId, serving.Version, "unchanged", null));
                    continue;
                }

                LoadedModel candidate;
                try
                {
                    candidate = ModelLoader.Load(directory, _options.MaxBatchRows, _timeProvider);
                }
                catch (Exception e) when (e is ModelValidationException or IOException or UnauthorizedAccessException)
                {
                    Interlocked.Increment(ref _reloadFailures);
                    _metrics.ModelReloadFailed(modelId);
                    _lastError = new ModelLoadError(modelId, version, _timeProvider.GetUtcNow(), e.Message);
                    Log.ModelReloadFailed(_logger, modelId, version, serving?.Version ?? "none", e.Message);
                    outcomes.Add(new ModelReloadOutcome(modelId, version, "failed", e.Message));
                    continue;
                }

                // Atomic swap: a reader sees the old map or the new one, never a half-made model.
                _models = _models.SetItem(modelId, candidate);
                Log.ModelSwapped(_logger, modelId, serving?.Version ?? "none", candidate.Version, candidate.Manifest.OnnxSha256);
                serving?.Dispose();
                outcomes.Add(new ModelReloadOutcome(modelId, candidate.Version, "loaded", null));
            }

            return outcomes;
        }
        finally
        {
            _reloadGate.Release();
        }
    }

    /// <summary>Per model folder under <paramref name="root"/>, the version folder with the highest version (semantic version order).</summary>
    internal static IEnumerable<(string ModelId, string Directory)> HighestVersions(string root)
    {
        foreach (var modelDirectory in Directory.EnumerateDirectories(root).Order(StringComparer.Ordinal))
        {
            var best = Directory.EnumerateDirectories(modelDirectory)
                .Where(d => File.Exists(Path.Combine(d, ModelLoader.ManifestFile)) || File.Exists(Path.Combine(d, ModelLoader.OnnxFile)))
                .Select(d => (Directory: d, Key: VersionKey(Path.GetFileName(d))))
                .Where(v => v.Key is not null)
                .OrderByDescending(v => v.Key)
                .FirstOrDefault();
            if (best.Directory is not null)
            {
                yield return (Path.GetFileName(modelDirectory), best.Directory);
            }
        }
    }

    /// <summary>The numeric core of a semantic version (<c>1.2.3</c>, pre-release tags ignored), or null when the folder is not a version.</summary>
    internal static Version? VersionKey(string folder)
    {
        var core = folder.Split('-', '+')[0];
        return System.Version.TryParse(core.Count(c => c == '.') == 0 ? core + ".0" : core, out var version) ? version : null;
    }

    private static bool PathsEqual(string a, string b) =>
        string.Equals(Path.GetFullPath(a).TrimEnd(Path.DirectorySeparatorChar), Path.GetFullPath(b).TrimEnd(Path.DirectorySeparatorChar), StringComparison.Ordinal);

    /// <summary>Same folder: reload only if its manifest now names another file (the model was replaced in place).</summary>
    private static bool IsUnchanged(LoadedModel serving, string directory)
    {
        try
        {
            return string.Equals(ModelLoader.ReadManifest(directory).OnnxSha256, serving.Manifest.OnnxSha256, StringComparison.OrdinalIgnoreCase);
        }
        catch (ModelValidationException)
        {
            return false;
        }
    }

    public void Dispose()
    {
        foreach (var model in _models.Values)
        {
            model.Dispose();
        }

        _reloadGate.Dispose();
    }
}

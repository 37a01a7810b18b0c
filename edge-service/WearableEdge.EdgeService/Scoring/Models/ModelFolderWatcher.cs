using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;

namespace WearableEdge.EdgeService.Scoring.Models;

/// <summary>
/// Loads the models at start-up (a bad model stops start-up), then, when <c>Models:WatchFolder</c>
/// is on, watches the models folder and reloads once the folder has been quiet for
/// <c>Models:ReloadDebounce</c>, so a version folder being copied in is read once it is whole.
/// </summary>
public sealed class ModelFolderWatcher(
    ModelRegistry registry,
    IOptions<ModelOptions> options,
    TimeProvider timeProvider,
    ILogger<ModelFolderWatcher> logger) : BackgroundService
{
    /// <summary>Reloads tried again after a failed one (each after twice the debounce), unless the folder changes meanwhile.</summary>
    public const int RetriesAfterFailure = 3;

    private readonly SemaphoreSlim _changed = new(0);
    private long _lastChange;
    private FileSystemWatcher? _watcher;

    /// <summary>Loads the models, then starts watching before start-up goes on, so no change after start-up is missed.</summary>
    public override Task StartAsync(CancellationToken cancellationToken)
    {
        registry.LoadAtStartup();
        if (options.Value.WatchFolder && Directory.Exists(registry.Root))
        {
            try
            {
                _watcher = new FileSystemWatcher(registry.Root)
                {
                    IncludeSubdirectories = true,
                    NotifyFilter = NotifyFilters.DirectoryName | NotifyFilters.FileName | NotifyFilters.LastWrite | NotifyFilters.Size,
                };
                _watcher.Created += OnChange;
                _watcher.Changed += OnChange;
                _watcher.Renamed += OnChange;
                _watcher.Deleted += OnChange;
                _watcher.EnableRaisingEvents = true;
            }
            catch (IOException e)
            {
                // For example the per-user inotify limit: the models serve; only automatic reload is lost.
                _watcher?.Dispose();
                _watcher = null;
                Log.ModelFolderNotWatched(logger, registry.Root, e.Message);
            }
        }

        return base.StartAsync(cancellationToken);
    }

    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        if (_watcher is null)
        {
            return;
        }

        var debounce = options.Value.ReloadDebounce;
        while (!stoppingToken.IsCancellationRequested)
        {
            await _changed.WaitAsync(stoppingToken).ConfigureAwait(false);

            // Debounce: wait until no change arrived for the whole quiet time.
            while (true)
            {
                var since = timeProvider.GetElapsedTime(Interlocked.Read(ref _lastChange));
                if (since >= debounce)
                {
                    break;
                }

                await Task.Delay(debounce - since, timeProvider, stoppingToken).ConfigureAwait(false);
            }

            while (_changed.CurrentCount > 0)
            {
                await _changed.WaitAsync(stoppingToken).ConfigureAwait(false);
            }

            Log.ModelFolderChanged(logger);
            var outcomes = await registry.ReloadAsync(stoppingToken).ConfigureAwait(false);

            // A folder copied in may be read before its files are all there, and file events inside
            // a directory created a moment ago can be missed: try a failed candidate again, a few times.
            for (var retry = 0; retry < RetriesAfterFailure && outcomes.Any(o => o.Outcome == "failed"); retry++)
            {
                await Task.Delay(debounce + debounce, timeProvider, stoppingToken).ConfigureAwait(false);
                if (_changed.CurrentCount > 0)
                {
                    break;
                }

                outcomes = await registry.ReloadAsync(stoppingToken).ConfigureAwait(false);
            }
        }
    }

    private void OnChange(object sender, FileSystemEventArgs e)
    {
        Interlocked.Exchange(ref _lastChange, timeProvider.GetTimestamp());
        _changed.Release();
    }

    public override void Dispose()
    {
        _watcher?.Dispose();
        _changed.Dispose();
        base.Dispose();
    }
}

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
    private readonly SemaphoreSlim _changed = new(0);
    private long _lastChange;

    public override Task StartAsync(CancellationToken cancellationToken)
    {
        registry.LoadAtStartup();
        return base.StartAsync(cancellationToken);
    }

    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        if (!options.Value.WatchFolder || !Directory.Exists(registry.Root))
        {
            return;
        }

        using var watcher = new FileSystemWatcher(registry.Root)
        {
            IncludeSubdirectories = true,
            NotifyFilter = NotifyFilters.DirectoryName | NotifyFilters.FileName | NotifyFilters.LastWrite | NotifyFilters.Size,
        };
        watcher.Created += OnChange;
        watcher.Changed += OnChange;
        watcher.Renamed += OnChange;
        watcher.Deleted += OnChange;
        watcher.EnableRaisingEvents = true;

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
            await registry.ReloadAsync(stoppingToken).ConfigureAwait(false);
        }
    }

    private void OnChange(object sender, FileSystemEventArgs e)
    {
        Interlocked.Exchange(ref _lastChange, timeProvider.GetTimestamp());
        _changed.Release();
    }

    public override void Dispose()
    {
        _changed.Dispose();
        base.Dispose();
    }
}

using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;
using WearableEdge.EdgeService.Storage;

namespace WearableEdge.EdgeService.Hosting;

/// <summary>Whether the pipeline can still do its work; the systemd watchdog pets only while it can.</summary>
public interface IPipelineLiveness
{
    /// <summary>Null when alive; otherwise why not (no patient data: a stage name or a store error).</summary>
    Task<string?> CheckAsync(CancellationToken cancellationToken);
}

/// <summary>
/// The pipeline is alive when every stage loop (each <see cref="BackgroundService"/> the host runs:
/// MQTT ingest, sample writer, features, scoring, alerts, sync) is still running, and the local
/// store answers a query within <see cref="StoreTimeout"/>. A loop that ended or a store that hangs
/// or fails is a fault a restart can clear; a broker that is down is not (the ingest loop reconnects
/// by itself and /health reports it as degraded), so it does not stop the watchdog.
/// </summary>
/// <remarks>
/// The hosted services are looked up at each check, not injected: the watchdog that asks is one of them.
/// Microsoft.Data.Sqlite runs its async calls synchronously, so a store that hangs blocks the check
/// itself; either way no <c>WATCHDOG=1</c> is sent and systemd restarts the service.
/// </remarks>
internal sealed class PipelineLiveness(IServiceProvider services, EdgeDatabase database, TimeProvider timeProvider)
    : IPipelineLiveness
{
    /// <summary>How long the store may take to answer <c>SELECT 1</c> before the pipeline counts as stuck.</summary>
    public static readonly TimeSpan StoreTimeout = TimeSpan.FromSeconds(5);

    public async Task<string?> CheckAsync(CancellationToken cancellationToken)
    {
        foreach (var service in services.GetServices<IHostedService>().OfType<BackgroundService>())
        {
            // ExecuteTask is null until the host starts the service; a finished task is a dead loop.
            if (service is not SystemdWatchdog && service.ExecuteTask is { IsCompleted: true } task)
            {
                return $"stage {service.GetType().Name} stopped ({task.Status})";
            }
        }

        try
        {
            using var timeout = new CancellationTokenSource(StoreTimeout, timeProvider);
            using var linked = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken, timeout.Token);
            await using var connection = await database.OpenAsync(linked.Token).ConfigureAwait(false);
            await using var command = connection.CreateCommand();
            command.CommandText = "SELECT 1";
            await command.ExecuteScalarAsync(linked.Token).WaitAsync(StoreTimeout, timeProvider, linked.Token).ConfigureAwait(false);
            return null;
        }
        catch (OperationCanceledException) when (!cancellationToken.IsCancellationRequested)
        {
            return $"store did not answer within {StoreTimeout.TotalSeconds:0} s";
        }
        catch (TimeoutException)
        {
            return $"store did not answer within {StoreTimeout.TotalSeconds:0} s";
        }
        catch (Exception e) when (e is Microsoft.Data.Sqlite.SqliteException or IOException or UnauthorizedAccessException)
        {
            return $"store failed: {e.Message}";
        }
    }
}

using System.Threading.Channels;

namespace WearableEdge.EdgeService;

/// <summary>
/// How a stage waits for its input. A stage that wakes for every item spends more on the wake-up
/// (a thread hand-off, a futex, a context switch) than on the item when items arrive one at a time
/// spread over the second, as a ward's wearables send them. Gathering for a short delay after the
/// first item lets one wake-up take a batch (docs/performance.md, "Where the service's time goes").
/// </summary>
internal static class StageBatching
{
    /// <summary>
    /// Waits until <paramref name="reader"/> has an item; then, unless <paramref name="enough"/>
    /// items already wait, waits <paramref name="gather"/> more on <paramref name="clock"/> so they
    /// come as one batch. Without a clock the delay is real time: for a stage where it is a
    /// scheduling choice, not a timing rule of the domain, it then runs the same under a test's
    /// fake clock. Returns false when the channel is completed and empty. Stopping cuts the
    /// gathering short; what arrived is still returned for the stage to handle.
    /// </summary>
    public static async ValueTask<bool> WaitToReadBatchAsync<T>(
        this ChannelReader<T> reader, TimeSpan gather, int enough, CancellationToken cancellationToken, TimeProvider? clock = null)
    {
        if (!await reader.WaitToReadAsync(cancellationToken).ConfigureAwait(false))
        {
            return false;
        }

        if (gather > TimeSpan.Zero && (!reader.CanCount || reader.Count < enough))
        {
            try
            {
                await Task.Delay(gather, clock ?? TimeProvider.System, cancellationToken).ConfigureAwait(false);
            }
            catch (OperationCanceledException) when (cancellationToken.IsCancellationRequested)
            {
                // Stopping: hand over what has come.
            }
        }

        return true;
    }
}

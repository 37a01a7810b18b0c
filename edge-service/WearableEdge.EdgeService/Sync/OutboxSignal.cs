namespace WearableEdge.EdgeService.Sync;

/// <summary>Wakes the outbox dispatchers when a transition was committed, so delivery does not wait for the next poll.</summary>
public sealed class OutboxSignal
{
    private readonly Lock _gate = new();
    private TaskCompletionSource _next = new(TaskCreationOptions.RunContinuationsAsynchronously);

    /// <summary>Wakes every dispatcher that is waiting now.</summary>
    public void Notify()
    {
        TaskCompletionSource fired;
        lock (_gate)
        {
            fired = _next;
            _next = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        }

        fired.TrySetResult();
    }

    /// <summary>
    /// The next <see cref="Notify"/>. Take it before looking for work, then wait on it, so a
    /// notification that comes in between is not missed.
    /// </summary>
    public Task Next
    {
        get
        {
            lock (_gate)
            {
                return _next.Task;
            }
        }
    }

    /// <summary>Waits for <paramref name="next"/> (from <see cref="Next"/>) or for <paramref name="timeout"/>, whichever comes first.</summary>
    public static async Task WaitAsync(Task next, TimeSpan timeout, TimeProvider timeProvider, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(next);
        using var cancelDelay = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
        var delay = Task.Delay(timeout, timeProvider, cancelDelay.Token);
        await Task.WhenAny(next, delay).ConfigureAwait(false);
        await cancelDelay.CancelAsync().ConfigureAwait(false);
        cancellationToken.ThrowIfCancellationRequested();
    }
}

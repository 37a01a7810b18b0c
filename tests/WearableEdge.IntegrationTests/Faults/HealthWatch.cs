using System.Diagnostics;

namespace WearableEdge.IntegrationTests.Faults;

/// <summary>
/// Polls the service's <c>/health</c> in the background and keeps what a fault test measures: the
/// latest report, the largest time-series backlog seen, and waits for a condition on the report.
/// Polling, because a foreign process has no event to await; a service that is down (killed,
/// restarting) is simply not heard from until it answers again.
/// </summary>
internal sealed class HealthWatch : IAsyncDisposable
{
    private readonly EdgeServiceProcess _service;
    private readonly TimeSpan _interval;
    private readonly CancellationTokenSource _stop = new();
    private readonly Task _loop;
    private TaskCompletionSource _polled = new(TaskCreationOptions.RunContinuationsAsynchronously);
    private ServiceHealth? _latest;
    private int _maxTsdbBacklog;

    private HealthWatch(EdgeServiceProcess service, TimeSpan interval)
    {
        _service = service;
        _interval = interval;
        _loop = Task.Run(() => PollAsync(_stop.Token));
    }

    /// <summary>The latest report, or null before the first answer.</summary>
    public ServiceHealth? Latest => Volatile.Read(ref _latest);

    /// <summary>Largest tsdb pending + in-flight seen since the start or the last <see cref="ResetMaxBacklog"/>.</summary>
    public int MaxTsdbBacklog => Volatile.Read(ref _maxTsdbBacklog);

    public static HealthWatch Start(EdgeServiceProcess service, TimeSpan interval) => new(service, interval);

    public void ResetMaxBacklog() => Volatile.Write(ref _maxTsdbBacklog, 0);

    /// <summary>Waits for a report that satisfies <paramref name="condition"/> and returns it.</summary>
    /// <exception cref="TimeoutException">None did within <paramref name="timeout"/>; the message holds the last one.</exception>
    public async Task<ServiceHealth> WaitUntilAsync(
        Func<ServiceHealth, bool> condition, TimeSpan timeout, string what, CancellationToken cancellationToken)
    {
        using var deadline = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
        deadline.CancelAfter(timeout);
        while (true)
        {
            var next = Volatile.Read(ref _polled).Task;
            if (Latest is { } latest && condition(latest))
            {
                return latest;
            }

            try
            {
                await next.WaitAsync(deadline.Token);
            }
            catch (OperationCanceledException) when (!cancellationToken.IsCancellationRequested)
            {
                throw new TimeoutException($"{what} did not happen within {timeout.TotalSeconds:0} s. Last /health: {Latest}");
            }
        }
    }

    /// <summary>Forgets the latest report, so the next wait sees only reports from now on.</summary>
    public void Forget() => Volatile.Write(ref _latest, null);

    public async ValueTask DisposeAsync()
    {
        await _stop.CancelAsync();
        try
        {
            await _loop;
        }
        catch (OperationCanceledException)
        {
            // Stopped.
        }

        _stop.Dispose();
    }

    private async Task PollAsync(CancellationToken cancellationToken)
    {
        while (!cancellationToken.IsCancellationRequested)
        {
            var started = Stopwatch.GetTimestamp();
            try
            {
                var health = await _service.GetHealthAsync(cancellationToken);
                if (health.Tsdb is { } tsdb && tsdb.Backlog > Volatile.Read(ref _maxTsdbBacklog))
                {
                    Volatile.Write(ref _maxTsdbBacklog, tsdb.Backlog);
                }

                Volatile.Write(ref _latest, health);
                Interlocked.Exchange(ref _polled, new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously)).TrySetResult();
            }
            catch (Exception e) when (e is HttpRequestException or System.Text.Json.JsonException
                                      || (e is TaskCanceledException && !cancellationToken.IsCancellationRequested))
            {
                // Down or restarting: keep asking.
            }

            var rest = _interval - Stopwatch.GetElapsedTime(started);
            if (rest > TimeSpan.Zero)
            {
                await Task.Delay(rest, cancellationToken);
            }
        }
    }
}

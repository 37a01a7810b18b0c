namespace WearableEdge.IntegrationTests.EndToEnd;

/// <summary>
/// Polls a condition over a real process (an HTTP API, a database file) until it holds or the
/// timeout passes. For state with no event to await; the timeout bounds the test, the assertion
/// is the condition.
/// </summary>
internal static class Eventually
{
    public static async Task<T> ValueAsync<T>(
        Func<CancellationToken, Task<T>> probe, Func<T, bool> holds, TimeSpan timeout, string what, CancellationToken cancellationToken)
    {
        using var deadline = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
        deadline.CancelAfter(timeout);
        T last = default!;
        try
        {
            while (true)
            {
                last = await probe(deadline.Token);
                if (holds(last))
                {
                    return last;
                }

                await Task.Delay(TimeSpan.FromMilliseconds(200), deadline.Token);
            }
        }
        catch (OperationCanceledException) when (!cancellationToken.IsCancellationRequested)
        {
            throw new TimeoutException($"{what} did not happen within {timeout}. Last value: {last}");
        }
    }
}

using System.Diagnostics;

namespace WearableEdge.EdgeService.Tests;

/// <summary>
/// Waits for a condition that a background loop makes true. Between checks it runs an optional
/// step (for example advancing a FakeTimeProvider) and yields for a few real milliseconds; the
/// timeout bounds the wait, it is never the assertion.
/// </summary>
internal static class Polling
{
    public static readonly TimeSpan DefaultTimeout = TimeSpan.FromSeconds(15);

    public static async Task WaitUntilAsync(Func<Task<bool>> condition, string description, Action? step = null, TimeSpan? timeout = null)
    {
        var limit = timeout ?? DefaultTimeout;
        var elapsed = Stopwatch.StartNew();
        while (!await condition())
        {
            if (elapsed.Elapsed > limit)
            {
                Assert.Fail($"Not true within {limit.TotalSeconds} s: {description}");
            }

            step?.Invoke();
            await Task.Delay(TimeSpan.FromMilliseconds(5), TestContext.Current.CancellationToken);
        }
    }

    public static Task WaitUntilAsync(Func<bool> condition, string description, Action? step = null, TimeSpan? timeout = null) =>
        WaitUntilAsync(() => Task.FromResult(condition()), description, step, timeout);
}

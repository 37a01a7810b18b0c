using Microsoft.Extensions.Time.Testing;

namespace WearableEdge.DeviceSim.Tests;

/// <summary>
/// A <see cref="FakeTimeProvider"/> that knows when the code under test has started waiting
/// (created a timer, as <c>Task.Delay(…, timeProvider, …)</c> does), so a test advances time
/// only once the wait exists, with no race and no sleep.
/// </summary>
internal sealed class SteppedTimeProvider(DateTimeOffset start) : FakeTimeProvider(start)
{
    private readonly SemaphoreSlim _timersCreated = new(0);

    public override ITimer CreateTimer(TimerCallback callback, object? state, TimeSpan dueTime, TimeSpan period)
    {
        var timer = base.CreateTimer(callback, state, dueTime, period);
        _timersCreated.Release();
        return timer;
    }

    /// <summary>
    /// Each time <paramref name="run"/> starts waiting, advances by <paramref name="step"/>, until
    /// it completes; fails if it neither completes nor waits within 10 s.
    /// </summary>
    public async Task AdvanceUntilDone(Task run, TimeSpan step)
    {
        while (!run.IsCompleted)
        {
            var waiting = _timersCreated.WaitAsync(TimeSpan.FromSeconds(10), TestContext.Current.CancellationToken);
            if (await Task.WhenAny(run, waiting) == waiting)
            {
                Assert.True(await waiting, "the run neither completed nor waited within 10 s");
                Advance(step);
            }
        }

        await run;
    }
}

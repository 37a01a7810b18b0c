using WearableEdge.EdgeService.Sync;

namespace WearableEdge.EdgeService.Tests.Sync;

public sealed class OutboxDispatchSettingsTests
{
    private static readonly OutboxDispatchSettings Settings = new(
        BatchSize: 100, PollInterval: TimeSpan.FromSeconds(1), InitialBackoff: TimeSpan.FromSeconds(1), MaxBackoff: TimeSpan.FromSeconds(30));

    [Theory]
    [InlineData(0, 1)]
    [InlineData(1, 2)]
    [InlineData(2, 4)]
    [InlineData(3, 8)]
    [InlineData(4, 16)]
    public void Backoff_MidJitter_DoublesPerAttempt(int attempts, double expectedSeconds) =>
        Assert.Equal(TimeSpan.FromSeconds(expectedSeconds), Settings.Backoff(attempts, jitter01: 0.5));

    [Theory]
    [InlineData(5)]
    [InlineData(10)]
    [InlineData(31)]
    [InlineData(int.MaxValue)]
    public void Backoff_ManyAttemptsMidJitter_IsMaxBackoff(int attempts) =>
        Assert.Equal(Settings.MaxBackoff, Settings.Backoff(attempts, jitter01: 0.5));

    [Theory]
    [InlineData(0.0, 0.8)]
    [InlineData(1.0, 1.2)]
    public void Backoff_JitterExtremes_AreMinus20AndPlus20Percent(double jitter, double factor) =>
        Assert.Equal(TimeSpan.FromSeconds(4 * factor).TotalMilliseconds, Settings.Backoff(2, jitter).TotalMilliseconds, 6);

    [Fact]
    public void Backoff_RandomJitter_StaysWithin20Percent()
    {
        var random = new Random(42);
        for (var i = 0; i < 1_000; i++)
        {
            var attempts = random.Next(0, 4);
            var nominal = TimeSpan.FromSeconds(Math.Pow(2, attempts));

            var delay = Settings.Backoff(attempts, random.NextDouble());

            Assert.InRange(delay, nominal * 0.8, nominal * 1.2);
        }
    }

    [Fact]
    public void Backoff_AtCapWithMaximumJitter_NeverExceedsMaxBackoff()
    {
        // MaxBackoff is documented as "Longest delay" (SyncOptions: "Longest retry delay").
        var delay = Settings.Backoff(20, jitter01: 0.999);

        Assert.True(delay <= Settings.MaxBackoff, $"back-off {delay} exceeds MaxBackoff {Settings.MaxBackoff}");
    }
}

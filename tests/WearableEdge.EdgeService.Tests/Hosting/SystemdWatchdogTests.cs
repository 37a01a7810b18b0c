using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Hosting.Systemd;
using Microsoft.Extensions.Logging.Abstractions;
using Microsoft.Extensions.Time.Testing;
using WearableEdge.EdgeService.Hosting;
using WearableEdge.EdgeService.Storage;

namespace WearableEdge.EdgeService.Tests.Hosting;

public sealed class SystemdWatchdogTests
{
    private static readonly TimeSpan Interval = TimeSpan.FromSeconds(30);

    [Fact]
    public void IntervalFromEnvironment_SystemdVariables_HalfIsThePettingPeriod()
    {
        Assert.Equal(TimeSpan.FromSeconds(30), SystemdWatchdog.IntervalFromEnvironment("30000000", null, 42));
        Assert.Equal(TimeSpan.FromSeconds(30), SystemdWatchdog.IntervalFromEnvironment("30000000", "42", 42));
        Assert.Null(SystemdWatchdog.IntervalFromEnvironment("30000000", "41", 42));
        Assert.Null(SystemdWatchdog.IntervalFromEnvironment(null, null, 42));
        Assert.Null(SystemdWatchdog.IntervalFromEnvironment("0", null, 42));
        Assert.Null(SystemdWatchdog.IntervalFromEnvironment("-5", null, 42));
        Assert.Null(SystemdWatchdog.IntervalFromEnvironment("thirty", null, 42));
    }

    [Fact]
    public async Task ExecuteAsync_PipelineAlive_PetsAtStartThenEveryHalfInterval()
    {
        var time = new FakeTimeProvider();
        var notifier = new FakeNotifier();
        using var watchdog = new SystemdWatchdog(notifier, new FakeLiveness(), time, NullLogger<SystemdWatchdog>.Instance, Interval);

        await watchdog.StartAsync(TestContext.Current.CancellationToken);
        await Polling.WaitUntilAsync(() => notifier.Sent.Count == 1, "first pet at start");

        time.Advance(TimeSpan.FromSeconds(14));
        await Task.Delay(50, TestContext.Current.CancellationToken);
        Assert.Single(notifier.Sent);

        time.Advance(TimeSpan.FromSeconds(1));
        await Polling.WaitUntilAsync(() => notifier.Sent.Count == 2, "second pet after 15 s (half of 30 s)");
        time.Advance(TimeSpan.FromSeconds(15));
        await Polling.WaitUntilAsync(() => notifier.Sent.Count == 3, "third pet after 30 s");

        await watchdog.StopAsync(TestContext.Current.CancellationToken);
        Assert.All(notifier.Sent, state => Assert.Equal("WATCHDOG=1", state.ToString()));
        Assert.Equal(3, watchdog.Pets);
    }

    [Fact]
    public async Task ExecuteAsync_PipelineStuck_StopsPettingAndResumesWhenAlive()
    {
        var time = new FakeTimeProvider();
        var notifier = new FakeNotifier();
        var liveness = new FakeLiveness();
        using var watchdog = new SystemdWatchdog(notifier, liveness, time, NullLogger<SystemdWatchdog>.Instance, Interval);
        await watchdog.StartAsync(TestContext.Current.CancellationToken);
        await Polling.WaitUntilAsync(() => notifier.Sent.Count == 1, "first pet at start");

        liveness.Problem = "store did not answer within 5 s";
        for (var i = 0; i < 4; i++)
        {
            var checks = liveness.Checks;
            time.Advance(TimeSpan.FromSeconds(15));
            await Polling.WaitUntilAsync(() => liveness.Checks > checks, "a liveness check per period");
        }

        Assert.Single(notifier.Sent);

        liveness.Problem = null;
        time.Advance(TimeSpan.FromSeconds(15));
        await Polling.WaitUntilAsync(() => notifier.Sent.Count == 2, "petting resumes once alive");
        await watchdog.StopAsync(TestContext.Current.CancellationToken);
    }

    [Fact]
    public async Task ExecuteAsync_NotUnderSystemdOrNoWatchdog_NeverPets()
    {
        var liveness = new FakeLiveness();
        var disabled = new FakeNotifier { IsEnabled = false };
        using var outside = new SystemdWatchdog(disabled, liveness, new FakeTimeProvider(), NullLogger<SystemdWatchdog>.Instance, Interval);
        using var noNotifier = new SystemdWatchdog(null, liveness, new FakeTimeProvider(), NullLogger<SystemdWatchdog>.Instance, Interval);
        var enabled = new FakeNotifier();
        using var noInterval = new SystemdWatchdog(enabled, liveness, new FakeTimeProvider(), NullLogger<SystemdWatchdog>.Instance, watchdogInterval: null);

        foreach (var watchdog in new[] { outside, noNotifier, noInterval })
        {
            await watchdog.StartAsync(TestContext.Current.CancellationToken);
            await watchdog.ExecuteTask!.WaitAsync(TimeSpan.FromSeconds(5), TestContext.Current.CancellationToken);
        }

        Assert.Empty(disabled.Sent);
        Assert.Empty(enabled.Sent);
        Assert.Equal(0, liveness.Checks);
    }

    [Fact]
    public async Task PipelineLiveness_StagesRunningAndStoreAnswers_IsAlive()
    {
        using var folder = new TestDataDirectory();
        var database = await folder.MigratedDatabaseAsync();
        using var stage = new ForeverStage();
        await using var provider = Services(database, stage);
        await stage.StartAsync(TestContext.Current.CancellationToken);

        var problem = await provider.GetRequiredService<IPipelineLiveness>().CheckAsync(TestContext.Current.CancellationToken);

        Assert.Null(problem);
        await stage.StopAsync(TestContext.Current.CancellationToken);
    }

    [Fact]
    public async Task PipelineLiveness_StageLoopEnded_NamesTheStage()
    {
        using var folder = new TestDataDirectory();
        var database = await folder.MigratedDatabaseAsync();
        using var stage = new FaultingStage();
        await using var provider = Services(database, stage);
        await stage.StartAsync(TestContext.Current.CancellationToken);
        await Polling.WaitUntilAsync(() => stage.ExecuteTask!.IsCompleted, "the stage loop ends");

        var problem = await provider.GetRequiredService<IPipelineLiveness>().CheckAsync(TestContext.Current.CancellationToken);

        Assert.Equal("stage FaultingStage stopped (Faulted)", problem);
    }

    [Fact]
    public async Task PipelineLiveness_StoreCannotOpen_ReportsTheStore()
    {
        using var folder = new TestDataDirectory();
        // A folder where the database file should be: SQLite cannot open it.
        var database = folder.Database();
        Directory.CreateDirectory(database.Path);
        await using var provider = Services(database);

        var problem = await provider.GetRequiredService<IPipelineLiveness>().CheckAsync(TestContext.Current.CancellationToken);

        Assert.NotNull(problem);
        Assert.StartsWith("store failed:", problem, StringComparison.Ordinal);
    }

    [Fact]
    public async Task StageExitCode_AfterAStageLoopThrew_IsOneOtherwiseZero()
    {
        using var folder = new TestDataDirectory();
        using var healthy = new ForeverStage();
        await using var fine = Services(folder.Database(), healthy);
        await healthy.StartAsync(TestContext.Current.CancellationToken);
        await healthy.StopAsync(TestContext.Current.CancellationToken);
        Assert.Equal(0, StageExitCode.AfterStop(fine));

        using var faulting = new FaultingStage();
        await using var failed = Services(folder.Database(), new ForeverStage(), faulting);
        await faulting.StartAsync(TestContext.Current.CancellationToken);
        await Polling.WaitUntilAsync(() => faulting.ExecuteTask!.IsCompleted, "the stage loop ends");
        Assert.Equal(StageExitCode.StageFailed, StageExitCode.AfterStop(failed));
    }

    private static ServiceProvider Services(EdgeDatabase database, params IHostedService[] stages)
    {
        var services = new ServiceCollection();
        services.AddSingleton(database);
        services.AddSingleton(TimeProvider.System);
        services.AddSingleton<IPipelineLiveness, PipelineLiveness>();
        foreach (var stage in stages)
        {
            services.AddSingleton<IHostedService>(stage);
        }

        return services.BuildServiceProvider();
    }

    private sealed class FakeNotifier : ISystemdNotifier
    {
        private readonly List<ServiceState> _sent = [];

        public bool IsEnabled { get; init; } = true;

        public IReadOnlyList<ServiceState> Sent
        {
            get
            {
                lock (_sent)
                {
                    return [.. _sent];
                }
            }
        }

        public void Notify(ServiceState state)
        {
            lock (_sent)
            {
                _sent.Add(state);
            }
        }
    }

    private sealed class FakeLiveness : IPipelineLiveness
    {
        private int _checks;

        public volatile string? Problem;

        public int Checks => Volatile.Read(ref _checks);

        public Task<string?> CheckAsync(CancellationToken cancellationToken)
        {
            Interlocked.Increment(ref _checks);
            return Task.FromResult(Problem);
        }
    }

    private sealed class ForeverStage : BackgroundService
    {
        protected override Task ExecuteAsync(CancellationToken stoppingToken) => Task.Delay(Timeout.Infinite, stoppingToken);
    }

    private sealed class FaultingStage : BackgroundService
    {
        protected override async Task ExecuteAsync(CancellationToken stoppingToken)
        {
            await Task.Yield();
            throw new InvalidOperationException("the loop died");
        }
    }
}

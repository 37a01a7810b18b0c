using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Hosting.Systemd;
using Microsoft.Extensions.Logging;

namespace WearableEdge.EdgeService.Hosting;

/// <summary>
/// Pets the systemd watchdog (<c>WATCHDOG=1</c>) at half the interval systemd asks for
/// (<c>WATCHDOG_USEC</c>, set by <c>WatchdogSec=</c> in the unit), but only while
/// <see cref="IPipelineLiveness"/> says the pipeline is alive. When it is not, the petting stops and
/// systemd kills and restarts the service once the interval passes (<c>Restart=on-failure</c>).
/// Does nothing outside systemd or when the unit sets no watchdog.
/// </summary>
public sealed class SystemdWatchdog : BackgroundService
{
    /// <summary>The notification systemd's watchdog waits for.</summary>
    public static readonly ServiceState Watchdog = new("WATCHDOG=1");

    private readonly ISystemdNotifier? _notifier;
    private readonly IPipelineLiveness _liveness;
    private readonly TimeProvider _timeProvider;
    private readonly ILogger<SystemdWatchdog> _logger;
    private readonly TimeSpan? _interval;
    private long _pets;

    /// <param name="notifier">systemd's notify socket; null when not running under systemd.</param>
    /// <param name="liveness">Says whether the pipeline is alive.</param>
    /// <param name="timeProvider">Clock for the petting period.</param>
    /// <param name="logger">Where a missed pet is reported.</param>
    /// <param name="watchdogInterval">The watchdog interval systemd set; null reads <c>WATCHDOG_USEC</c>.</param>
    public SystemdWatchdog(
        ISystemdNotifier? notifier,
        IPipelineLiveness liveness,
        TimeProvider timeProvider,
        ILogger<SystemdWatchdog> logger,
        TimeSpan? watchdogInterval = null)
    {
        ArgumentNullException.ThrowIfNull(liveness);
        ArgumentNullException.ThrowIfNull(timeProvider);
        ArgumentNullException.ThrowIfNull(logger);
        _notifier = notifier;
        _liveness = liveness;
        _timeProvider = timeProvider;
        _logger = logger;
        _interval = watchdogInterval ?? IntervalFromEnvironment(
            Environment.GetEnvironmentVariable("WATCHDOG_USEC"),
            Environment.GetEnvironmentVariable("WATCHDOG_PID"),
            Environment.ProcessId);
    }

    /// <summary>Pets sent since start (for tests and diagnostics).</summary>
    public long Pets => Interlocked.Read(ref _pets);

    /// <summary>
    /// The watchdog interval from systemd's variables: <c>WATCHDOG_USEC</c> in microseconds, for this
    /// process only when <c>WATCHDOG_PID</c> is set (sd_watchdog_enabled(3)); null when there is none.
    /// </summary>
    public static TimeSpan? IntervalFromEnvironment(string? watchdogUsec, string? watchdogPid, int processId)
    {
        if (!long.TryParse(watchdogUsec, System.Globalization.NumberStyles.None, System.Globalization.CultureInfo.InvariantCulture, out var usec) || usec <= 0)
        {
            return null;
        }

        if (!string.IsNullOrEmpty(watchdogPid)
            && (!int.TryParse(watchdogPid, System.Globalization.NumberStyles.None, System.Globalization.CultureInfo.InvariantCulture, out var pid) || pid != processId))
        {
            return null;
        }

        return TimeSpan.FromMicroseconds(usec);
    }

    /// <summary>Checks liveness once and pets when alive; returns whether it petted.</summary>
    public async Task<bool> PetIfAliveAsync(CancellationToken cancellationToken)
    {
        if (_notifier is not { IsEnabled: true })
        {
            return false;
        }

        var problem = await _liveness.CheckAsync(cancellationToken).ConfigureAwait(false);
        if (problem is not null)
        {
            HostingLog.WatchdogWithheld(_logger, problem);
            return false;
        }

        _notifier.Notify(Watchdog);
        Interlocked.Increment(ref _pets);
        return true;
    }

    /// <inheritdoc />
    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        if (_notifier is not { IsEnabled: true } || _interval is not { } interval)
        {
            return;
        }

        var period = interval / 2;
        HostingLog.WatchdogStarted(_logger, interval, period);
        using var ticks = new PeriodicTimer(period, _timeProvider);
        try
        {
            do
            {
                await PetIfAliveAsync(stoppingToken).ConfigureAwait(false);
            }
            while (await ticks.WaitForNextTickAsync(stoppingToken).ConfigureAwait(false));
        }
        catch (OperationCanceledException) when (stoppingToken.IsCancellationRequested)
        {
            // Stopping: systemd already has STOPPING=1 from the host lifetime.
        }
    }
}

using Microsoft.Extensions.Logging;

namespace WearableEdge.EdgeService.Hosting;

/// <summary>Log messages of the systemd integration (event ids 1600–1609; no patient data).</summary>
internal static partial class HostingLog
{
    [LoggerMessage(1600, LogLevel.Information, "systemd watchdog every {Interval}; petting every {Period} while the pipeline is alive")]
    public static partial void WatchdogStarted(ILogger logger, TimeSpan interval, TimeSpan period);

    [LoggerMessage(1601, LogLevel.Warning, "systemd watchdog not petted: {Problem}")]
    public static partial void WatchdogWithheld(ILogger logger, string problem);
}

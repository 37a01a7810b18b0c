using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;

namespace WearableEdge.EdgeService.Hosting;

/// <summary>
/// The process exit code once the host has stopped. A stage loop that threw stops the host
/// (BackgroundServiceExceptionBehavior.StopHost) but .NET still exits with 0 (dotnet/runtime#67146),
/// which systemd's <c>Restart=on-failure</c> takes for a clean stop; this turns it into 1.
/// </summary>
public static class StageExitCode
{
    /// <summary>Exit code when a stage loop failed: systemd restarts the service.</summary>
    public const int StageFailed = 1;

    /// <summary>0 after a requested stop; <see cref="StageFailed"/> when any stage loop ended with an exception.</summary>
    public static int AfterStop(IServiceProvider services)
    {
        ArgumentNullException.ThrowIfNull(services);
        return services.GetServices<IHostedService>()
            .OfType<BackgroundService>()
            .Any(s => s.ExecuteTask is { IsFaulted: true })
            ? StageFailed
            : 0;
    }
}

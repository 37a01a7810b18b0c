using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Hosting.Systemd;
using Microsoft.Extensions.Logging;

namespace WearableEdge.EdgeService.Hosting;

/// <summary>Runs the service as a systemd <c>Type=notify</c> unit with a watchdog (deploy/systemd/wearable-edge.service).</summary>
public static class SystemdRegistration
{
    /// <summary>
    /// Under systemd: READY=1 once started, STOPPING=1 on stop, journal-friendly console logs
    /// (<see cref="SystemdHostBuilderExtensions.AddSystemd(IServiceCollection)"/>), and the
    /// <see cref="SystemdWatchdog"/>. Outside systemd only the watchdog is registered, and it idles.
    /// </summary>
    public static IServiceCollection AddSystemdIntegration(this IServiceCollection services)
    {
        ArgumentNullException.ThrowIfNull(services);
        services.AddSystemd();
        services.AddSingleton<IPipelineLiveness, PipelineLiveness>();
        services.AddSingleton(sp => new SystemdWatchdog(
            sp.GetService<ISystemdNotifier>(),
            sp.GetRequiredService<IPipelineLiveness>(),
            sp.GetRequiredService<TimeProvider>(),
            sp.GetRequiredService<ILogger<SystemdWatchdog>>()));
        services.AddHostedService(sp => sp.GetRequiredService<SystemdWatchdog>());
        return services;
    }
}

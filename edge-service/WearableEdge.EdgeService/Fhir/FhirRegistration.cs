using Microsoft.Extensions.DependencyInjection;
using WearableEdge.EdgeService.Sync;

namespace WearableEdge.EdgeService.Fhir;

/// <summary>Service registration of the FHIR rendering.</summary>
public static class FhirRegistration
{
    /// <summary>Configuration key that turns on <see cref="FhirAlertPublisher"/> (default off).</summary>
    public const string PublishMqttKey = "Fhir:PublishMqtt";

    /// <summary>
    /// Adds the FHIR MQTT target and its outbox dispatcher; call only when <see cref="PublishMqttKey"/> is true.
    /// Alerts stored while it is on get an outbox entry for it; entries left when it is turned off wait until it is on again.
    /// </summary>
    public static IServiceCollection AddFhirAlertPublishing(this IServiceCollection services)
    {
        ArgumentNullException.ThrowIfNull(services);
        services.AddSingleton<FhirAlertPublisher>();
        services.AddSingleton<IOutboxTarget>(sp => sp.GetRequiredService<FhirAlertPublisher>());
        EdgeServiceRegistration.AddDispatcher(services, sp => sp.GetRequiredService<FhirAlertPublisher>(), _ => new OutboxDispatchSettings(
            BatchSize: 100, PollInterval: TimeSpan.FromSeconds(1), InitialBackoff: TimeSpan.FromSeconds(1), MaxBackoff: TimeSpan.FromSeconds(30)));
        return services;
    }
}

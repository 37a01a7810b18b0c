using System.Threading.Channels;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Http.Json;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.DependencyInjection.Extensions;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;
using WearableEdge.Clinical.Features;
using WearableEdge.Clinical.Samples;
using WearableEdge.EdgeService.Alerts;
using WearableEdge.EdgeService.Api;
using WearableEdge.EdgeService.Demo;
using WearableEdge.EdgeService.Devices;
using WearableEdge.EdgeService.Features;
using WearableEdge.EdgeService.Ingest;
using WearableEdge.EdgeService.Scoring;
using WearableEdge.EdgeService.Scoring.Models;
using WearableEdge.EdgeService.Storage;
using WearableEdge.EdgeService.Sync;

namespace WearableEdge.EdgeService;

/// <summary>Lets /health find every outbox dispatcher.</summary>
public sealed record OutboxDispatcherRegistration(OutboxDispatcher Dispatcher);

/// <summary>Composes the service, stage by stage, in the order data flows.</summary>
public static class EdgeServiceRegistration
{
    public static IServiceCollection AddWearableEdge(this IServiceCollection services)
    {
        ArgumentNullException.ThrowIfNull(services);
        services.TryAddSingleton(TimeProvider.System);
        services.AddSingleton<EdgeMetrics>();
        services.AddSingleton<PatientBoard>();
        services.ConfigureHttpJsonOptions(json => json.SerializerOptions.TypeInfoResolverChain.Insert(0, ApiJsonContext.Default));

        AddOptions<MqttOptions, MqttOptionsValidator>(services, MqttOptions.SectionName);
        AddOptions<PayloadLimitOptions, PayloadLimitOptionsValidator>(services, PayloadLimitOptions.SectionName);
        AddOptions<DeadLetterOptions, DeadLetterOptionsValidator>(services, DeadLetterOptions.SectionName);
        AddOptions<FeatureOptions, FeatureOptionsValidator>(services, FeatureOptions.SectionName);
        AddOptions<EventTimeOptions, EventTimeOptionsValidator>(services, EventTimeOptions.SectionName);
        AddOptions<AlertOptions, AlertOptionsValidator>(services, AlertOptions.SectionName);
        AddOptions<StorageOptions, StorageOptionsValidator>(services, StorageOptions.SectionName);
        AddOptions<SyncOptions, SyncOptionsValidator>(services, SyncOptions.SectionName);
        AddOptions<DemoOptions, DemoOptionsValidator>(services, DemoOptions.SectionName);
        AddOptions<ModelOptions, ModelOptionsValidator>(services, ModelOptions.SectionName);

        // Storage first: migrations run before any stage starts.
        services.AddSingleton<EdgeDatabase>();
        services.AddSingleton<AlertStore>();
        services.AddSingleton<AlertFeed>();
        services.AddSingleton<AlertLedger>();
        services.AddSingleton<AlertCommandService>();
        services.AddSingleton<OutboxStore>();
        services.AddSingleton<OutboxSignal>();
        services.AddHostedService<DatabaseMigrationService>();

        // The device registry and consent: loaded (and seeded) from the store before ingest starts.
        services.AddDeviceRegistry();

        // Queues between stages: bounded, and full means wait (back-pressure, nothing dropped).
        AddStageQueue<WearableSample>(services, sp => sp.GetRequiredService<IOptions<MqttOptions>>().Value.IngestQueueCapacity);
        AddStageQueue<FeatureVector>(services, sp => sp.GetRequiredService<IOptions<FeatureOptions>>().Value.QueueCapacity);
        AddStageQueue<ScoredWindow>(services, sp => sp.GetRequiredService<IOptions<AlertOptions>>().Value.QueueCapacity);
        AddStageQueue<MinuteSummary>(services, sp => sp.GetRequiredService<IOptions<FeatureOptions>>().Value.QueueCapacity);
        AddStageQueue<ModelInput>(services, sp => sp.GetRequiredService<IOptions<ModelOptions>>().Value.QueueCapacity);
        AddStageQueue<ModelScore>(services, sp => sp.GetRequiredService<IOptions<AlertOptions>>().Value.QueueCapacity);

        // Models: loaded (and checked) at start-up, before any stage runs; a bad model stops start-up.
        services.AddSingleton<ModelRegistry>();
        services.AddHostedService<ModelFolderWatcher>();

        // Raw samples: kept on the gateway for Storage:RawRetention, written off the hot path.
        services.AddSingleton<SampleStore>();
        services.AddSingleton<RawSampleQueue>();
        services.AddHostedService<RawSampleWriter>();
        services.AddHostedService<RetentionService>();

        // Ingest: the embedded broker (when no external one is set) starts before the client connects.
        services.AddSingleton(sp => EmbeddedBroker.ResolveEndpoint(sp.GetRequiredService<IOptions<MqttOptions>>().Value));
        services.AddSingleton<EmbeddedBroker>();
        services.AddHostedService(sp => sp.GetRequiredService<EmbeddedBroker>());
        services.AddSingleton<DeadLetterQueue>();
        services.AddSingleton<MqttIngestHandler>();
        services.AddSingleton<AlertCommandHandler>();
        services.AddSingleton<MqttGatewayClient>();
        services.AddHostedService(sp => sp.GetRequiredService<MqttGatewayClient>());
        services.AddHostedService<DeadLetterPublisher>();

        // Features → Scoring → Alerts.
        services.AddSingleton<SampleQualityCounts>();
        services.AddHostedService<FeaturePipeline>();
        services.AddHostedService<ScoringService>();
        services.AddHostedService<ModelScoringService>();
        services.AddHostedService<AlertService>();
        services.AddHostedService<ModelAlertService>();

        // Outbox targets: the MQTT alert topic always; the time-series store when Sync:Url is set.
        services.AddSingleton<AlertPublisher>();
        services.AddSingleton<IOutboxTarget>(sp => sp.GetRequiredService<AlertPublisher>());
        AddDispatcher(services, sp => sp.GetRequiredService<AlertPublisher>(), _ => new OutboxDispatchSettings(
            BatchSize: 100, PollInterval: TimeSpan.FromSeconds(1), InitialBackoff: TimeSpan.FromSeconds(1), MaxBackoff: TimeSpan.FromSeconds(30)));
        services.AddSingleton(sp => PatientPseudonymizer.FromOptions(sp.GetRequiredService<IOptions<SyncOptions>>()));
        services.AddSingleton<TimeSeriesTarget>();
        services.AddHostedService<SyncIdleNotice>();
        return services;
    }

    /// <summary>Adds the time-series target and its dispatcher; call only when Sync:Url is configured.</summary>
    public static IServiceCollection AddTimeSeriesSync(this IServiceCollection services)
    {
        services.AddSingleton<IOutboxTarget>(sp => sp.GetRequiredService<TimeSeriesTarget>());
        services.AddHostedService<MinuteSummaryOutbox>();
        AddDispatcher(services, sp => sp.GetRequiredService<TimeSeriesTarget>(), sp =>
        {
            var sync = sp.GetRequiredService<IOptions<SyncOptions>>().Value;
            return new OutboxDispatchSettings(sync.BatchSize, sync.PollInterval, sync.InitialBackoff, sync.MaxBackoff);
        });

        // The gateway's own sync health (edge_health, once a minute) for the Grafana dashboard.
        services.AddSingleton<ITimeSeriesLineWriter>(sp => sp.GetRequiredService<TimeSeriesTarget>());
        services.AddHostedService(sp => ActivatorUtilities.CreateInstance<HealthPointWriter>(sp, Environment.MachineName));
        return services;
    }

    public static IServiceCollection AddDemoWard(this IServiceCollection services) =>
        services.AddHostedService<DemoWard>();

    private static void AddOptions<TOptions, TValidator>(IServiceCollection services, string section)
        where TOptions : class
        where TValidator : class, IValidateOptions<TOptions>
    {
        services.AddOptions<TOptions>().BindConfiguration(section).ValidateOnStart();
        services.AddSingleton<IValidateOptions<TOptions>, TValidator>();
    }

    private static void AddStageQueue<T>(IServiceCollection services, Func<IServiceProvider, int> capacity)
    {
        services.AddSingleton(sp => Channel.CreateBounded<T>(new BoundedChannelOptions(capacity(sp))
        {
            FullMode = BoundedChannelFullMode.Wait,
            SingleReader = true,
        }));
        services.AddSingleton(sp => sp.GetRequiredService<Channel<T>>().Reader);
        services.AddSingleton(sp => sp.GetRequiredService<Channel<T>>().Writer);
    }

    internal static void AddDispatcher(
        IServiceCollection services, Func<IServiceProvider, IOutboxTarget> target, Func<IServiceProvider, OutboxDispatchSettings> settings)
    {
        services.AddSingleton(sp => new OutboxDispatcherRegistration(new OutboxDispatcher(
            target(sp),
            settings(sp),
            sp.GetRequiredService<OutboxStore>(),
            sp.GetRequiredService<OutboxSignal>(),
            sp.GetRequiredService<EdgeMetrics>(),
            sp.GetRequiredService<TimeProvider>(),
            sp.GetRequiredService<ILogger<OutboxDispatcher>>())));

        // Each registration's dispatcher is also a hosted service; resolve the one just added.
        var index = services.Count(d => d.ServiceType == typeof(OutboxDispatcherRegistration)) - 1;
        services.AddSingleton<IHostedService>(sp => sp.GetServices<OutboxDispatcherRegistration>().ElementAt(index).Dispatcher);
    }

    private sealed class SyncIdleNotice(IOptions<SyncOptions> sync, ILogger<SyncIdleNotice> logger) : IHostedService
    {
        public Task StartAsync(CancellationToken cancellationToken)
        {
            if (!sync.Value.IsConfigured)
            {
                Log.SyncIdle(logger);
            }

            return Task.CompletedTask;
        }

        public Task StopAsync(CancellationToken cancellationToken) => Task.CompletedTask;
    }
}

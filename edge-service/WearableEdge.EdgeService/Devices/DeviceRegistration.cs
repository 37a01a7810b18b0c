using System.Text.Json;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Options;

namespace WearableEdge.EdgeService.Devices;

/// <summary>Composes the device registry: options, the registry, the ingest gate and its loading at start.</summary>
public static class DeviceRegistration
{
    /// <summary>Call after the store's migration service is added: hosted services start in order.</summary>
    public static IServiceCollection AddDeviceRegistry(this IServiceCollection services)
    {
        ArgumentNullException.ThrowIfNull(services);
        services.AddOptions<DeviceOptions>().BindConfiguration(DeviceOptions.SectionName).ValidateOnStart();
        services.AddSingleton<IValidateOptions<DeviceOptions>, DeviceOptionsValidator>();
        services.AddSingleton<DeviceRegistry>();
        services.AddSingleton<DeviceGate>();
        services.AddSingleton<Sync.IOutboxWithholding, ConsentWithholding>();
        services.AddHostedService<DeviceRegistryLoader>();
        services.ConfigureHttpJsonOptions(json => json.SerializerOptions.TypeInfoResolverChain.Insert(0, DeviceJsonContext.Default));
        return services;
    }
}

/// <summary>
/// Reads the registry from the store, then adds the seed file's entries, before ingest starts. With
/// <c>--demo</c> and <c>Devices:Registry=Enforce</c> the simulated ward registers its own devices and
/// consents, so the demo shows the registry at work instead of turning every message away.
/// </summary>
internal sealed class DeviceRegistryLoader(DeviceRegistry registry, IOptions<DeviceOptions> options, IOptions<Demo.DemoOptions> demo) : IHostedService
{
    public async Task StartAsync(CancellationToken cancellationToken)
    {
        await registry.LoadAsync(cancellationToken).ConfigureAwait(false);
        if (options.Value.SeedFile is { Length: > 0 } path)
        {
            await registry.SeedAsync(await ReadSeedAsync(path, cancellationToken).ConfigureAwait(false), cancellationToken).ConfigureAwait(false);
        }

        if (demo.Value.Enabled && options.Value.Registry == DeviceRegistryMode.Enforce)
        {
            await registry.SeedAsync(DemoSeed(demo.Value.Patients), cancellationToken).ConfigureAwait(false);
        }
    }

    /// <summary>The simulated ward: patient-001 wears dev-001 and so on (as DeviceSim's <c>Generation/Ward.cs</c> names them), each with consent recorded by <c>demo</c>.</summary>
    internal static DeviceSeed DemoSeed(int patients)
    {
        var numbers = Enumerable.Range(1, patients).Select(n => n.ToString("D3", System.Globalization.CultureInfo.InvariantCulture)).ToList();
        return new DeviceSeed(
            [.. numbers.Select(n => new DeviceSeedEntry($"dev-{n}", $"patient-{n}", null))],
            [.. numbers.Select(n => new ConsentSeedEntry($"patient-{n}", "monitoring (demo)", "demo"))]);
    }

    public Task StopAsync(CancellationToken cancellationToken) => Task.CompletedTask;

    /// <summary>Reads a seed file; a malformed one stops start-up with a message naming the key.</summary>
    internal static async Task<DeviceSeed> ReadSeedAsync(string path, CancellationToken cancellationToken)
    {
        var stream = File.OpenRead(path);
        await using (stream.ConfigureAwait(false))
        {
            try
            {
                var seed = await JsonSerializer.DeserializeAsync(stream, DeviceJsonContext.Default.DeviceSeed, cancellationToken).ConfigureAwait(false)
                    ?? throw new InvalidOperationException($"Devices:SeedFile '{path}' is empty.");
                var valid = (seed.Devices ?? []).All(d => d?.DeviceId is { } id && DeviceEndpoints.IsId(id) && (d.PatientId is null || DeviceEndpoints.IsId(d.PatientId)))
                    && (seed.Consents ?? []).All(c => c?.PatientId is { } id && DeviceEndpoints.IsId(id));
                if (!valid)
                {
                    throw new InvalidOperationException(
                        $"Devices:SeedFile '{path}': every device needs a deviceId, every consent a patientId (1–{DeviceEndpoints.MaxIdLength} characters, no spaces).");
                }

                return seed;
            }
            catch (JsonException e)
            {
                throw new InvalidOperationException($"Devices:SeedFile '{path}' is not a valid seed: {e.Message}", e);
            }
        }
    }
}

using System.Text.Json;
using Microsoft.Extensions.Options;
using WearableEdge.EdgeService.Devices;
using WearableEdge.EdgeService.Ingest;
using Xunit;

namespace WearableEdge.IntegrationTests.Deploy;

/// <summary>
/// What the installed gateway runs with: the device registry enforced with the shipped seed file,
/// and broker packet limits far above the ingest payload limit (deploy/mosquitto, the embedded broker).
/// </summary>
public sealed class WardConfigurationTests
{
    private static string Deploy(params string[] parts) => Path.Combine([DeployProcess.RepositoryRoot, "deploy", .. parts]);

    [Fact]
    public void ProductionSettingsAndUnit_EnforceTheRegistryWithTheInstalledSeed()
    {
        using var settings = JsonDocument.Parse(File.ReadAllText(Deploy("appsettings.Production.json")));
        var devices = settings.RootElement.GetProperty("Devices");
        Assert.Equal(nameof(DeviceRegistryMode.Enforce), devices.GetProperty("Registry").GetString());
        // The seed path comes from the unit: the published folder's settings must not name a file that exists only after install.sh.
        Assert.False(devices.TryGetProperty("SeedFile", out _));

        var unit = File.ReadAllLines(Deploy("systemd", "wearable-edge.service"));
        Assert.Contains("Environment=Devices__Registry=Enforce", unit);
        Assert.Contains("Environment=Devices__SeedFile=/etc/wearable-edge/devices.json", unit);
        // The site's env file comes after, so a site can still override (EnvironmentFile wins over Environment).
        Assert.True(
            Array.FindIndex(unit, l => l.StartsWith("EnvironmentFile=", StringComparison.Ordinal)) > Array.IndexOf(unit, "Environment=Devices__Registry=Enforce"),
            "EnvironmentFile= must follow the Devices environment lines");
    }

    [Fact]
    public async Task ShippedSeed_IsReadByTheService()
    {
        var seed = await DeviceRegistryLoader.ReadSeedAsync(Deploy("devices.json"), TestContext.Current.CancellationToken);

        Assert.Empty(seed.Devices ?? []);
        Assert.Empty(seed.Consents ?? []);
        Assert.True(new DeviceOptionsValidator().Validate(null, new DeviceOptions { Registry = DeviceRegistryMode.Enforce, SeedFile = Deploy("devices.json") }).Succeeded);
    }

    [Theory]
    [InlineData("mosquitto", "mosquitto.conf")]
    [InlineData("compose", "mosquitto", "mosquitto.conf")]
    public void MosquittoConf_MaxPacketSize_FarAboveTheIngestLimitAndAtLeastTheEmbeddedBrokers(params string[] path)
    {
        var sizes = File.ReadAllLines(Deploy(path))
            .Select(l => l.Trim())
            .Where(l => l.StartsWith("max_packet_size ", StringComparison.Ordinal))
            .Select(l => int.Parse(l["max_packet_size ".Length..], System.Globalization.CultureInfo.InvariantCulture))
            .ToList();

        var size = Assert.Single(sizes);
        Assert.InRange(size, new MqttOptions().EmbeddedMaxPayloadBytes, new MqttOptions().EmbeddedMaxPayloadBytes + 4096);
        Assert.True(size >= 2 * PayloadDecoder.MaxPayloadBytes, $"max_packet_size {size} must stay well above Ingest:MaxPayloadBytes ({PayloadDecoder.MaxPayloadBytes}) and its dead letter");
        Assert.True(Options.Create(new MqttOptions()).Value.EmbeddedMaxPayloadBytes >= MqttOptions.MinEmbeddedMaxPayloadBytes);
    }
}

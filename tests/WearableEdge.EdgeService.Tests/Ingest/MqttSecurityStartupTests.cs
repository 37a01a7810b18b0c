namespace WearableEdge.EdgeService.Tests.Ingest;

/// <summary>MQTT security settings through the real host builder: a bad one stops the service at start, naming the key.</summary>
[Collection(SiteKeyEnvironment.Name)]
public sealed class MqttSecurityStartupTests : IDisposable
{
    private readonly TestDataDirectory _folder = new();

    public void Dispose() => _folder.Dispose();

    private async Task<string> StartFailureMessageAsync(params string[] settings)
    {
        string[] args = [.. settings, "--urls=http://127.0.0.1:0", "--Mqtt:EmbeddedPort=0", "--Logging:LogLevel:Default=None", $"--Storage:DataDirectory={_folder.Path}"];
        var app = EdgeServiceHost.Build(args);
        await using (app)
        {
            var error = await Assert.ThrowsAnyAsync<Exception>(() => app.StartAsync(TestContext.Current.CancellationToken));
            Assert.True(EdgeServiceHost.IsConfigurationError(error, out var message), error.ToString());
            return message;
        }
    }

    [Fact]
    public async Task StartAsync_EmbeddedBrokerOnAllInterfacesWithoutCredentials_NamesMqttEmbeddedBindAddress()
    {
        var message = await StartFailureMessageAsync("--Mqtt:EmbeddedBindAddress=0.0.0.0");

        Assert.Contains("Mqtt:EmbeddedBindAddress is 0.0.0.0, beyond loopback", message, StringComparison.Ordinal);
        Assert.Contains("Mqtt:Username", message, StringComparison.Ordinal);
    }

    [Fact]
    public async Task StartAsync_MqttsWithMissingCaFile_NamesMqttCaFile()
    {
        var message = await StartFailureMessageAsync("--Mqtt:BrokerUrl=mqtts://127.0.0.1:9", $"--Mqtt:CaFile={Path.Combine(_folder.Path, "absent.crt")}");

        Assert.StartsWith("Mqtt:CaFile: cannot read", message, StringComparison.Ordinal);
    }

    [Fact]
    public async Task StartAsync_PasswordFileMissing_NamesMqttPasswordFile()
    {
        var message = await StartFailureMessageAsync(
            "--Mqtt:BrokerUrl=mqtt://127.0.0.1:9", "--Mqtt:Username=wearable-edge", $"--Mqtt:PasswordFile={Path.Combine(_folder.Path, "absent")}");

        Assert.StartsWith("Mqtt:PasswordFile: cannot read", message, StringComparison.Ordinal);
    }
}

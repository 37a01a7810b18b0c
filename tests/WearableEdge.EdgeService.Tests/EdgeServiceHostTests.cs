using Microsoft.Extensions.Options;

namespace WearableEdge.EdgeService.Tests;

/// <summary>
/// Start-up through the real host builder: a bad setting must stop the service before it does
/// anything, with a message naming the key (STYLE.md: configuration fails at start-up).
/// </summary>
[Collection(SiteKeyEnvironment.Name)]
public sealed class EdgeServiceHostTests : IDisposable
{
    private readonly TestDataDirectory _folder = new();

    public void Dispose() => _folder.Dispose();

    private async Task<Exception> StartFailureAsync(params string[] settings)
    {
        string[] args = [.. settings, "--urls=http://127.0.0.1:0", "--Mqtt:EmbeddedPort=0", "--Logging:LogLevel:Default=None", $"--Storage:DataDirectory={_folder.Path}"];
        var app = EdgeServiceHost.Build(args);
        await using (app)
        {
            return await Assert.ThrowsAnyAsync<Exception>(() => app.StartAsync(TestContext.Current.CancellationToken));
        }
    }

    [Fact]
    public async Task StartAsync_HttpBrokerUrl_IsConfigurationErrorNamingMqttBrokerUrl()
    {
        var error = await StartFailureAsync("--Mqtt:BrokerUrl=http://nope");

        Assert.True(EdgeServiceHost.IsConfigurationError(error, out var message), error.ToString());
        Assert.Contains("Mqtt:BrokerUrl", message, StringComparison.Ordinal);
    }

    [Fact]
    public async Task StartAsync_MinimumCoverage2_IsConfigurationErrorNamingAlertsMinimumCoverage()
    {
        var error = await StartFailureAsync("--Alerts:MinimumCoverage=2");

        Assert.True(EdgeServiceHost.IsConfigurationError(error, out var message), error.ToString());
        Assert.Contains("Alerts:MinimumCoverage", message, StringComparison.Ordinal);
    }

    [Fact]
    public async Task StartAsync_DurationNotATimeSpan_IsConfigurationError()
    {
        var error = await StartFailureAsync("--Alerts:ConditionDelay=fifteen seconds");

        Assert.True(EdgeServiceHost.IsConfigurationError(error, out var message), error.ToString());
        Assert.Contains("ConditionDelay", message, StringComparison.Ordinal);
    }

    [Fact]
    public async Task StartAsync_SyncUrlWithoutSiteKey_IsConfigurationErrorNamingSyncSiteKeyFile()
    {
        using var _ = SiteKeyEnvironment.Set(null);

        var error = await StartFailureAsync("--Sync:Url=http://127.0.0.1:9");

        Assert.True(EdgeServiceHost.IsConfigurationError(error, out var message), error.ToString());
        Assert.Contains("Sync:SiteKeyFile", message, StringComparison.Ordinal);
    }

    [Fact]
    public async Task StartAsync_SiteKeyFileTooShort_IsConfigurationErrorNamingSyncSiteKeyFile()
    {
        using var _ = SiteKeyEnvironment.Set(null);
        var keyFile = Path.Combine(_folder.Path, "site.key");
        await File.WriteAllTextAsync(keyFile, "short", TestContext.Current.CancellationToken);

        var error = await StartFailureAsync("--Sync:Url=http://127.0.0.1:9", $"--Sync:SiteKeyFile={keyFile}");

        Assert.True(EdgeServiceHost.IsConfigurationError(error, out var message), error.ToString());
        Assert.Contains("Sync:SiteKeyFile", message, StringComparison.Ordinal);
    }

    [Fact]
    public async Task ValidateConfiguration_TwoBadKeys_ReportsBothBeforeStart()
    {
        string[] args = ["--Alerts:MinimumCoverage=3", "--Mqtt:EmbeddedPort=99999", "--urls=http://127.0.0.1:0", "--Logging:LogLevel:Default=None", $"--Storage:DataDirectory={_folder.Path}"];
        var app = EdgeServiceHost.Build(args);
        await using (app)
        {
            var error = Assert.ThrowsAny<Exception>(() => EdgeServiceHost.ValidateConfiguration(app));

            Assert.True(EdgeServiceHost.IsConfigurationError(error, out var message), error.ToString());
            Assert.Contains("Alerts:MinimumCoverage", message, StringComparison.Ordinal);
            Assert.Contains("Mqtt:EmbeddedPort", message, StringComparison.Ordinal);
        }
    }

    [Fact]
    public void IsConfigurationError_UnrelatedException_IsFalseWithEmptyMessage()
    {
        Assert.False(EdgeServiceHost.IsConfigurationError(new InvalidOperationException("disk full"), out var message));
        Assert.Equal("", message);
    }

    [Fact]
    public void IsConfigurationError_OptionsValidationException_JoinsFailures()
    {
        var error = new OptionsValidationException("Mqtt", typeof(object), ["Mqtt:A is bad.", "Mqtt:B is bad."]);

        Assert.True(EdgeServiceHost.IsConfigurationError(error, out var message));
        Assert.Contains("Mqtt:A is bad.", message, StringComparison.Ordinal);
        Assert.Contains("Mqtt:B is bad.", message, StringComparison.Ordinal);
    }
}

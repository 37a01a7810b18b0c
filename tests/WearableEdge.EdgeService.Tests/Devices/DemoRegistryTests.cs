using System.Text.Json;
using Microsoft.AspNetCore.Builder;
using Microsoft.Extensions.DependencyInjection;
using WearableEdge.EdgeService.Devices;
using WearableEdge.EdgeService.Tests.Auth;

namespace WearableEdge.EdgeService.Tests.Devices;

/// <summary><c>--demo</c> with <c>Devices:Registry=Enforce</c>: the simulated ward registers itself, and its messages get through.</summary>
[Collection(SiteKeyEnvironment.Name)]
public sealed class DemoRegistryTests : IAsyncDisposable
{
    private readonly TestDataDirectory _data = new();
    private readonly TestDataDirectory _models = new();
    private WebApplication? _app;

    public async ValueTask DisposeAsync()
    {
        if (_app is not null)
        {
            await _app.StopAsync(CancellationToken.None);
            await _app.DisposeAsync();
        }

        _models.Dispose();
        _data.Dispose();
    }

    [Fact]
    public void DemoSeed_ThreePatients_EachDeviceOnItsPatientWithConsent()
    {
        var seed = DeviceRegistryLoader.DemoSeed(3);

        Assert.Equal(["dev-001", "dev-002", "dev-003"], seed.Devices!.Select(d => d.DeviceId));
        Assert.Equal(["patient-001", "patient-002", "patient-003"], seed.Devices!.Select(d => d.PatientId));
        Assert.Equal(["patient-001", "patient-002", "patient-003"], seed.Consents!.Select(c => c.PatientId));
    }

    [Fact]
    public async Task Demo_Enforce_WardMessagesAcceptedNoneUnknown()
    {
        var ct = TestContext.Current.CancellationToken;
        _app = EdgeServiceHost.Build(
        [
            EdgeServiceHost.DemoFlag, "--urls=http://127.0.0.1:0", "--Logging:LogLevel:Default=None", "--Demo:Patients=2", "--Demo:Speed=1",
            $"--Storage:DataDirectory={_data.Path}", $"--Models:Path={_models.Path}", "--Models:WatchFolder=false",
            "--Devices:Registry=Enforce",
        ]);
        EdgeServiceHost.ValidateConfiguration(_app);
        await _app.StartAsync(ct);
        using var http = TestAccess.Client(_app, token: null);
        JsonElement ingest = default;

        await Polling.WaitUntilAsync(
            async () =>
            {
                using var document = JsonDocument.Parse(await http.GetStringAsync("/health", ct));
                ingest = document.RootElement.GetProperty("ingest").Clone();
                return ingest.GetProperty("messagesAccepted").TryGetProperty("vitals", out var vitals) && vitals.GetInt64() >= 2;
            },
            "the demo ward's vitals accepted under Enforce",
            timeout: TimeSpan.FromSeconds(30));

        Assert.False(ingest.GetProperty("messagesRejected").TryGetProperty(DeviceRejectReason.UnknownDevice, out _));
        Assert.False(ingest.GetProperty("messagesRejected").TryGetProperty(DeviceRejectReason.NoConsent, out _));
        Assert.True(_app.Services.GetRequiredService<DeviceRegistry>().HasConsent("patient-002"));
    }
}

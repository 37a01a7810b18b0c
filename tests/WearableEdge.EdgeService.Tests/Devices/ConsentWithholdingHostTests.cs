using System.Globalization;
using Microsoft.AspNetCore.Builder;
using Microsoft.Extensions.DependencyInjection;
using WearableEdge.EdgeService.Devices;
using WearableEdge.EdgeService.Storage;
using WearableEdge.EdgeService.Sync;
using WearableEdge.EdgeService.Tests.Auth;

namespace WearableEdge.EdgeService.Tests.Devices;

/// <summary>The real host wires consent into the outbox: with <c>Enforce</c> its outbox withholds a withdrawn patient's entries for the store; with <c>Off</c> it does not.</summary>
[Collection(SiteKeyEnvironment.Name)]
public sealed class ConsentWithholdingHostTests
{
    private static CancellationToken Ct => TestContext.Current.CancellationToken;

    private static OutboxSummary Summary(string patient, DateTimeOffset minute) => new(
        minute,
        "{\"patientId\":\"" + patient + "\",\"minuteStart\":\"" + minute.ToString("O", CultureInfo.InvariantCulture) + "\",\"coverage\":1,\"vitals\":{}}");

    [Theory]
    [InlineData("Enforce", new[] { "P-2" })]
    [InlineData("Off", new[] { "P-1", "P-2" })]
    public async Task HostOutbox_AfterWithdrawal_ClaimsOnlyWhatConsentCovers(string mode, string[] expected)
    {
        using var data = new TestDataDirectory();
        using var models = new TestDataDirectory();
        var app = EdgeServiceHost.Build(
        [
            "--urls=http://127.0.0.1:0", "--Mqtt:EmbeddedPort=0", "--Logging:LogLevel:Default=None",
            $"--Storage:DataDirectory={data.Path}", $"--Models:Path={models.Path}", "--Models:WatchFolder=false",
            $"--Devices:Registry={mode}",
        ]);
        await using (app)
        {
            await app.StartAsync(Ct);
            try
            {
                var registry = app.Services.GetRequiredService<DeviceRegistry>();
                var outbox = app.Services.GetRequiredService<OutboxStore>();
                var time = app.Services.GetRequiredService<TimeProvider>();
                await registry.RecordConsentAsync("P-1", "monitoring", "admin", Ct);
                await registry.RecordConsentAsync("P-2", "monitoring", "admin", Ct);
                var minute = time.GetUtcNow().AddMinutes(-5);
                // No Sync:Url, so no dispatcher drains "tsdb": the claim below is the only reader.
                await outbox.AdmitSummariesAsync(TimeSeriesTarget.TargetName, [Summary("P-1", minute), Summary("P-2", minute)], 1_000, time.GetUtcNow(), Ct);
                await registry.WithdrawConsentAsync("P-1", "privacy-officer", Ct);

                var claimed = await outbox.ClaimDueAsync(TimeSeriesTarget.TargetName, time.GetUtcNow(), 10, Ct);

                Assert.Equal(expected, claimed.Select(e => System.Text.Json.JsonDocument.Parse(e.Payload).RootElement.GetProperty("patientId").GetString()));

                // /health (no sign-in) says how much was held back, without naming anyone.
                using var http = TestAccess.Client(app, token: null);
                using var health = System.Text.Json.JsonDocument.Parse(await http.GetStringAsync(new Uri("/health", UriKind.Relative), Ct));
                Assert.Equal(2 - expected.Length, health.RootElement.GetProperty("sync").GetProperty("withheldNoConsent").GetInt64());
            }
            finally
            {
                await app.StopAsync(Ct);
            }
        }
    }
}

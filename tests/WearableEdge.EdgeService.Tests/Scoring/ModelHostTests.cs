using System.Net;
using System.Net.Http.Json;
using System.Text.Json;
using System.Threading.Channels;
using Microsoft.Extensions.DependencyInjection;
using WearableEdge.Clinical.Samples;
using WearableEdge.EdgeService.Storage;

namespace WearableEdge.EdgeService.Tests.Scoring;

/// <summary>Models through the real host: start-up refuses a bad model; <c>/api/models</c> lists and reloads; <c>/metrics</c> counts.</summary>
[Collection(SiteKeyEnvironment.Name)]
public sealed class ModelHostTests : IDisposable
{
    private const string Id = "deterioration-sepsis-6h";
    private readonly TestDataDirectory _data = new();
    private readonly TestDataDirectory _models = new();

    public void Dispose()
    {
        _models.Dispose();
        _data.Dispose();
    }

    private Microsoft.AspNetCore.Builder.WebApplication Build() => EdgeServiceHost.Build(
    [
        "--urls=http://127.0.0.1:0", "--Mqtt:EmbeddedPort=0", "--Logging:LogLevel:Default=None",
        $"--Storage:DataDirectory={_data.Path}", $"--Models:Path={_models.Path}", "--Models:WatchFolder=false",
    ]);

    [Fact]
    public async Task StartAsync_FeatureOrderDiffers_IsConfigurationErrorNamingModelAndFeature()
    {
        TestModels.Write(_models.Path, TestModels.Deterioration, Id, "1.0.0", m => m with
        {
            Inputs = m.Inputs with { Features = [m.Inputs.Features[1], m.Inputs.Features[0], .. m.Inputs.Features.Skip(2)] },
        });
        var app = Build();
        await using (app)
        {
            var error = await Assert.ThrowsAnyAsync<Exception>(() => app.StartAsync(TestContext.Current.CancellationToken));

            Assert.True(EdgeServiceHost.IsConfigurationError(error, out var message), error.ToString());
            Assert.Equal(
                $"Models:Path: Model {Id} 1.0.0: feature 1 is 'heartRate_mean_6h' in model.json but 'heartRate_last' in the Clinical code (21 vs 21 features).",
                message);
        }
    }

    [Fact]
    public async Task ValidateConfiguration_WrongHash_IsConfigurationErrorBeforeStart()
    {
        TestModels.Write(_models.Path, TestModels.Fall, "fall-detection", "1.0.0", m => m with { OnnxSha256 = new string('0', 64) });
        var app = Build();
        await using (app)
        {
            var error = Assert.ThrowsAny<Exception>(() => EdgeServiceHost.ValidateConfiguration(app));

            Assert.True(EdgeServiceHost.IsConfigurationError(error, out var message), error.ToString());
            Assert.StartsWith("Models:Path: Model fall-detection 1.0.0: SHA-256 of model.onnx is ", message, StringComparison.Ordinal);
        }
    }

    [Fact]
    public async Task ApiModels_ListsLoadedModels_AndReloadReportsFailedCandidate()
    {
        TestModels.Write(_models.Path, TestModels.Deterioration, Id, "1.0.0");
        TestModels.Write(_models.Path, TestModels.Fall, "fall-detection", "1.0.0");
        var app = Build();
        await using (app)
        {
            await app.StartAsync(TestContext.Current.CancellationToken);
            using var http = await WearableEdge.EdgeService.Tests.Auth.TestAccess.ClientAsync(app, WearableEdge.EdgeService.Auth.Roles.Admin, TestContext.Current.CancellationToken);

            using var listed = JsonDocument.Parse(await http.GetStringAsync("/api/models", TestContext.Current.CancellationToken));
            var models = listed.RootElement.GetProperty("models").EnumerateArray().ToList();
            Assert.Equal([Id, "fall-detection"], models.Select(m => m.GetProperty("id").GetString()));
            Assert.Equal(21, models[0].GetProperty("featureCount").GetInt32());
            Assert.Equal(TestModels.Manifest(TestModels.Deterioration, Id, "1.0.0").OnnxSha256, models[0].GetProperty("sha256").GetString());
            Assert.Equal("high", models[0].GetProperty("thresholds")[0].GetProperty("priority").GetString());
            Assert.Equal("synthetic test rows", models[0].GetProperty("trainingData").GetString());

            TestModels.Write(_models.Path, TestModels.DeteriorationOther, Id, "1.1.0", m => m with { OnnxSha256 = new string('0', 64) });
            using var reload = await http.PostAsync("/api/models/reload", null, TestContext.Current.CancellationToken);
            Assert.Equal(HttpStatusCode.OK, reload.StatusCode);
            using var reloaded = JsonDocument.Parse(await reload.Content.ReadAsStringAsync(TestContext.Current.CancellationToken));
            var failed = reloaded.RootElement.GetProperty("outcomes").EnumerateArray().Single(o => o.GetProperty("modelId").GetString() == Id);
            Assert.Equal("failed", failed.GetProperty("outcome").GetString());
            var after = reloaded.RootElement.GetProperty("models");
            Assert.Equal("1.0.0", after.GetProperty("models")[0].GetProperty("version").GetString());
            Assert.Contains("SHA-256", after.GetProperty("lastReloadError").GetProperty("message").GetString(), StringComparison.Ordinal);

            var metrics = await http.GetStringAsync("/metrics", TestContext.Current.CancellationToken);
            Assert.Contains("wearable_edge_models_loaded 2\n", metrics, StringComparison.Ordinal);
            Assert.Contains($"wearable_edge_model_reload_failures_total{{model=\"{Id}\"}} 1\n", metrics, StringComparison.Ordinal);
            await app.StopAsync(TestContext.Current.CancellationToken);
        }
    }

    [Fact]
    public async Task SimulatedDeterioration_ShippedModel_RaisesStoredModelAlertWithProvenanceAndInterval()
    {
        var shipped = Path.Combine(AppContext.BaseDirectory, "models", Id);
        if (!Directory.Exists(shipped))
        {
            Assert.Skip($"No {Id} model is shipped yet (models/{Id}/<version>/ in the repository).");
        }

        var app = EdgeServiceHost.Build(
        [
            "--urls=http://127.0.0.1:0", "--Mqtt:EmbeddedPort=0", "--Logging:LogLevel:Default=None",
            $"--Storage:DataDirectory={_data.Path}", "--Models:WatchFolder=false",
        ]);
        await using (app)
        {
            await app.StartAsync(TestContext.Current.CancellationToken);
            var samples = app.Services.GetRequiredService<ChannelWriter<WearableSample>>();
            var store = app.Services.GetRequiredService<AlertStore>();

            // Seven hours of 1 Hz vitals ending now: stable for an hour, then heart rate, respiration
            // and temperature rise while SpO2 and blood pressure fall, as in early sepsis.
            var end = TimeProvider.System.GetUtcNow();
            var start = end.AddHours(-7);
            for (var t = 0; t < 7 * 3600; t++)
            {
                var worse = Math.Max(0, (t - 3600) / (6.0 * 3600));
                var vitals = new VitalSigns(80 + (45 * worse), 97 - (6 * worse), 16 + (12 * worse), 36.9 + (2.0 * worse), 125 - (30 * worse));
                await samples.WriteAsync(new WearableSample("p-e2e", "dev-e2e", start.AddSeconds(t), vitals), TestContext.Current.CancellationToken);
            }

            IReadOnlyList<Contracts.AlertMessage> alerts = [];
            await Polling.WaitUntilAsync(
                async () => (alerts = await store.GetRecentAsync(1000, TestContext.Current.CancellationToken)).Any(a => a.ScoreSourceKind == "model"),
                "a model alert is in the local store",
                timeout: TimeSpan.FromSeconds(60));
            var alert = alerts.Where(a => a.ScoreSourceKind == "model").OrderBy(a => a.RaisedAt).First();
            var manifest = EdgeService.Scoring.Models.ModelLoader.ReadManifest(Directory.EnumerateDirectories(shipped).Single());
            Assert.Equal(("deterioration", Id, manifest.Version, manifest.OnnxSha256), (alert.Type, alert.ScoreSourceId, alert.ScoreSourceVersion, alert.ScoreSourceSha256));
            Assert.InRange(alert.Probability!.Value, alert.ProbabilityLower!.Value, alert.ProbabilityUpper!.Value);
            Assert.Equal(21, alert.Features!.Count);
            Assert.NotEmpty(alert.TopFeatures!);
            Assert.Contains("age", alert.NotAssessed);
            Assert.Equal(TimeSpan.Zero, alert.WindowEnd - Clinical.Features.Trends.HourlySummaryBuilder.HourOf(alert.WindowEnd));
            Assert.StartsWith("Deterioration risk ", alert.Reason, StringComparison.Ordinal);
            TestContext.Current.TestOutputHelper?.WriteLine(alert.Reason);
            await app.StopAsync(TestContext.Current.CancellationToken);
        }
    }
}

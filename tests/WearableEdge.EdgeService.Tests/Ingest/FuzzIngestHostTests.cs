using System.Buffers;
using System.Globalization;
using System.Text;
using System.Text.Json;
using System.Text.RegularExpressions;
using Microsoft.AspNetCore.Builder;
using Microsoft.Extensions.DependencyInjection;
using WearableEdge.Clinical.Features;
using WearableEdge.Contracts;
using WearableEdge.EdgeService.Auth;
using WearableEdge.EdgeService.Features;
using WearableEdge.EdgeService.Ingest;
using WearableEdge.EdgeService.Tests.Auth;

namespace WearableEdge.EdgeService.Tests.Ingest;

/// <summary>
/// Rejections through the real host's ingest handler, read back as an operator sees them: per
/// reason on <c>/metrics</c> (Prometheus text) and per patient in <c>/api/patients</c>.
/// </summary>
[Collection(SiteKeyEnvironment.Name)]
public sealed partial class FuzzIngestHostTests : IAsyncLifetime
{
    private const string Patient = "p-fuzz-01";

    private readonly TestDataDirectory _data = new();
    private readonly TestDataDirectory _models = new();
    private WebApplication? _app;

    private static CancellationToken Ct => TestContext.Current.CancellationToken;

    public async ValueTask InitializeAsync()
    {
        _app = EdgeServiceHost.Build(
        [
            "--urls=http://127.0.0.1:0", "--Mqtt:EmbeddedPort=0", "--Logging:LogLevel:Default=None",
            $"--Storage:DataDirectory={_data.Path}", $"--Models:Path={_models.Path}", "--Models:WatchFolder=false",
            "--Ingest:MaxPayloadBytes=2048",
        ]);
        EdgeServiceHost.ValidateConfiguration(_app);
        await _app.StartAsync(Ct);
    }

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
    public async Task Rejections_are_counted_by_reason_on_metrics_and_per_patient()
    {
        var app = _app!;
        var handler = app.Services.GetRequiredService<MqttIngestHandler>();
        const string Device = """{"schemaVersion":1,"deviceId":"watch-42","ts":"2025-03-01T08:00:00Z","batteryPercent":81,"wearStatus":"on","signalQuality":0.9}""";

        await Send(Topics.Device(Patient), Device);
        await Send(Topics.Device(Patient), Device + new string(' ', 2048));
        await Send(Topics.Device(Patient), Device + new string(' ', 2048));
        await Send(Topics.Vitals(Patient), "{\"schemaVersion\":1,");
        await Send("not/a/topic", Device);

        // Samples the feature stage kept out of the windows, as it records them.
        var quality = app.Services.GetRequiredService<SampleQualityCounts>();
        quality.Record(Patient, SampleDisposition.Implausible);
        quality.Record(Patient, SampleDisposition.Implausible);
        quality.Record(Patient, SampleDisposition.PoorSignal);

        using var http = await TestAccess.ClientAsync(app, Roles.Admin, Ct);
        var metrics = await http.GetStringAsync("/metrics", Ct);

        // Every line of the exposition is a comment or `name{labels} value` (Prometheus text format 0.0.4).
        foreach (var line in metrics.Split('\n', StringSplitOptions.RemoveEmptyEntries))
        {
            Assert.True(line.StartsWith('#') || SampleLine().IsMatch(line), $"not Prometheus text: {line}");
        }

        Assert.Equal(2, Value(metrics, "wearable_edge_messages_rejected_total{reason=\"payload-too-large\"}"));
        Assert.Equal(1, Value(metrics, "wearable_edge_messages_rejected_total{reason=\"malformed-json\"}"));
        Assert.Equal(1, Value(metrics, "wearable_edge_messages_rejected_total{reason=\"unknown-topic\"}"));
        Assert.Equal(1, Value(metrics, "wearable_edge_messages_accepted_total{stream=\"device\"}"));

        using var patients = JsonDocument.Parse(await http.GetStringAsync("/api/patients", Ct));
        var patient = patients.RootElement.EnumerateArray().Single(p => p.GetProperty("patientId").GetString() == Patient);
        var ingest = patient.GetProperty("ingest");
        Assert.Equal(1, ingest.GetProperty("messagesAccepted").GetInt64());
        var rejected = ingest.GetProperty("messagesRejected");
        Assert.Equal(2, rejected.GetProperty("payload-too-large").GetInt64());
        Assert.Equal(1, rejected.GetProperty("malformed-json").GetInt64());
        Assert.Equal(2, rejected.EnumerateObject().Count());
        var sampleQuality = patient.GetProperty("sampleQuality");
        Assert.Equal(2, sampleQuality.GetProperty("implausible").GetInt64());
        Assert.Equal(1, sampleQuality.GetProperty("poorSignal").GetInt64());
        Assert.Equal(0, sampleQuality.GetProperty("tooLate").GetInt64());

        Task Send(string topic, string json) => handler.HandleAsync(topic, new ReadOnlySequence<byte>(Encoding.UTF8.GetBytes(json)));
    }

    private static long Value(string metrics, string series)
    {
        var line = Assert.Single(metrics.Split('\n'), l => l.StartsWith(series + " ", StringComparison.Ordinal));
        return long.Parse(line[(series.Length + 1)..], CultureInfo.InvariantCulture);
    }

    [GeneratedRegex("""^[a-zA-Z_:][a-zA-Z0-9_:]*(\{[a-zA-Z_][a-zA-Z0-9_]*="(?:[^"\\\n]|\\.)*"(,[a-zA-Z_][a-zA-Z0-9_]*="(?:[^"\\\n]|\\.)*")*\})? (-?[0-9.eE+-]+|NaN|\+Inf|-Inf)$""")]
    private static partial Regex SampleLine();
}

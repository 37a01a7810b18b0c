using System.Globalization;
using System.Text.Json;
using WearableEdge.Contracts;
using WearableEdge.IntegrationTests.Fixtures;
using Xunit;

namespace WearableEdge.IntegrationTests.EndToEnd;

/// <summary>
/// The device simulator CLI (a child process) publishes Open mHealth or FHIR R4 to Mosquitto; the
/// service accepts every message, windows the samples and raises the desaturation alert, with no
/// rejection.
/// </summary>
public sealed class SimulatorFormatsEndToEndTests(MosquittoFixture mosquitto) : IClassFixture<MosquittoFixture>
{
    private static readonly TimeSpan Patience = TimeSpan.FromSeconds(60);

    // 3 patients for 4 min of device time: vitals every 5 s, motion every 0.5 s, device status every 60 s (WardGenerator).
    private const int Patients = 3;
    private const int VitalsMessages = Patients * 240 / 5;
    private const int MotionMessages = Patients * 240 * 2;
    private const int DeviceMessages = Patients * 4;

    [Theory]
    [InlineData("omh", "C")]
    [InlineData("fhir", "F")]
    public async Task Desaturation_SimulatedInStandardFormat_AcceptedWindowedAndAlertedWithoutRejection(string format, string temperatureUnit)
    {
        var ct = TestContext.Current.CancellationToken;
        var broker = mosquitto.Broker.BrokerUri;
        await using var service = await EdgeServiceInstance.StartAsync(broker, timeSeriesStore: null, ct);
        await using var alerts = await MqttProbe.ConnectAsync(broker, "wearable-edge/alerts/#", ct);
        await using var wire = await MqttProbe.ConnectAsync(broker, "wearables/#", ct);
        await Eventually.ValueAsync(
            token => service.GetJsonAsync("health", token),
            json => json.GetProperty("broker").GetProperty("connected").GetBoolean(),
            Patience,
            "the service connecting to the broker",
            ct);

        var simulator = await EndToEndTests.RunSimulatorAsync(
            ["--broker", broker.ToString(), "--patients", Patients.ToString(CultureInfo.InvariantCulture), "--seed", "7", "--speed", "60",
             "--duration", "4m", "--event", "desaturation:patient-002:30s:10m", "--format", format, "--temperature-unit", temperatureUnit,
             "--client-id", $"sim-{Guid.NewGuid():N}"],
            ct);
        Assert.True(simulator.ExitCode == 0, simulator.Output);

        // The wire: vitals in the format's topic, never in v1; motion in omh for omh, v1 for fhir.
        var motionInFormat = format == "omh";
        await wire.WaitUntilAsync(m => m.Count >= VitalsMessages + MotionMessages + DeviceMessages, Patience, ct);
        var byStream = wire.Received.GroupBy(m => m.Topic.Split('/')[2]).ToDictionary(g => g.Key, g => g.Count());
        Assert.Equal(VitalsMessages + (motionInFormat ? MotionMessages : 0), byStream[format]);
        Assert.False(byStream.ContainsKey("vitals"));
        Assert.Equal(motionInFormat ? 0 : MotionMessages, byStream.GetValueOrDefault("motion"));
        Assert.Equal(DeviceMessages, byStream["device"]);

        // The service: every message accepted (vitals from the format's topic count as vitals), none rejected.
        var metrics = await Eventually.ValueAsync(
            token => service.Http.GetStringAsync("metrics", token),
            text => Counter(text, "messages_accepted", "stream", "vitals") == VitalsMessages
                && Counter(text, "messages_accepted", "stream", "motion") == MotionMessages
                && Counter(text, "messages_accepted", "stream", "device") == DeviceMessages,
            Patience,
            "every simulated message accepted",
            ct);
        Assert.DoesNotContain("wearable_edge_messages_rejected_total", metrics, StringComparison.Ordinal);
        var health = await service.GetJsonAsync("health", ct);
        Assert.Empty(health.GetProperty("ingest").GetProperty("messagesRejected").EnumerateObject());

        // The alert: patient-002's desaturation, from samples that came in the standard format.
        await alerts.WaitUntilAsync(
            messages => messages.Any(m => m.Topic == Topics.Alerts("patient-002")
                && JsonSerializer.Deserialize(m.Payload, ContractJsonContext.Default.AlertMessage)!.Type == "desaturation"),
            Patience,
            ct);
        var raised = alerts.Received.Select(m => JsonSerializer.Deserialize(m.Payload, ContractJsonContext.Default.AlertMessage)!).ToList();
        Assert.DoesNotContain(raised, a => a.PatientId != "patient-002");

        // Windows per patient, each patient's messages accepted and none rejected; patient-002's NEWS2 counts its low SpO2.
        var patients = await service.GetJsonAsync("api/patients", ct);
        foreach (var patient in Enumerable.Range(1, Patients).Select(p => $"patient-{p:000}"))
        {
            var view = patients.EnumerateArray().Single(p => p.GetProperty("patientId").GetString() == patient);
            Assert.Equal(JsonValueKind.Object, view.GetProperty("news2").ValueKind);
            var ingest = view.GetProperty("ingest");
            Assert.Equal((VitalsMessages + MotionMessages + DeviceMessages) / Patients, ingest.GetProperty("messagesAccepted").GetInt64());
            Assert.Empty(ingest.GetProperty("messagesRejected").EnumerateObject());
        }

        var desaturated = patients.EnumerateArray().Single(p => p.GetProperty("patientId").GetString() == "patient-002");
        Assert.True(desaturated.GetProperty("news2").GetProperty("total").GetInt32() >= 3, desaturated.GetProperty("news2").ToString());
    }

    /// <summary>The value of <c>wearable_edge_{family}_total{label="value"}</c> in Prometheus text, 0 when absent.</summary>
    private static long Counter(string prometheus, string family, string label, string value)
    {
        var prefix = $"wearable_edge_{family}_total{{{label}=\"{value}\"}} ";
        var line = prometheus.Split('\n').FirstOrDefault(l => l.StartsWith(prefix, StringComparison.Ordinal));
        return line is null ? 0 : long.Parse(line[prefix.Length..], CultureInfo.InvariantCulture);
    }
}

using System.Buffers;
using Hl7.Fhir.Model;
using Hl7.Fhir.Serialization;
using Microsoft.AspNetCore.Builder;
using Microsoft.Extensions.DependencyInjection;
using MQTTnet;
using MQTTnet.Protocol;
using WearableEdge.EdgeService.Fhir;
using WearableEdge.EdgeService.Ingest;
using WearableEdge.EdgeService.Storage;
using WearableEdge.EdgeService.Sync;
using Task = System.Threading.Tasks.Task;

namespace WearableEdge.EdgeService.Tests.Fhir;

/// <summary>
/// <c>wearable-edge/fhir/alerts/{patientId}</c> through the real host and its embedded broker:
/// an alert committed to the store arrives as FHIR JSON through the outbox, only when
/// <c>Fhir:PublishMqtt</c> is on.
/// </summary>
[Collection(SiteKeyEnvironment.Name)]
public sealed class FhirAlertPublisherTests : IDisposable
{
    private readonly TestDataDirectory _data = new();

    public void Dispose() => _data.Dispose();

    private WebApplication Build(params string[] settings) => EdgeServiceHost.Build(
    [
        .. settings,
        "--urls=http://127.0.0.1:0", "--Mqtt:EmbeddedPort=0", "--Logging:LogLevel:Default=None",
        $"--Storage:DataDirectory={_data.Path}", "--Models:WatchFolder=false",
    ]);

    [Fact]
    public async Task Host_PublishMqttOn_StoredAlertArrivesAsFhirOnItsTopic()
    {
        var ct = TestContext.Current.CancellationToken;
        await using var app = Build("--Fhir:PublishMqtt=true");
        await app.StartAsync(ct);
        var gateway = app.Services.GetRequiredService<MqttGatewayClient>();
        var received = new TaskCompletionSource<(string Topic, string Payload)>(TaskCreationOptions.RunContinuationsAsynchronously);
        using var subscriber = new MqttClientFactory().CreateMqttClient();
        subscriber.ApplicationMessageReceivedAsync += e =>
        {
            received.TrySetResult((e.ApplicationMessage.Topic, System.Text.Encoding.UTF8.GetString(e.ApplicationMessage.Payload.ToArray())));
            return Task.CompletedTask;
        };
        await subscriber.ConnectAsync(new MqttClientOptionsBuilder().WithTcpServer(gateway.Endpoint.Host, gateway.Endpoint.Port).WithClientId("fhir-probe").Build(), ct);
        await subscriber.SubscribeAsync(new MqttClientSubscribeOptionsBuilder().WithTopicFilter("wearable-edge/fhir/alerts/+", MqttQualityOfServiceLevel.AtLeastOnce).Build(), ct);

        await app.Services.GetRequiredService<AlertStore>().RecordAsync(TestAlerts.Raised(TestAlerts.Alert(id: "al-mqtt-1", patientId: "bed-07", priority: "high")), ct);

        var (topic, payload) = await received.Task.WaitAsync(TimeSpan.FromSeconds(15), ct);
        Assert.Equal("wearable-edge/fhir/alerts/bed-07", topic);
        var issue = new FhirJsonDeserializer(new DeserializerSettings().UsingMode(DeserializationMode.Strict)).Deserialize<DetectedIssue>(payload);
        Assert.Equal("al-mqtt-1", issue.Id);
        Assert.Equal(DetectedIssue.DetectedIssueSeverity.High, issue.Severity);
        await app.StopAsync(ct);
    }

    [Fact]
    public async Task Host_PublishMqttOff_HasNoFhirTarget()
    {
        await using var app = Build();

        Assert.DoesNotContain(app.Services.GetServices<IOutboxTarget>(), t => t.Name == FhirAlertPublisher.TargetName);
        Assert.Contains(app.Services.GetServices<IOutboxTarget>(), t => t.Name == "mqtt");
    }

    [Fact]
    public void Topic_InvalidPatientId_Throws()
    {
        Assert.Equal("wearable-edge/fhir/alerts/bed-07", FhirAlertPublisher.Topic("bed-07"));
        Assert.Throws<ArgumentException>(() => FhirAlertPublisher.Topic("bed/#"));
    }
}

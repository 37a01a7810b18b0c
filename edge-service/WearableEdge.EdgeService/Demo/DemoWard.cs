using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;
using WearableEdge.DeviceSim;
using WearableEdge.EdgeService.Ingest;

namespace WearableEdge.EdgeService.Demo;

/// <summary>
/// <c>--demo</c>: a simulated ward, in-process, publishing over real MQTT to the service's broker,
/// with the scripted events of <see cref="Scenarios.Demo"/> (a desaturation and a deterioration).
/// </summary>
internal sealed class DemoWard(
    BrokerEndpoint broker,
    IOptions<DemoOptions> options,
    TimeProvider timeProvider,
    ILogger<DemoWard> logger) : BackgroundService
{
    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        var demo = options.Value;
        var simulation = new SimulationOptions
        {
            Broker = broker.Uri,
            Patients = demo.Patients,
            Seed = demo.Seed,
            Speed = demo.Speed,
            Events = [.. Scenarios.Demo.Where(e => PatientNumber(e.PatientId) <= demo.Patients)],
            ClientId = "wearable-edge-demo-ward",
        };
        Log.DemoStarted(logger, demo.Patients, demo.Seed, demo.Speed, broker.ToString());
        try
        {
            await new WardSimulator(simulation, timeProvider).RunAsync(stoppingToken).ConfigureAwait(false);
        }
        catch (OperationCanceledException) when (stoppingToken.IsCancellationRequested)
        {
        }
        catch (Exception e)
        {
            Log.DemoFailed(logger, e);
        }
    }

    private static int PatientNumber(string patientId) =>
        int.TryParse(patientId.AsSpan(patientId.LastIndexOf('-') + 1), out var n) ? n : int.MaxValue;
}

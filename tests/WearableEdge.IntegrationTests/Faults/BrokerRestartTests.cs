using System.Diagnostics;
using WearableEdge.IntegrationTests.Fixtures;
using Xunit;

namespace WearableEdge.IntegrationTests.Faults;

/// <summary>Issue 6, fault 3: Mosquitto (persistence on) is restarted while the simulator publishes at QoS 1.</summary>
/// <remarks>
/// Ground truth: the simulator counts a message as published only when the broker acknowledged it
/// (PUBACK), republishes a message whose publish failed, and exits 0 only once its whole seeded
/// sequence was acknowledged, so every sample of that sequence was accepted by the broker for the
/// service's persistent session and must reach the service. A second subscriber on the broker
/// would not be ground truth: it loses what is published while it is itself disconnected.
/// </remarks>
[Collection(FaultCollection.Name)]
public sealed class BrokerRestartTests
{
    private static readonly TimeSpan Patience = TimeSpan.FromSeconds(45);

    [Fact(Timeout = 120_000)]
    public async Task Ingest_BrokerRestartedWhileSimulatorPublishes_NoAcknowledgedSampleMissing()
    {
        var ct = TestContext.Current.CancellationToken;
        await using var report = ReliabilityReport.ForCurrentTest();
        await using var broker = await MosquittoProcess.StartAsync(ct);
        await using var service = await EdgeServiceProcess.StartAsync(broker.BrokerUri, timeSeriesStore: null, "fault-broker-restart", [], ct);
        report.KeepLog("service", () => service.Output);
        report.KeepLog("mosquitto", () => broker.Log);
        await using var health = HealthWatch.Start(service, TimeSpan.FromMilliseconds(100));
        await health.WaitUntilAsync(h => h.BrokerConnected, Patience, "the service connecting to Mosquitto", ct);

        // The alerting ward, so alert transitions are published on the same connection throughout.
        var ward = SimulatedWard.Alerting(seed: 63, speed: 60) with
        {
            DeviceStart = new DateTimeOffset(2026, 3, 2, 8, 0, 0, TimeSpan.Zero),
        };
        await using var simulator = SimulatorRun.Start(ward, broker.BrokerUri, "fault-broker-restart-sim");

        // A quarter of the way in, the broker stops gracefully (it saves its sessions and queues)
        // and comes back on the same port and data folder.
        var beforeStop = await health.WaitUntilAsync(
            h => h.VitalsMessagesAccepted >= ward.VitalsMessages / 4, Patience, "a quarter of the vitals taken in", ct);
        await broker.StopAsync(ct);
        var stopped = Stopwatch.GetTimestamp();
        await health.WaitUntilAsync(h => !h.BrokerConnected, Patience, "the service noticing the broker is gone", ct);
        await broker.RestartAsync(ct);
        var downFor = Stopwatch.GetElapsedTime(stopped);
        var restarted = Stopwatch.GetTimestamp();
        var reconnected = await health.WaitUntilAsync(
            h => h.BrokerConnected && h.BrokerConnects >= 2, Patience, "the service reconnecting and subscribing again", ct);
        var reconnectTime = Stopwatch.GetElapsedTime(restarted);

        var simulated = await simulator.WaitForExitAsync(Patience, ct);
        Assert.True(simulated.ExitCode == 0, simulated.Output);

        ServiceHealth final;
        try
        {
            final = await health.WaitUntilAsync(
                h => h.SamplesAccepted >= ward.VitalsSamples, Patience, "every acknowledged sample reaching the service", ct);
        }
        catch (TimeoutException)
        {
            final = health.Latest!;
        }

        report.Add("messages published (simulator, acknowledged)", simulated.Published);
        report.Add("vitals messages in the sequence", ward.VitalsMessages);
        report.Add("vitals samples in the sequence", ward.VitalsSamples);
        report.Add("vitals messages taken in before the stop", beforeStop.VitalsMessagesAccepted);
        report.Add("broker down for", downFor);
        report.Add("reconnected after restart", reconnectTime);
        report.Add("broker connects", reconnected.BrokerConnects);
        report.Add("vitals messages accepted by the service", final.VitalsMessagesAccepted);
        report.Add("  re-delivered (duplicates, allowed)", final.VitalsMessagesAccepted - ward.VitalsMessages);
        report.Add("samples accepted", final.SamplesAccepted);
        report.Add("samples duplicate", final.SamplesDuplicate);
        report.Add("samples too late", final.SamplesTooLate);
        report.Add("samples screened out (poor signal, implausible)", final.SamplesScreenedOut);
        var missing = ward.VitalsSamples - (final.SamplesAccepted + final.SamplesScreenedOut);
        report.Add("samples missing", Math.Max(0, missing));

        Assert.Equal(ward.Messages, simulated.Published);
        // Every acknowledged sample reached the feature stage: windowed, or screened out as the
        // simulator's motion artefacts are (a re-delivered screened sample counts again, hence ≤).
        Assert.True(missing <= 0,
            $"{missing} of {ward.VitalsSamples} acknowledged samples never reached the service: {final}");
        Assert.True(final.VitalsMessagesAccepted >= ward.VitalsMessages, final.ToString());
    }
}

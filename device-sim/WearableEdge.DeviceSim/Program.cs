using System.Runtime.InteropServices;
using WearableEdge.DeviceSim;
using WearableEdge.DeviceSim.CommandLine;

var parsed = SimulatorCommandLine.Parse(args);
if (parsed.ShowHelp || parsed.Options is not { } options)
{
    if (parsed.Error is { } error)
    {
        await Console.Error.WriteLineAsync($"error: {error}\nRun with --help for usage.");
        return 2;
    }

    Console.Write(SimulatorCommandLine.Usage);
    return 0;
}

using var stop = new CancellationTokenSource();
Console.CancelKeyPress += (_, e) =>
{
    e.Cancel = true;
    stop.Cancel();
};
using var sigterm = PosixSignalRegistration.Create(PosixSignal.SIGTERM, context =>
{
    context.Cancel = true;
    stop.Cancel();
});

var simulator = new WardSimulator(options, TimeProvider.System);
Console.WriteLine($"Simulating {options.Patients} patients (seed {options.Seed}, speed {options.Speed}x, {options.Events.Count} events) to {options.Broker}.");
try
{
    await simulator.RunAsync(stop.Token);
}
catch (OperationCanceledException) when (stop.IsCancellationRequested)
{
    // Ctrl+C or SIGTERM: RunAsync has already disconnected cleanly; this is a normal exit.
}
catch (WearableEdge.DeviceSim.Publishing.BrokerRefusedException refused)
{
    await Console.Error.WriteLineAsync($"error: {refused.Message}");
    return 3;
}

Console.WriteLine($"Published {simulator.MessagesPublished} messages from device time {simulator.DeviceStart:O}.");
return 0;

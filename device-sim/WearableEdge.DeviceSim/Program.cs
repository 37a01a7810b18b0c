using System.Runtime.InteropServices;
using WearableEdge.DeviceSim.CommandLine;

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

return await SimulatorApp.RunAsync(args, Console.Out, Console.Error, stderrIsTerminal: !Console.IsErrorRedirected, TimeProvider.System, stop.Token);

using WearableEdge.EdgeService;

// `resolve-pseudonym p-…`: which local patient an upstream pseudonym stands for (gateway only).
if (args is ["resolve-pseudonym", var pseudonym, ..])
{
    return await EdgeServiceHost.ResolvePseudonymAsync(args[2..], pseudonym);
}

// `add-user --user NAME --role nurse|admin [--password-file F]`, `create-token --user NAME [--name LABEL] [--expires 30d]`.
if (args is [var verb, ..] && WearableEdge.EdgeService.Auth.AuthCommands.IsVerb(verb))
{
    return await WearableEdge.EdgeService.Auth.AuthCommands.RunAsync(args, Console.In, Console.Out, Console.Error);
}

WebApplication app;
try
{
    app = EdgeServiceHost.Build(args);
    EdgeServiceHost.ValidateConfiguration(app);
    await app.StartAsync();
}
catch (Exception e) when (EdgeServiceHost.IsConfigurationError(e, out var message))
{
    await Console.Error.WriteLineAsync($"WearableEdge cannot start: configuration error.{Environment.NewLine}{message}");
    return 2;
}

foreach (var address in app.ListeningAddresses())
{
    Console.WriteLine($"WearableEdge is running. HTTP API: {address}/  (alerts: {address}/api/alerts, patients: {address}/api/patients, health: {address}/health)");
}

Console.WriteLine("Press Ctrl+C to stop.");
await app.WaitForShutdownAsync();
Console.WriteLine("WearableEdge stopped.");
return WearableEdge.EdgeService.Hosting.StageExitCode.AfterStop(app.Services);

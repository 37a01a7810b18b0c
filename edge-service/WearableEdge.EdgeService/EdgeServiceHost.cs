using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Hosting.Server;
using Microsoft.AspNetCore.Hosting.Server.Features;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;
using WearableEdge.EdgeService.Api;
using WearableEdge.EdgeService.Auth;
using WearableEdge.EdgeService.Demo;
using WearableEdge.EdgeService.Fhir;
using WearableEdge.EdgeService.Hosting;
using WearableEdge.EdgeService.Security;
using WearableEdge.EdgeService.Storage;
using WearableEdge.EdgeService.Sync;

namespace WearableEdge.EdgeService;

/// <summary>Builds the web host from command-line arguments; used by Program and by the integration tests.</summary>
public static class EdgeServiceHost
{
    /// <summary>Address the HTTP API listens on when neither <c>--urls</c> nor ASPNETCORE_URLS says otherwise.</summary>
    public const string DefaultUrl = "http://127.0.0.1:5080";

    public const string DemoFlag = "--demo";

    public static WebApplication Build(string[] args)
    {
        ArgumentNullException.ThrowIfNull(args);
        var demo = args.Contains(DemoFlag, StringComparer.Ordinal);
        var builder = WebApplication.CreateBuilder(args.Where(a => a != DemoFlag).ToArray());

        if (demo)
        {
            // The demo needs no set-up: its own broker on a free port and a fresh store per run,
            // unless the command line or environment says otherwise.
            builder.Configuration.AddInMemoryCollection(new Dictionary<string, string?>
            {
                [$"{DemoOptions.SectionName}:Enabled"] = "true",
                ["Mqtt:EmbeddedPort"] = builder.Configuration["Mqtt:EmbeddedPort"] ?? "0",
                ["Storage:DataDirectory"] = builder.Configuration["Storage:DataDirectory"]
                    ?? Path.Combine(Path.GetTempPath(), "wearable-edge-demo", Guid.NewGuid().ToString("N")[..8]),
            });

            // The demo ward faster than real time stamps its samples ahead of the wall clock, by
            // design; the clock-skew check guards real devices, not the demo's own ward.
            if (builder.Configuration["Ingest:MaxClockSkew"] is null
                && builder.Configuration.GetValue<double?>($"{DemoOptions.SectionName}:Speed") is > 1)
            {
                builder.Configuration.AddInMemoryCollection(new Dictionary<string, string?> { ["Ingest:MaxClockSkew"] = "1.00:00:00" });
            }
        }

        if (string.IsNullOrEmpty(builder.Configuration[WebHostDefaults.ServerUrlsKey]))
        {
            builder.WebHost.UseUrls(DefaultUrl);
        }

        builder.AddEdgeHttps(DefaultUrl);

        // ASP.NET Core logs request paths and query strings at Information (for example
        // /api/alerts?patient=…): a patient id must never reach a log, so its framework logs stop
        // at Warning whatever the configuration says.
        builder.Logging.AddFilter("Microsoft.AspNetCore", level => level >= LogLevel.Warning);

        builder.Services.AddWearableEdge();
        builder.Services.AddSystemdIntegration();
        builder.Services.AddEdgeAuth();
        builder.Services.AddDashboard();
        if (!string.IsNullOrWhiteSpace(builder.Configuration[$"{SyncOptions.SectionName}:{nameof(SyncOptions.Url)}"]))
        {
            builder.Services.AddTimeSeriesSync();
        }

        if (builder.Configuration.GetValue<bool>(FhirRegistration.PublishMqttKey))
        {
            builder.Services.AddFhirAlertPublishing();
        }

        if (demo)
        {
            builder.Services.AddDemoWard();
        }

        var app = builder.Build();
        app.UseSecurityHeaders();
        app.UseEdgeHttps();
        app.UseEdgeAuth();
        app.MapWearableEdgeApi();
        app.MapAuthEndpoints();
        app.MapFhirEndpoints();
        app.MapWardApi();
        app.MapDashboard();
        return app;
    }

    /// <summary>
    /// Binds and validates every option now, before any stage starts, so a bad value is reported
    /// once, naming its key, instead of inside a host start-up failure. Then loads and checks the
    /// models (<c>Models:Path</c>) for the same reason.
    /// </summary>
    public static void ValidateConfiguration(WebApplication app)
    {
        ArgumentNullException.ThrowIfNull(app);
        app.Services.GetService<IStartupValidator>()?.Validate();
        app.Services.GetService<Scoring.Models.ModelRegistry>()?.LoadAtStartup();
    }

    /// <summary>
    /// Prints the local patient id behind <paramref name="pseudonym"/>, using the configured site
    /// key and data folder; exit code 0 when found, 1 when not, 2 on a configuration error.
    /// </summary>
    public static async Task<int> ResolvePseudonymAsync(string[] args, string pseudonym)
    {
        ArgumentNullException.ThrowIfNull(args);
        var builder = WebApplication.CreateBuilder(args);
        var storage = builder.Configuration.GetSection(StorageOptions.SectionName).Get<StorageOptions>() ?? new StorageOptions();
        var sync = builder.Configuration.GetSection(SyncOptions.SectionName).Get<SyncOptions>() ?? new SyncOptions();
        if (PatientPseudonymizer.ReadSiteKey(sync) is not { Length: >= PatientPseudonymizer.MinimumKeyBytes } key)
        {
            await Console.Error.WriteLineAsync(
                $"Sync:SiteKeyFile: no site key of at least {PatientPseudonymizer.MinimumKeyBytes} bytes in {SyncOptions.SiteKeyEnvironmentVariable} or Sync:SiteKeyFile.").ConfigureAwait(false);
            return 2;
        }

        if (!File.Exists(storage.DatabasePath))
        {
            await Console.Error.WriteLineAsync($"Storage:DataDirectory: no local store at {storage.DatabasePath}.").ConfigureAwait(false);
            return 2;
        }

        var patientId = await PseudonymLookup.ResolveAsync(new EdgeDatabase(Options.Create(storage)), new PatientPseudonymizer(key), pseudonym).ConfigureAwait(false);
        Console.WriteLine(patientId ?? $"{pseudonym}: no patient in the local store has this pseudonym under this site key.");
        return patientId is null ? 1 : 0;
    }

    /// <summary>The addresses the HTTP server listens on, once started.</summary>
    public static IReadOnlyList<string> ListeningAddresses(this WebApplication app)
    {
        ArgumentNullException.ThrowIfNull(app);
        return app.Services.GetRequiredService<IServer>().Features.Get<IServerAddressesFeature>()?.Addresses.ToList() ?? [];
    }

    /// <summary>True when start-up failed on configuration; the message names the key.</summary>
    public static bool IsConfigurationError(Exception exception, out string message)
    {
        ArgumentNullException.ThrowIfNull(exception);
        if (exception is AggregateException aggregate)
        {
            var messages = new List<string>();
            foreach (var inner in aggregate.Flatten().InnerExceptions)
            {
                if (!IsConfigurationError(inner, out var one))
                {
                    message = "";
                    return false;
                }

                messages.Add(one);
            }

            message = string.Join(Environment.NewLine, messages);
            return messages.Count > 0;
        }

        switch (exception)
        {
            case Scoring.Models.ModelValidationException model:
                message = $"{Scoring.Models.ModelOptions.SectionName}:{nameof(Scoring.Models.ModelOptions.Path)}: {model.Message}";
                return true;
            case OptionsValidationException validation:
                message = string.Join(Environment.NewLine, validation.Failures);
                return true;
            case InvalidOperationException { InnerException: System.Net.Sockets.SocketException } when exception.Message.StartsWith("Mqtt:", StringComparison.Ordinal):
                message = exception.Message;
                return true;
            case IOException { InnerException: Microsoft.AspNetCore.Connections.AddressInUseException } inUse:
                message = $"{inUse.Message} Choose another HTTP address with --urls http://127.0.0.1:<port>.";
                return true;
            case FormatException or InvalidOperationException when exception.Message.Contains("Failed to convert configuration value", StringComparison.Ordinal):
                message = exception.Message + (exception.InnerException is { } inner ? " " + inner.Message : "");
                return true;
            default:
                message = "";
                return false;
        }
    }
}

using System.Globalization;
using System.Text.Json;

namespace WearableEdge.Evaluation.Scenarios;

/// <summary>
/// The real edge service as a child process (<c>dotnet WearableEdge.EdgeService.dll</c>, built beside this
/// tool with the shipped models under <c>models/</c>), on a free loopback port with a fresh temp data folder,
/// pointed at the harness's broker; sync to a time-series store stays idle (no <c>Sync:Url</c>).
/// </summary>
internal sealed class EdgeServiceRun : IAsyncDisposable
{
    private readonly ToolProcess _process;
    private readonly HttpClient _http;

    private EdgeServiceRun(ToolProcess process, HttpClient http, string dataDirectory, IReadOnlyList<string> arguments)
    {
        _process = process;
        _http = http;
        DataDirectory = dataDirectory;
        Arguments = arguments;
    }

    public string DataDirectory { get; }

    /// <summary>The service's arguments after the dll, for the report.</summary>
    public IReadOnlyList<string> Arguments { get; }

    public string Output => _process.Output;

    /// <summary>
    /// Settings that keep the technical rules' meaning at <paramref name="speed"/>× device time. The service judges
    /// device statuses on the gateway clock (a tick every 5 s; device-off confirmed after 30 s, battery-low after 60 s:
    /// docs/configuration.md), so at 240× a 30 s delay would last 2 h of device time and no removal shorter than that
    /// could raise device-off. Dividing those delays and the tick by the speed makes them last the same device time.
    /// Clinical rules run on device time and are left at their defaults.
    /// </summary>
    /// <param name="speed">Device seconds per wall second; at 1 or below nothing changes.</param>
    public static IReadOnlyList<string> TechnicalTimingSettings(double speed)
    {
        if (speed <= 1)
        {
            return [];
        }

        static string Scaled(TimeSpan delay, double speed, TimeSpan floor)
        {
            var scaled = TimeSpan.FromTicks((long)(delay.Ticks / speed));
            return (scaled < floor ? floor : scaled).ToString("c", CultureInfo.InvariantCulture);
        }

        var floor = TimeSpan.FromMilliseconds(10);
        return
        [
            $"--Alerts:TickInterval={Scaled(TimeSpan.FromSeconds(5), speed, TimeSpan.FromMilliseconds(100))}",
            $"--Alerts:Rules:device-off:ConditionDelay={Scaled(TimeSpan.FromSeconds(30), speed, floor)}",
            $"--Alerts:Rules:device-off:ClearDelay={Scaled(TimeSpan.FromSeconds(10), speed, floor)}",
            $"--Alerts:Rules:battery-low:ConditionDelay={Scaled(TimeSpan.FromSeconds(60), speed, floor)}",
            $"--Alerts:Rules:battery-low:ClearDelay={Scaled(TimeSpan.FromSeconds(60), speed, floor)}",
            $"--Alerts:Rules:no-data:Silence={Scaled(TimeSpan.FromMinutes(2), speed, floor)}",
        ];
    }

    public bool HasExited => _process.HasExited;

    /// <summary>Path of the service binary the harness runs.</summary>
    public static string ServiceDll => Path.Combine(AppContext.BaseDirectory, "WearableEdge.EdgeService.dll");

    /// <summary>Starts the service and returns once <c>/health</c> answers (within 60 s).</summary>
    /// <param name="broker">The broker.</param>
    /// <param name="maxClockSkew">How far device time may run ahead of the gateway clock (accelerated time runs ahead).</param>
    /// <param name="settings">More <c>--Key=value</c> settings (after the harness's own).</param>
    /// <param name="cancellationToken">Cancels the start.</param>
    public static async Task<EdgeServiceRun> StartAsync(Uri broker, TimeSpan maxClockSkew, IReadOnlyList<string> settings, CancellationToken cancellationToken)
    {
        if (!File.Exists(ServiceDll))
        {
            throw new FileNotFoundException($"The edge service is not built beside the harness ({ServiceDll}); build tools/WearableEdge.Evaluation first.", ServiceDll);
        }

        var dataDirectory = Directory.CreateTempSubdirectory("wearableedge-eval-service-").FullName;
        var port = MosquittoBroker.FreePort().ToString(CultureInfo.InvariantCulture);
        string[] arguments =
        [
            $"--urls=http://127.0.0.1:{port}",
            $"--Mqtt:BrokerUrl={broker}",
            $"--Mqtt:ClientId=wearable-edge-eval-{Guid.NewGuid():N}",
            "--Mqtt:MaxReconnectDelay=00:00:02",
            $"--Storage:DataDirectory={dataDirectory}",
            // Raw samples are not needed to score alerts; skipping them spares the shared CPU.
            "--Storage:StoreRawSamples=false",
            "--Logging:LogLevel:Default=Warning",
            // At --speed F the simulator stamps device time up to the scenario's duration ahead of the wall clock.
            $"--Ingest:MaxClockSkew={maxClockSkew.ToString("c", CultureInfo.InvariantCulture)}",
            .. settings,
        ];
        var process = ToolProcess.Start("dotnet", [ServiceDll, .. arguments], dataDirectory);
        var http = new HttpClient { BaseAddress = new Uri($"http://127.0.0.1:{port}/"), Timeout = TimeSpan.FromSeconds(10) };
        var service = new EdgeServiceRun(process, http, dataDirectory, arguments);
        try
        {
            if (!await process.WaitUntilReadyAsync("The edge service", service.AnswersAsync, TimeSpan.FromSeconds(60), cancellationToken).ConfigureAwait(false))
            {
                throw new InvalidOperationException($"The edge service exited with code {process.ExitCode} at start. Its output:{Environment.NewLine}{process.Output}");
            }

            return service;
        }
        catch
        {
            await service.DisposeAsync().ConfigureAwait(false);
            throw;
        }
    }

    /// <summary><c>GET /health</c> (public): the ingest counters, for the report.</summary>
    public async Task<JsonElement?> GetHealthAsync(CancellationToken cancellationToken)
    {
        try
        {
            using var document = JsonDocument.Parse(await _http.GetStringAsync(new Uri("health", UriKind.Relative), cancellationToken).ConfigureAwait(false));
            return document.RootElement.Clone();
        }
        catch (HttpRequestException)
        {
            return null;
        }
    }

    public async ValueTask DisposeAsync()
    {
        _http.Dispose();
        await _process.DisposeAsync().ConfigureAwait(false);
        try
        {
            Directory.Delete(DataDirectory, recursive: true);
        }
        catch (IOException)
        {
            // A leftover temp folder is harmless.
        }
        catch (UnauthorizedAccessException)
        {
            // Likewise.
        }
    }

    private async Task<bool> AnswersAsync(CancellationToken cancellationToken)
    {
        try
        {
            using var response = await _http.GetAsync(new Uri("health", UriKind.Relative), cancellationToken).ConfigureAwait(false);
            return response.IsSuccessStatusCode;
        }
        catch (HttpRequestException)
        {
            return false;
        }
        catch (TaskCanceledException) when (!cancellationToken.IsCancellationRequested)
        {
            return false;
        }
    }
}

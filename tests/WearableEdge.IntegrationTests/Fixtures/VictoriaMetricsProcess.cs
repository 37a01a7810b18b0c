using System.Globalization;
using System.Net;
using System.Text.Json;

namespace WearableEdge.IntegrationTests.Fixtures;

/// <summary>
/// A real VictoriaMetrics single-node server (Debian package <c>victoria-metrics</c>, 1.79) on a
/// free 127.0.0.1 port, storing in its own temporary folder, kept across <see cref="RestartAsync"/>.
/// It stands in for InfluxDB: it ingests line protocol at <c>/api/v2/write</c> (and <c>/write</c>) and
/// names each series <c>{measurement}_{field}</c> with the tags as labels.
/// </summary>
/// <remarks>
/// Started with <c>-retentionPeriod=100y</c> (points with old fixed timestamps are kept) and
/// <c>-search.latencyOffset=0s</c> (fresh points are not hidden from queries). VictoriaMetrics drops
/// points more than about 2 days in the future.
/// </remarks>
public sealed class VictoriaMetricsProcess : IAsyncDisposable
{
    private const string DebianPath = "/usr/bin/victoria-metrics";
    private static readonly TimeSpan ExportPollInterval = TimeSpan.FromMilliseconds(100);

    private readonly HttpClient _http;
    private LoopbackServer? _server;

    private VictoriaMetricsProcess(HttpClient http) => _http = http;

    /// <summary>The TCP port, the same across restarts.</summary>
    public int Port => Server.Port;

    /// <summary><c>http://127.0.0.1:{Port}/</c>; write line protocol to <c>api/v2/write</c> under it.</summary>
    public Uri BaseUri => BaseUriFor(Port);

    /// <summary>The storage folder (<c>-storageDataPath</c>).</summary>
    public string DataDirectory => Server.DataDirectory;

    /// <summary>The server's log of every run so far, for failure messages.</summary>
    public string Log => Server.Log;

    private LoopbackServer Server => _server ?? throw new InvalidOperationException("VictoriaMetrics has not started.");

    /// <summary>Starts a server and returns once <c>GET /health</c> answers 200 (within 15 s).</summary>
    /// <exception cref="FileNotFoundException">VictoriaMetrics is not installed.</exception>
    /// <exception cref="InvalidOperationException">It exited during start-up; the message holds its log.</exception>
    /// <exception cref="TimeoutException">It did not become healthy in time.</exception>
    public static async Task<VictoriaMetricsProcess> StartAsync(CancellationToken cancellationToken = default)
    {
        var executable = ChildProcess.ResolveExecutable(DebianPath, "victoria-metrics", "victoria-metrics");
        var store = new VictoriaMetricsProcess(new HttpClient { Timeout = TimeSpan.FromSeconds(30) });
        try
        {
            var definition = new LoopbackServerDefinition(
                "VictoriaMetrics",
                executable,
                (port, dataDirectory) =>
                [
                    $"-httpListenAddr=127.0.0.1:{port.ToString(CultureInfo.InvariantCulture)}",
                    $"-storageDataPath={dataDirectory}",
                    "-search.latencyOffset=0s",
                    "-retentionPeriod=100y",
                ],
                store.IsHealthyAsync);
            store._server = await LoopbackServer.StartAsync(definition, cancellationToken);
            return store;
        }
        catch
        {
            store._http.Dispose();
            throw;
        }
    }

    /// <summary>Stops gracefully (SIGTERM: it flushes its data to disk), killing it after 10 s.</summary>
    public Task StopAsync(CancellationToken cancellationToken = default) => Server.StopAsync(cancellationToken);

    /// <summary>Kills at once (SIGKILL), like a crash: points not yet flushed to disk may be lost.</summary>
    public Task KillAsync(CancellationToken cancellationToken = default) => Server.KillAsync(cancellationToken);

    /// <summary>Stops the server if it runs, then starts it on the same port with the same data folder.</summary>
    public Task RestartAsync(CancellationToken cancellationToken = default) => Server.RestartAsync(cancellationToken);

    /// <summary>
    /// Asks the server to flush buffered points (<c>GET /internal/force_flush</c>). With 1.79 points
    /// still take up to about a second more to become searchable: use <see cref="WaitForExportAsync"/>
    /// to wait for them.
    /// </summary>
    public async Task ForceFlushAsync(CancellationToken cancellationToken = default)
    {
        using var response = await _http.GetAsync(new Uri(BaseUri, "internal/force_flush"), cancellationToken);
        await EnsureSuccessAsync(response, cancellationToken);
    }

    /// <summary>
    /// Exports every point of the series matching <paramref name="seriesSelector"/> (a PromQL series
    /// selector such as <c>fixture_probe_value{k="v"}</c>) over all time, as VictoriaMetrics' raw JSON
    /// lines: one line per series, <c>{"metric":{...},"values":[...],"timestamps":[ms...]}</c>.
    /// Empty when nothing matches.
    /// </summary>
    public async Task<string> ExportAsync(string seriesSelector, CancellationToken cancellationToken = default)
    {
        ArgumentException.ThrowIfNullOrWhiteSpace(seriesSelector);
        // Without start/end the export covers up to "now" only; a simulator running faster than real
        // time stamps its points in the future, so ask for all time, far future included.
        var uri = new Uri(BaseUri, $"api/v1/export?match[]={Uri.EscapeDataString(seriesSelector)}&start=0&end=4102444800");
        using var response = await _http.GetAsync(uri, cancellationToken);
        await EnsureSuccessAsync(response, cancellationToken);
        return await response.Content.ReadAsStringAsync(cancellationToken);
    }

    /// <summary>
    /// Flushes and exports until <paramref name="isComplete"/> accepts the export, and returns it.
    /// Polls because VictoriaMetrics makes points searchable asynchronously.
    /// </summary>
    /// <exception cref="TimeoutException">Not complete within <paramref name="timeout"/>; the message holds the last export.</exception>
    public async Task<string> WaitForExportAsync(
        string seriesSelector,
        Func<string, bool> isComplete,
        TimeSpan timeout,
        CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(isComplete);
        using var deadline = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
        deadline.CancelAfter(timeout);
        var export = string.Empty;
        try
        {
            while (true)
            {
                await ForceFlushAsync(deadline.Token);
                export = await ExportAsync(seriesSelector, deadline.Token);
                if (isComplete(export))
                {
                    return export;
                }

                await Task.Delay(ExportPollInterval, deadline.Token);
            }
        }
        catch (OperationCanceledException) when (!cancellationToken.IsCancellationRequested)
        {
            throw new TimeoutException(
                $"Export of {seriesSelector} was not complete within {timeout.TotalSeconds:0} s. Last export:" +
                $"{Environment.NewLine}{export}");
        }
    }

    /// <summary>Counts the distinct series (label sets) named <paramref name="metricName"/>, over all time.</summary>
    public async Task<int> CountSeriesAsync(string metricName, CancellationToken cancellationToken = default)
    {
        ArgumentException.ThrowIfNullOrWhiteSpace(metricName);
        if (metricName.Contains('"', StringComparison.Ordinal) || metricName.Contains('\\', StringComparison.Ordinal))
        {
            throw new ArgumentException("A metric name has no quotes or backslashes.", nameof(metricName));
        }

        // /api/v1/series searches only recent days unless given a start.
        var selector = Uri.EscapeDataString($"{{__name__=\"{metricName}\"}}");
        var uri = new Uri(BaseUri, $"api/v1/series?match[]={selector}&start=0");
        using var response = await _http.GetAsync(uri, cancellationToken);
        await EnsureSuccessAsync(response, cancellationToken);
        await using var body = await response.Content.ReadAsStreamAsync(cancellationToken);
        using var json = await JsonDocument.ParseAsync(body, cancellationToken: cancellationToken);
        return json.RootElement.GetProperty("data").GetArrayLength();
    }

    /// <summary>Kills the server and deletes its data folder.</summary>
    public async ValueTask DisposeAsync()
    {
        if (_server is not null)
        {
            await _server.DisposeAsync();
        }

        _http.Dispose();
    }

    private static Uri BaseUriFor(int port) => new($"http://127.0.0.1:{port.ToString(CultureInfo.InvariantCulture)}/");

    private static async Task EnsureSuccessAsync(HttpResponseMessage response, CancellationToken cancellationToken)
    {
        if (!response.IsSuccessStatusCode)
        {
            var body = await response.Content.ReadAsStringAsync(cancellationToken);
            throw new HttpRequestException(
                $"VictoriaMetrics answered {(int)response.StatusCode} to {response.RequestMessage?.RequestUri}: {body}",
                inner: null,
                response.StatusCode);
        }
    }

    private async Task<bool> IsHealthyAsync(int port, CancellationToken cancellationToken)
    {
        try
        {
            using var response = await _http.GetAsync(new Uri(BaseUriFor(port), "health"), cancellationToken);
            return response.StatusCode == HttpStatusCode.OK;
        }
        catch (HttpRequestException)
        {
            return false;
        }
    }
}

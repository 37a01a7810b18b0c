using System.Globalization;
using System.Net.Http.Json;
using System.Text;
using System.Text.Json;
using Microsoft.Data.Sqlite;
using WearableEdge.EdgeService.Sync;
using WearableEdge.IntegrationTests.Fixtures;

namespace WearableEdge.IntegrationTests.Faults;

/// <summary>
/// The edge service as a child process (<c>dotnet WearableEdge.EdgeService.dll</c>), as it runs on a
/// gateway, so a test can SIGKILL it like a power cut and start it again on the same data folder,
/// port and MQTT client id.
/// </summary>
internal sealed class EdgeServiceProcess : IAsyncDisposable
{
    /// <summary>Site key of the fault tests; the pseudonyms in the store's points derive from it.</summary>
    public const string SiteKey = "fault-test-site-key-0123456789abcdef";

    /// <summary>Generous: two cores may be busy with other processes the test started.</summary>
    private static readonly TimeSpan StartTimeout = TimeSpan.FromSeconds(45);

    private static readonly TimeSpan StopGracePeriod = TimeSpan.FromSeconds(15);

    private readonly IReadOnlyList<string> _arguments;
    private readonly StringBuilder _earlierOutput = new();
    private ChildProcess? _process;

    private EdgeServiceProcess(IReadOnlyList<string> arguments, string dataDirectory, Uri baseUri, string adminToken)
    {
        _arguments = arguments;
        DataDirectory = dataDirectory;
        BaseUri = baseUri;
        Http = TestAccess.Client(baseUri, adminToken);
    }

    public Uri BaseUri { get; }

    public string DataDirectory { get; }

    public string DatabasePath => Path.Combine(DataDirectory, "wearable-edge.db");

    /// <summary>Signed in as an admin (a bearer token written into the store before the first start).</summary>
    public HttpClient Http { get; }

    /// <summary>A client signed in as a new user of <paramref name="role"/> (<c>nurse</c> or <c>admin</c>); the caller disposes it.</summary>
    public async Task<HttpClient> CreateClientAsync(string role, CancellationToken cancellationToken) =>
        TestAccess.Client(BaseUri, await TestAccess.CreateTokenAsync(DataDirectory, role, cancellationToken));

    /// <summary>Everything every run of the service wrote to stdout and stderr, for failure messages.</summary>
    public string Output => _earlierOutput + (_process?.Output ?? string.Empty);

    /// <summary>Pseudonymizes patient ids as the service does with <see cref="SiteKey"/>.</summary>
    public static PatientPseudonymizer Pseudonymizer { get; } = new(Encoding.UTF8.GetBytes(SiteKey));

    /// <summary>Starts the service on a fresh data folder and returns once <c>/health</c> answers.</summary>
    /// <param name="broker">Mosquitto, <c>mqtt://127.0.0.1:port</c>.</param>
    /// <param name="timeSeriesStore">Base URL for <c>Sync:Url</c>; null leaves sync idle.</param>
    /// <param name="clientId">Fixed MQTT client id, so a restart resumes the broker's persistent session.</param>
    /// <param name="settings">More <c>--Key=value</c> arguments; a later one overrides the defaults here.</param>
    /// <param name="cancellationToken">Cancels the start.</param>
    public static async Task<EdgeServiceProcess> StartAsync(
        Uri broker, Uri? timeSeriesStore, string clientId, IReadOnlyList<string> settings, CancellationToken cancellationToken)
    {
        var dataDirectory = Directory.CreateTempSubdirectory("wearableedge-fault-service-").FullName;
        var keyFile = Path.Combine(dataDirectory, "site.key");
        await File.WriteAllTextAsync(keyFile, SiteKey, cancellationToken);
        var port = FreePort.Next().ToString(CultureInfo.InvariantCulture);
        var arguments = new List<string>
        {
            Path.Combine(AppContext.BaseDirectory, "WearableEdge.EdgeService.dll"),
            $"--urls=http://127.0.0.1:{port}",
            $"--Mqtt:BrokerUrl={broker}",
            $"--Mqtt:ClientId={clientId}",
            "--Mqtt:MaxReconnectDelay=00:00:02",
            $"--Storage:DataDirectory={dataDirectory}",
            "--Logging:LogLevel:Default=Warning",
            "--Logging:LogLevel:WearableEdge=Information",
            // The simulator at --speed 60–120 stamps device time up to its --duration ahead of the wall clock.
            "--Ingest:MaxClockSkew=1.00:00:00",
        };
        if (timeSeriesStore is not null)
        {
            arguments.Add($"--Sync:Url={timeSeriesStore}");
            arguments.Add($"--Sync:SiteKeyFile={keyFile}");
            arguments.Add("--Sync:PollInterval=00:00:00.200");
            arguments.Add("--Sync:InitialBackoff=00:00:00.200");
            arguments.Add("--Sync:MaxBackoff=00:00:02");
        }

        arguments.AddRange(settings);
        var adminToken = await TestAccess.CreateTokenAsync(dataDirectory, WearableEdge.EdgeService.Auth.Roles.Admin, cancellationToken);
        SqliteConnection.ClearAllPools();
        var service = new EdgeServiceProcess(arguments, dataDirectory, new Uri($"http://127.0.0.1:{port}/"), adminToken);
        try
        {
            await service.LaunchAsync(cancellationToken);
            return service;
        }
        catch
        {
            await service.DisposeAsync();
            throw;
        }
    }

    /// <summary>SIGKILL, as a power cut or an OOM kill would: no shutdown code runs.</summary>
    public async Task KillAsync(CancellationToken cancellationToken)
    {
        if (_process is { } process)
        {
            await process.KillAsync(cancellationToken);
            _earlierOutput.Append(process.Output);
            _process = null;
        }
    }

    /// <summary>Starts the service again with the same arguments: same data folder, port and client id.</summary>
    public Task StartAgainAsync(CancellationToken cancellationToken) =>
        _process is null ? LaunchAsync(cancellationToken) : throw new InvalidOperationException("The service is still running.");

    public async Task<ServiceHealth> GetHealthAsync(CancellationToken cancellationToken)
    {
        using var response = await Http.GetAsync("health", cancellationToken);
        var json = await response.Content.ReadFromJsonAsync<JsonElement>(cancellationToken);
        return ServiceHealth.Parse(json);
    }

    /// <summary>Runs one query on the service's SQLite file, read-only and unpooled, as an operator would.</summary>
    public Task<List<object?[]>> QueryStoreAsync(string sql, CancellationToken cancellationToken) =>
        StoreQuery.RunAsync(DatabasePath, sql, cancellationToken);

    public async Task<long> CountAsync(string sql, CancellationToken cancellationToken) =>
        Convert.ToInt64((await QueryStoreAsync(sql, cancellationToken))[0][0], CultureInfo.InvariantCulture);

    /// <summary>SIGTERM (killed after a grace period), then deletes the data folder.</summary>
    public async ValueTask DisposeAsync()
    {
        Http.Dispose();
        if (_process is { } process)
        {
            await process.StopAsync(StopGracePeriod, CancellationToken.None);
            _earlierOutput.Append(process.Output);
            _process = null;
        }

        SqliteConnection.ClearAllPools();
        try
        {
            Directory.Delete(DataDirectory, recursive: true);
        }
        catch (IOException)
        {
            // A leftover temp folder is harmless; run.sh removes the run's TMPDIR.
        }
    }

    private async Task LaunchAsync(CancellationToken cancellationToken)
    {
        var process = ChildProcess.Start("dotnet", _arguments, DataDirectory);
        _process = process;
        var ready = await process.WaitUntilReadyAsync("WearableEdge.EdgeService", IsAnsweringAsync, StartTimeout, cancellationToken);
        if (!ready)
        {
            await process.KillAsync(cancellationToken);
            throw new InvalidOperationException(
                $"The edge service exited with code {process.ExitCode} before it answered /health. Its output:{Environment.NewLine}{Output}");
        }
    }

    private async Task<bool> IsAnsweringAsync(CancellationToken cancellationToken)
    {
        try
        {
            using var response = await Http.GetAsync("health", cancellationToken);
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

/// <summary>Read-only queries on a SQLite file that another process writes.</summary>
internal static class StoreQuery
{
    public static async Task<List<object?[]>> RunAsync(string databasePath, string sql, CancellationToken cancellationToken)
    {
        await using var connection = new SqliteConnection($"Data Source={databasePath};Mode=ReadOnly;Pooling=False");
        await connection.OpenAsync(cancellationToken);
        await using var command = connection.CreateCommand();
        command.CommandText = sql;
        await using var reader = await command.ExecuteReaderAsync(cancellationToken);
        var rows = new List<object?[]>();
        while (await reader.ReadAsync(cancellationToken))
        {
            var row = new object?[reader.FieldCount];
            for (var i = 0; i < row.Length; i++)
            {
                row[i] = reader.IsDBNull(i) ? null : reader.GetValue(i);
            }

            rows.Add(row);
        }

        return rows;
    }
}

/// <summary>The parts of <c>GET /health</c> the fault tests read.</summary>
internal sealed record ServiceHealth(
    bool BrokerConnected,
    int BrokerConnects,
    TargetHealth? Tsdb,
    TargetHealth? Mqtt,
    long VitalsMessagesAccepted,
    long SamplesAccepted,
    long SamplesDuplicate,
    long SamplesTooLate,
    long SamplesScreenedOut)
{
    /// <summary>Samples the feature stage has seen, whatever became of them (screened out: poor signal or implausible).</summary>
    public long SamplesSeen => SamplesAccepted + SamplesDuplicate + SamplesTooLate + SamplesScreenedOut;

    public static ServiceHealth Parse(JsonElement json)
    {
        var broker = json.GetProperty("broker");
        var targets = json.GetProperty("sync").GetProperty("targets").EnumerateArray().ToList();
        var ingest = json.GetProperty("ingest");
        return new ServiceHealth(
            broker.GetProperty("connected").GetBoolean(),
            broker.GetProperty("connects").GetInt32(),
            TargetHealth.Find(targets, "tsdb"),
            TargetHealth.Find(targets, "mqtt"),
            Count(ingest.GetProperty("messagesAccepted"), "vitals"),
            Count(ingest.GetProperty("samples"), "accepted"),
            Count(ingest.GetProperty("samples"), "duplicate"),
            Count(ingest.GetProperty("samples"), "too-late"),
            Count(ingest.GetProperty("samples"), "poor-signal") + Count(ingest.GetProperty("samples"), "implausible"));
    }

    internal static long Count(JsonElement counts, string key) =>
        counts.TryGetProperty(key, out var value) ? value.GetInt64() : 0;
}

/// <summary>One outbox target in <c>/health</c>.</summary>
internal sealed record TargetHealth(int Pending, int InFlight, long Delivered, IReadOnlyDictionary<string, long> ErrorsByKind)
{
    public int Backlog => Pending + InFlight;

    public long Errors(string kind) => ErrorsByKind.TryGetValue(kind, out var count) ? count : 0;

    public override string ToString() =>
        $"pending {Pending}, in flight {InFlight}, delivered {Delivered}, errors {{{string.Join(", ", ErrorsByKind.Select(e => $"{e.Key}: {e.Value}"))}}}";

    internal static TargetHealth? Find(List<JsonElement> targets, string name)
    {
        foreach (var target in targets.Where(t => t.GetProperty("target").GetString() == name))
        {
            var errors = target.TryGetProperty("errorsByKind", out var byKind)
                ? byKind.EnumerateObject().ToDictionary(p => p.Name, p => p.Value.GetInt64(), StringComparer.Ordinal)
                : [];
            return new TargetHealth(
                target.GetProperty("pending").GetInt32(),
                target.GetProperty("inFlight").GetInt32(),
                target.GetProperty("delivered").GetInt64(),
                errors);
        }

        return null;
    }
}

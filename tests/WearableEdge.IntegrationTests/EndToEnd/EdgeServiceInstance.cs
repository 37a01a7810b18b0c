using System.Globalization;
using System.Net.Http.Json;
using System.Text.Json;
using Microsoft.AspNetCore.Builder;
using Microsoft.Data.Sqlite;
using WearableEdge.Contracts;
using WearableEdge.EdgeService;
using WearableEdge.IntegrationTests.Fixtures;

namespace WearableEdge.IntegrationTests.EndToEnd;

/// <summary>
/// The edge service, hosted in the test process exactly as Program hosts it, against real
/// brokers and stores, on a free loopback port with its own temp data folder.
/// </summary>
internal sealed class EdgeServiceInstance : IAsyncDisposable
{
    /// <summary>Site key of the tests; a real gateway reads its own from the environment or a file.</summary>
    public const string SiteKey = "integration-test-site-key-0123456789";

    private readonly WebApplication _app;

    private EdgeServiceInstance(WebApplication app, string dataDirectory, Uri baseUri, string adminToken)
    {
        _app = app;
        DataDirectory = dataDirectory;
        BaseUri = baseUri;
        Http = TestAccess.Client(baseUri, adminToken);
    }

    public Uri BaseUri { get; }

    /// <summary>The running host's services (its stores, options, clock).</summary>
    public IServiceProvider Services => _app.Services;

    public string DataDirectory { get; }

    public string DatabasePath => Path.Combine(DataDirectory, "wearable-edge.db");

    /// <summary>Signed in as an admin (bearer token), so it may call every endpoint.</summary>
    public HttpClient Http { get; }

    /// <summary>A client signed in as a new user of <paramref name="role"/> (<c>nurse</c> or <c>admin</c>); the caller disposes it.</summary>
    public async Task<HttpClient> CreateClientAsync(string role, CancellationToken cancellationToken) =>
        TestAccess.Client(BaseUri, await TestAccess.CreateTokenAsync(_app.Services, role, cancellationToken));

    /// <summary>A client with no credentials; the caller disposes it.</summary>
    public HttpClient CreateAnonymousClient() => TestAccess.Client(BaseUri, token: null);

    public static async Task<EdgeServiceInstance> StartAsync(Uri broker, Uri? timeSeriesStore, CancellationToken cancellationToken)
    {
        var dataDirectory = Directory.CreateTempSubdirectory("wearable-edge-it-").FullName;
        var keyFile = Path.Combine(dataDirectory, "site.key");
        await File.WriteAllTextAsync(keyFile, SiteKey, cancellationToken);
        var port = FreePort.Next();
        var args = new List<string>
        {
            $"--urls=http://127.0.0.1:{port.ToString(CultureInfo.InvariantCulture)}",
            $"--Mqtt:BrokerUrl={broker}",
            $"--Mqtt:ClientId=edge-it-{Guid.NewGuid():N}",
            "--Mqtt:MaxReconnectDelay=00:00:02",
            $"--Storage:DataDirectory={dataDirectory}",
            "--Logging:LogLevel:Default=Warning",
            // The simulator at --speed 60–120 stamps device time up to its --duration ahead of the wall clock.
            "--Ingest:MaxClockSkew=1.00:00:00",
        };
        if (timeSeriesStore is not null)
        {
            args.Add($"--Sync:Url={timeSeriesStore}");
            args.Add($"--Sync:SiteKeyFile={keyFile}");
            args.Add("--Sync:PollInterval=00:00:00.200");
        }

        var app = EdgeServiceHost.Build([.. args]);
        await app.StartAsync(cancellationToken);
        var adminToken = await TestAccess.CreateTokenAsync(app.Services, WearableEdge.EdgeService.Auth.Roles.Admin, cancellationToken);
        return new EdgeServiceInstance(app, dataDirectory, new Uri($"http://127.0.0.1:{port.ToString(CultureInfo.InvariantCulture)}/"), adminToken);
    }

    public async Task<IReadOnlyList<AlertMessage>> GetAlertsAsync(CancellationToken cancellationToken) =>
        (await Http.GetFromJsonAsync("api/alerts", AlertListJson.Default.IReadOnlyListAlertMessage, cancellationToken))!;

    public async Task<JsonElement> GetJsonAsync(string path, CancellationToken cancellationToken)
    {
        using var document = await JsonDocument.ParseAsync(await Http.GetStreamAsync(path, cancellationToken), cancellationToken: cancellationToken);
        return document.RootElement.Clone();
    }

    /// <summary>Runs one query on the service's SQLite file, read-only, as an operator would.</summary>
    public Task<List<object?[]>> QueryStoreAsync(string sql, CancellationToken cancellationToken) =>
        Faults.StoreQuery.RunAsync(DatabasePath, sql, cancellationToken);

    public async ValueTask DisposeAsync()
    {
        Http.Dispose();
        using var stop = new CancellationTokenSource(TimeSpan.FromSeconds(15));
        await _app.StopAsync(stop.Token);
        await _app.DisposeAsync();
        SqliteConnection.ClearAllPools();
        try
        {
            Directory.Delete(DataDirectory, recursive: true);
        }
        catch (IOException)
        {
            // A leftover temp folder is harmless; the run's TMPDIR is removed by run.sh.
        }
    }
}

[System.Text.Json.Serialization.JsonSourceGenerationOptions(PropertyNamingPolicy = System.Text.Json.Serialization.JsonKnownNamingPolicy.CamelCase)]
[System.Text.Json.Serialization.JsonSerializable(typeof(IReadOnlyList<AlertMessage>))]
internal sealed partial class AlertListJson : System.Text.Json.Serialization.JsonSerializerContext
{
}

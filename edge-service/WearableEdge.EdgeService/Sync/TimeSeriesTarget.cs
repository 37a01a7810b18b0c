using System.Text.Json;
using InfluxDB.Client;
using InfluxDB.Client.Api.Domain;
using InfluxDB.Client.Core.Exceptions;
using Microsoft.Extensions.Options;
using WearableEdge.Contracts;
using WearableEdge.EdgeService.Storage;

namespace WearableEdge.EdgeService.Sync;

/// <summary>
/// Writes alert transitions to an InfluxDB-compatible store through InfluxDB.Client's
/// <c>WriteApiAsync</c> (never the batching <c>WriteApi</c>, which loses points on dispose; FACTS.md),
/// gzip on, one request per outbox batch. A batch counts as delivered only when the write returned.
/// </summary>
public sealed class TimeSeriesTarget : IOutboxTarget, IDisposable
{
    public const string TargetName = "tsdb";

    private readonly InfluxDBClient _client;
    private readonly SyncOptions _options;
    private readonly PatientPseudonymizer _pseudonymizer;

    public TimeSeriesTarget(IOptions<SyncOptions> options, PatientPseudonymizer pseudonymizer)
    {
        ArgumentNullException.ThrowIfNull(options);
        _options = options.Value;
        _pseudonymizer = pseudonymizer;
        var clientOptions = new InfluxDBClientOptions(_options.Url)
        {
            Org = _options.Org,
            Bucket = _options.Bucket,
            Timeout = _options.WriteTimeout,
        };
        if (!string.IsNullOrEmpty(_options.Token))
        {
            // InfluxDB 2 needs a token; VictoriaMetrics and an InfluxDB without auth take none.
            clientOptions.Token = _options.Token;
        }

        _client = new InfluxDBClient(clientOptions);
        _client.EnableGzip();
    }

    public string Name => TargetName;

    public bool IsReady => true;

    public bool Takes(string action) => action is AlertTransition.Raised or AlertTransition.Escalated;

    public async Task DeliverAsync(IReadOnlyList<OutboxEntry> entries, CancellationToken cancellationToken)
    {
        var lines = entries.Select(entry =>
        {
            var alert = JsonSerializer.Deserialize(entry.Payload, ContractJsonContext.Default.AlertMessage)!;
            return AlertLineProtocol.ToLine(alert, entry.EventAt, _pseudonymizer.Pseudonymize(alert.PatientId));
        }).ToList();
        await _client.GetWriteApiAsync().WriteRecordsAsync(lines, WritePrecision.Ms, _options.Bucket, _options.Org, cancellationToken).ConfigureAwait(false);
    }

    public string ErrorKind(Exception exception) => exception switch
    {
        HttpException { Status: > 0 } http => "http-" + http.Status,
        HttpRequestException => "unreachable",
        HttpException => "unreachable",
        TaskCanceledException or TimeoutException => "timeout",
        _ => exception.GetType().Name,
    };

    public void Dispose() => _client.Dispose();
}

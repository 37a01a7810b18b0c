using System.Text.Json;
using InfluxDB.Client;
using InfluxDB.Client.Api.Domain;
using InfluxDB.Client.Core.Exceptions;
using Microsoft.Extensions.Options;
using WearableEdge.Contracts;
using WearableEdge.EdgeService.Features;
using WearableEdge.EdgeService.Storage;

namespace WearableEdge.EdgeService.Sync;

/// <summary>
/// Writes alert transitions to an InfluxDB-compatible store through InfluxDB.Client's
/// <c>WriteApiAsync</c> (never the batching <c>WriteApi</c>, which loses points on dispose; FACTS.md),
/// gzip on, one request per outbox batch. A batch counts as delivered only when the write returned.
/// </summary>
public sealed class TimeSeriesTarget : IOutboxTarget, ITimeSeriesLineWriter, IDisposable
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

    public bool Takes(string kind, string action) =>
        kind == OutboxKind.VitalsSummary || (kind == OutboxKind.Alert && action is AlertTransition.Raised or AlertTransition.Escalated);

    public async Task DeliverAsync(IReadOnlyList<OutboxEntry> entries, CancellationToken cancellationToken)
    {
        var lines = entries.Select(ToLine).ToList();
        await _client.GetWriteApiAsync().WriteRecordsAsync(lines, WritePrecision.Ms, _options.Bucket, _options.Org, cancellationToken).ConfigureAwait(false);
    }

    /// <summary>Writes ready-made lines (the <c>edge_health</c> points) with the same client, bucket and org as the outbox entries.</summary>
    public async Task WriteLinesAsync(IReadOnlyList<string> lines, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(lines);
        await _client.GetWriteApiAsync().WriteRecordsAsync([.. lines], WritePrecision.Ms, _options.Bucket, _options.Org, cancellationToken).ConfigureAwait(false);
    }

    public DeliveryFailure Classify(Exception exception) => exception switch
    {
        HttpException { Status: > 0 } http => new("http-" + http.Status, http.RetryAfter is > 0 and var seconds ? TimeSpan.FromSeconds(seconds) : null),
        HttpRequestException or HttpException => new("unreachable"),
        TaskCanceledException or TimeoutException => new("timeout"),
        _ => new(exception.GetType().Name),
    };

    private string ToLine(OutboxEntry entry)
    {
        if (entry.Kind == OutboxKind.VitalsSummary)
        {
            var summary = JsonSerializer.Deserialize(entry.Payload, MinuteSummaryJsonContext.Default.MinuteSummary)!;
            return VitalsLineProtocol.ToLine(summary, _pseudonymizer.Pseudonymize(summary.PatientId));
        }

        var alert = JsonSerializer.Deserialize(entry.Payload, ContractJsonContext.Default.AlertMessage)!;
        return AlertLineProtocol.ToLine(alert, entry.EventAt, _pseudonymizer.Pseudonymize(alert.PatientId));
    }

    public void Dispose() => _client.Dispose();
}

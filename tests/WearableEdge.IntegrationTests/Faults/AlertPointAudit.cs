using System.Diagnostics;
using System.Globalization;
using System.Text.Json;
using WearableEdge.IntegrationTests.Fixtures;

namespace WearableEdge.IntegrationTests.Faults;

/// <summary>
/// Compares the alert transitions the local store queued for the time-series store with the
/// <c>alert_score</c> points VictoriaMetrics holds. A point is identified by its patient
/// pseudonym and timestamp (the transition's device time). VictoriaMetrics keeps every raw sample
/// it is sent, even one with the same series and timestamp as before, so a re-sent point shows up
/// as a duplicate in its export.
/// </summary>
internal sealed record AlertPointAudit(
    int StoreRows, int Unsynced, long Points, int DistinctPoints, int Missing, int Unexpected)
{
    /// <summary>
    /// Outbox rows of alert transitions for the store. Only alert rows: the outbox also carries
    /// minute summaries for the same target.
    /// </summary>
    private static readonly TimeSpan QuietPeriod = TimeSpan.FromSeconds(1.5);

    public const string AlertRowsWhere = "o.target = 'tsdb' AND o.action IN ('raised', 'escalated')";

    /// <summary>Raw points beyond one per distinct point: deliveries of the same point more than once.</summary>
    public long Duplicates => Points - DistinctPoints;

    /// <summary>Every row synced, and exactly one point per row: none missing, none extra, none twice.</summary>
    public bool ExactlyOnce => Unsynced == 0 && Missing == 0 && Unexpected == 0 && Duplicates == 0;

    public override string ToString() =>
        $"store rows {StoreRows} (unsynced {Unsynced}), points {Points} (distinct {DistinctPoints}, duplicates {Duplicates}), " +
        $"missing {Missing}, unexpected {Unexpected}";

    public static async Task<AlertPointAudit> TakeAsync(
        EdgeServiceProcess service, VictoriaMetricsProcess store, CancellationToken cancellationToken)
    {
        var rows = await service.QueryStoreAsync(
            $"SELECT a.patient_id, o.event_at, o.state, a.type FROM outbox o JOIN alerts a ON a.id = o.alert_id WHERE {AlertRowsWhere}",
            cancellationToken);
        var expected = rows
            .Select(r => PointKey(EdgeServiceProcess.Pseudonymizer.Pseudonymize((string)r[0]!), (string)r[3]!, Convert.ToInt64(r[1], CultureInfo.InvariantCulture)))
            .ToHashSet(StringComparer.Ordinal);
        var unsynced = rows.Count(r => (string)r[2]! != "synced");

        await store.ForceFlushAsync(cancellationToken);
        var export = await store.ExportAsync("alert_score", cancellationToken);
        var points = ExportedPoints(export);
        var distinct = points.ToHashSet(StringComparer.Ordinal);
        return new AlertPointAudit(
            rows.Count,
            unsynced,
            points.Count,
            distinct.Count,
            expected.Count(k => !distinct.Contains(k)),
            distinct.Count(k => !expected.Contains(k)));
    }

    /// <summary>
    /// Audits until every row is synced and its point is in the store, and the export has then stayed
    /// the same for <see cref="QuietPeriod"/> (VictoriaMetrics makes points searchable asynchronously,
    /// so a late duplicate needs a moment to show); returns the last audit, also on timeout.
    /// </summary>
    public static async Task<AlertPointAudit> WaitForDrainAsync(
        EdgeServiceProcess service, VictoriaMetricsProcess store, TimeSpan timeout, CancellationToken cancellationToken)
    {
        using var deadline = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
        deadline.CancelAfter(timeout);
        AlertPointAudit? audit = null;
        AlertPointAudit? settledSince = null;
        var settledAt = 0L;
        try
        {
            while (true)
            {
                audit = await TakeAsync(service, store, deadline.Token);
                if (audit.Unsynced > 0 || audit.Missing > 0 || audit != settledSince)
                {
                    settledSince = audit.Unsynced == 0 && audit.Missing == 0 ? audit : null;
                    settledAt = Stopwatch.GetTimestamp();
                }
                else if (Stopwatch.GetElapsedTime(settledAt) >= QuietPeriod)
                {
                    return audit;
                }

                await Task.Delay(TimeSpan.FromMilliseconds(200), deadline.Token);
            }
        }
        catch (OperationCanceledException) when (!cancellationToken.IsCancellationRequested)
        {
            return audit ?? await TakeAsync(service, store, cancellationToken);
        }
    }

    /// <summary>One key per raw sample of the export: <c>patient/type@timestamp</c> (two alert types of one patient may share a window end).</summary>
    private static List<string> ExportedPoints(string export)
    {
        var keys = new List<string>();
        foreach (var line in export.Split('\n', StringSplitOptions.RemoveEmptyEntries))
        {
            using var series = JsonDocument.Parse(line);
            var metric = series.RootElement.GetProperty("metric");
            var patient = metric.GetProperty("patient").GetString()!;
            var type = metric.GetProperty("type").GetString()!;
            keys.AddRange(series.RootElement.GetProperty("timestamps").EnumerateArray().Select(t => PointKey(patient, type, t.GetInt64())));
        }

        return keys;
    }

    private static string PointKey(string pseudonym, string type, long timestampMs) =>
        string.Create(CultureInfo.InvariantCulture, $"{pseudonym}/{type}@{timestampMs}");
}

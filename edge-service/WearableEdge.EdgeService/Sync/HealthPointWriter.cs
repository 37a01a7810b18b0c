using System.Globalization;
using System.Text;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;
using WearableEdge.EdgeService.Alerts;
using WearableEdge.EdgeService.Storage;

namespace WearableEdge.EdgeService.Sync;

/// <summary>Writes ready-made line-protocol lines to the time-series store; returns only when the store acknowledged them.</summary>
public interface ITimeSeriesLineWriter
{
    /// <summary>Writes <paramref name="lines"/> (millisecond timestamps) in one request; throws when the store did not take them.</summary>
    Task WriteLinesAsync(IReadOnlyList<string> lines, CancellationToken cancellationToken);
}

/// <summary>The backlog of one outbox target at one moment.</summary>
/// <param name="Unsynced">Entries not yet delivered (pending or in flight).</param>
/// <param name="LagSeconds">Age of the oldest undelivered entry in seconds; 0 when nothing is waiting.</param>
public readonly record struct TargetLag(int Unsynced, double LagSeconds);

/// <summary>The figures of one <c>edge_health</c> point (docs/timeseries.md).</summary>
/// <param name="At">The minute the point stands for (its timestamp).</param>
/// <param name="OutboxEntries">Undelivered outbox entries over all targets: what <see cref="SyncOptions.MaxOutboxEntries"/> bounds.</param>
/// <param name="MaxOutboxEntries">The configured bound.</param>
/// <param name="TimeSeries">Backlog of the time-series store target (<c>tsdb</c>): its age is the sync lag.</param>
/// <param name="AlertTopic">Backlog of the MQTT alert topic target (<c>mqtt</c>).</param>
/// <param name="DeadLetters">MQTT messages rejected and dead-lettered since the service started.</param>
/// <param name="DeadLettersUnpublished">Dead letters that could not be published to the dead-letter topic, since start.</param>
/// <param name="SummariesShed">Minute summaries shed at the outbox bound, since start.</param>
public sealed record EdgeHealthSnapshot(
    DateTimeOffset At,
    long OutboxEntries,
    int MaxOutboxEntries,
    TargetLag TimeSeries,
    TargetLag AlertTopic,
    long DeadLetters,
    long DeadLettersUnpublished,
    long SummariesShed);

/// <summary>
/// The <c>edge_health</c> measurement: the gateway's own sync health, one point per minute, so the
/// Grafana dashboard can show backlog, sync lag and dead letters next to the clinical data.
/// One tag, <c>gateway</c> (the host name); no patient data of any kind.
/// </summary>
public static class EdgeHealthLineProtocol
{
    public const string Measurement = "edge_health";

    /// <summary>Every field an <c>edge_health</c> point carries, in the order written.</summary>
    public static readonly IReadOnlyList<string> Fields =
    [
        "outbox_entries", "outbox_max", "tsdb_pending", "tsdb_lag_seconds", "mqtt_pending", "mqtt_lag_seconds",
        "dead_letters", "dead_letters_unpublished", "summaries_shed",
    ];

    public static string ToLine(EdgeHealthSnapshot snapshot, string gateway)
    {
        ArgumentNullException.ThrowIfNull(snapshot);
        ArgumentException.ThrowIfNullOrEmpty(gateway);
        var line = new StringBuilder(Measurement).Append(",gateway=");
        foreach (var c in gateway)
        {
            if (c is ',' or '=' or ' ')
            {
                line.Append('\\');
            }

            line.Append(c);
        }

        line.Append(CultureInfo.InvariantCulture, $" outbox_entries={snapshot.OutboxEntries}i,outbox_max={snapshot.MaxOutboxEntries}i");
        line.Append(CultureInfo.InvariantCulture, $",tsdb_pending={snapshot.TimeSeries.Unsynced}i,tsdb_lag_seconds={snapshot.TimeSeries.LagSeconds:R}");
        line.Append(CultureInfo.InvariantCulture, $",mqtt_pending={snapshot.AlertTopic.Unsynced}i,mqtt_lag_seconds={snapshot.AlertTopic.LagSeconds:R}");
        line.Append(CultureInfo.InvariantCulture, $",dead_letters={snapshot.DeadLetters}i,dead_letters_unpublished={snapshot.DeadLettersUnpublished}i");
        line.Append(CultureInfo.InvariantCulture, $",summaries_shed={snapshot.SummariesShed}i");
        line.Append(CultureInfo.InvariantCulture, $" {snapshot.At.ToUnixTimeMilliseconds()}");
        return line.ToString();
    }
}

/// <summary>
/// Once a minute, writes an <c>edge_health</c> point (outbox backlog, sync lag, dead letters) to the
/// time-series store, through the same client, URL, token, org and bucket as the alerts. Registered
/// only when <c>Sync:Url</c> is set. Points go straight to the store, not through the outbox (they
/// describe the outbox); while the store is unreachable they are kept in memory, at most
/// <see cref="MaxBuffered"/> (four hours), and sent together when it answers again. Each point's
/// timestamp is its minute, so a point sent twice overwrites itself.
/// </summary>
public sealed class HealthPointWriter(
    ITimeSeriesLineWriter writer,
    OutboxStore outbox,
    IOptions<SyncOptions> options,
    EdgeMetrics metrics,
    TimeProvider timeProvider,
    ILogger<HealthPointWriter> logger,
    string gateway) : BackgroundService
{
    /// <summary>How often a point is written.</summary>
    public static readonly TimeSpan Interval = TimeSpan.FromMinutes(1);

    /// <summary>Most points kept while the store is unreachable; older ones are dropped and counted.</summary>
    public const int MaxBuffered = 240;

    /// <summary>Name under which deliveries are counted (<c>outbox_deliveries_total{target_outcome="health:…"}</c>).</summary>
    public const string CounterTarget = "health";

    private readonly Queue<string> _unsent = new();

    /// <summary>Points waiting for the store now.</summary>
    public int Unsent => _unsent.Count;

    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        using var timer = new PeriodicTimer(Interval, timeProvider);
        while (await timer.WaitForNextTickAsync(stoppingToken).ConfigureAwait(false))
        {
            await WriteOnceAsync(stoppingToken).ConfigureAwait(false);
        }
    }

    /// <summary>Takes one snapshot and sends it with any points still unsent; true when the store took them all.</summary>
    public async Task<bool> WriteOnceAsync(CancellationToken cancellationToken)
    {
        try
        {
            var snapshot = await SnapshotAsync(cancellationToken).ConfigureAwait(false);
            _unsent.Enqueue(EdgeHealthLineProtocol.ToLine(snapshot, gateway));
        }
        catch (Exception e) when (e is Microsoft.Data.Sqlite.SqliteException or IOException && !cancellationToken.IsCancellationRequested)
        {
            // No figures this minute; /health reports the store itself.
            Log.HealthPointSkipped(logger, e);
        }

        while (_unsent.Count > MaxBuffered)
        {
            _unsent.Dequeue();
            metrics.Delivery(CounterTarget, "dropped", 1);
        }

        if (_unsent.Count == 0)
        {
            return false;
        }

        var lines = _unsent.ToList();
        try
        {
            await writer.WriteLinesAsync(lines, cancellationToken).ConfigureAwait(false);
        }
        catch (Exception e) when (!cancellationToken.IsCancellationRequested)
        {
            metrics.Delivery(CounterTarget, "failed", lines.Count);
            Log.HealthPointFailed(logger, lines.Count, e.GetType().Name);
            return false;
        }

        _unsent.Clear();
        metrics.Delivery(CounterTarget, "delivered", lines.Count);
        return true;
    }

    /// <summary>The figures as they are now, stamped with the current minute.</summary>
    public async Task<EdgeHealthSnapshot> SnapshotAsync(CancellationToken cancellationToken)
    {
        var now = timeProvider.GetUtcNow();
        var minute = new DateTimeOffset(now.Ticks - (now.Ticks % TimeSpan.TicksPerMinute), TimeSpan.Zero);
        var entries = await outbox.UnsyncedCountAsync(cancellationToken).ConfigureAwait(false);
        var timeSeries = Lag(await outbox.BacklogAsync(TimeSeriesTarget.TargetName, cancellationToken).ConfigureAwait(false), now);
        var alertTopic = Lag(await outbox.BacklogAsync(AlertPublisher.TargetName, cancellationToken).ConfigureAwait(false), now);
        return new EdgeHealthSnapshot(
            minute,
            entries,
            options.Value.MaxOutboxEntries,
            timeSeries,
            alertTopic,
            metrics.Family("messages_rejected").Values.Sum(),
            metrics.Family("dead_letters_unpublished").Values.Sum(),
            metrics.Family("minute_summaries").GetValueOrDefault("shed"));
    }

    private static TargetLag Lag(OutboxBacklog backlog, DateTimeOffset now) => new(
        backlog.Pending + backlog.InFlight,
        backlog.OldestUnsyncedCreatedAt is { } oldest ? Math.Max(0, Math.Round((now - oldest).TotalSeconds, 1)) : 0);
}

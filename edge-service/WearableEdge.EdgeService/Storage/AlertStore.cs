using System.Text.Json;
using Microsoft.Data.Sqlite;
using WearableEdge.Contracts;
using WearableEdge.EdgeService.Alerts;
using WearableEdge.EdgeService.Sync;

namespace WearableEdge.EdgeService.Storage;

/// <summary>A change of an alert's state, recorded with the alert's document after the change and an audit row.</summary>
/// <param name="Alert">The alert after the transition.</param>
/// <param name="Action">One of the constants below: <c>raised</c>, <c>updated</c>, <c>escalated</c>, <c>re-alerted</c>,
/// <c>acknowledged</c>, <c>silenced</c>, <c>resolved</c>.</param>
/// <param name="At">Time of the transition: device time for what the rules decided, gateway time for staff commands.</param>
/// <param name="Actor">Who did it: <c>system</c> for the rules, else the user name or app id.</param>
/// <param name="Client">From which client: remote address and user agent, or <c>mqtt:…</c>; null for the system.</param>
/// <param name="Note">The note staff wrote (for a silence: its reason).</param>
public sealed record AlertTransition(
    AlertMessage Alert, string Action, DateTimeOffset At, string Actor = AlertTransition.SystemActor, string? Client = null, string? Note = null)
{
    public const string SystemActor = "system";
    public const string Raised = "raised";
    public const string Updated = "updated";
    public const string Escalated = "escalated";
    public const string ReAlerted = "re-alerted";
    public const string Acknowledged = "acknowledged";
    public const string Silenced = "silenced";
    public const string Resolved = "resolved";
}

/// <summary>One row of an alert's audit trail.</summary>
/// <param name="At">Time of the transition (device time for rule decisions, gateway time for staff commands).</param>
/// <param name="RecordedAt">Gateway time at which it was stored.</param>
/// <param name="Action">What happened (<see cref="AlertTransition"/> constants).</param>
/// <param name="Status">The alert's status after it (null for rows stored before schema v3).</param>
/// <param name="Priority">The alert's priority after it.</param>
/// <param name="Score">The alert's score after it.</param>
/// <param name="Actor">Who did it.</param>
/// <param name="Client">From which client, if known.</param>
/// <param name="Note">The note, if any.</param>
public sealed record AlertAuditEntry(
    DateTimeOffset At, DateTimeOffset RecordedAt, string Action, string? Status, string Priority, double Score, string Actor, string? Client, string? Note);

/// <summary>Filters of <see cref="AlertStore.QueryAsync(AlertQuery, CancellationToken)"/>; null means any.</summary>
/// <param name="Status"><c>open</c> (not resolved), <c>active</c>, <c>acknowledged</c>, <c>silenced</c> or <c>resolved</c>.</param>
/// <param name="PatientId">One patient.</param>
/// <param name="Priority"><c>high</c>, <c>medium</c> or <c>low</c>.</param>
/// <param name="Limit">At most this many, newest first.</param>
public sealed record AlertQuery(string? Status = null, string? PatientId = null, string? Priority = null, int Limit = 100);

/// <summary>
/// Alerts in the local store. A transition is committed, together with its audit row and outbox
/// entries, in one transaction with full durability; only then may anyone be told (ARCHITECTURE.md:
/// "every alert is in the local store before anyone is told about it"): the outbox publishes it, and
/// the in-process <see cref="AlertFeed"/> (the SSE stream) gets it after the commit.
/// </summary>
public sealed class AlertStore(
    EdgeDatabase database, IEnumerable<IOutboxTarget> targets, OutboxSignal signal, TimeProvider timeProvider, AlertFeed? feed = null)
{
    private readonly IOutboxTarget[] _targets = [.. targets];

    /// <summary>Commits <paramref name="transition"/> with its audit row and queues it for every outbox target that takes it.</summary>
    public async Task RecordAsync(AlertTransition transition, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(transition);
        var alert = transition.Alert;
        var now = timeProvider.GetUtcNow().ToUnixTimeMilliseconds();
        var document = JsonSerializer.Serialize(alert, ContractJsonContext.Default.AlertMessage);

        await using (var connection = await database.OpenAsync(cancellationToken).ConfigureAwait(false))
        {
            await using var transaction = (SqliteTransaction)await connection.BeginTransactionAsync(cancellationToken).ConfigureAwait(false);

            await using (var upsert = connection.CreateCommand())
            {
                upsert.Transaction = transaction;
                upsert.CommandText = """
                    INSERT INTO alerts (id, patient_id, type, priority, status, raised_at, stored_at, updated_at, resolved_at,
                                        score, rule_id, rule_version, late, document,
                                        acknowledged_at, acknowledged_by, silenced_until, last_seen_at, peak_score)
                    VALUES ($id, $patient, $type, $priority, $status, $raised, $now, $now, $resolved,
                            $score, $rule, $ruleVersion, $late, $document,
                            $ackAt, $ackBy, $silencedUntil, $lastSeen, $peak)
                    ON CONFLICT (id) DO UPDATE SET
                        priority = excluded.priority, status = excluded.status, updated_at = excluded.updated_at,
                        resolved_at = excluded.resolved_at, score = excluded.score, document = excluded.document,
                        acknowledged_at = excluded.acknowledged_at, acknowledged_by = excluded.acknowledged_by,
                        silenced_until = excluded.silenced_until, last_seen_at = excluded.last_seen_at, peak_score = excluded.peak_score;
                    """;
                upsert.Parameters.AddWithValue("$id", alert.Id);
                upsert.Parameters.AddWithValue("$patient", alert.PatientId);
                upsert.Parameters.AddWithValue("$type", alert.Type);
                upsert.Parameters.AddWithValue("$priority", alert.Priority);
                upsert.Parameters.AddWithValue("$status", alert.Status);
                upsert.Parameters.AddWithValue("$raised", alert.RaisedAt.ToUnixTimeMilliseconds());
                upsert.Parameters.AddWithValue("$now", now);
                upsert.Parameters.AddWithValue("$resolved", (object?)alert.ResolvedAt?.ToUnixTimeMilliseconds() ?? DBNull.Value);
                upsert.Parameters.AddWithValue("$score", alert.Score);
                upsert.Parameters.AddWithValue("$rule", alert.RuleId);
                upsert.Parameters.AddWithValue("$ruleVersion", alert.RuleVersion);
                upsert.Parameters.AddWithValue("$late", alert.Late ? 1 : 0);
                upsert.Parameters.AddWithValue("$document", document);
                upsert.Parameters.AddWithValue("$ackAt", (object?)alert.AcknowledgedAt?.ToUnixTimeMilliseconds() ?? DBNull.Value);
                upsert.Parameters.AddWithValue("$ackBy", (object?)alert.AcknowledgedBy ?? DBNull.Value);
                upsert.Parameters.AddWithValue("$silencedUntil", (object?)alert.SilencedUntil?.ToUnixTimeMilliseconds() ?? DBNull.Value);
                upsert.Parameters.AddWithValue("$lastSeen", (object?)alert.LastSeenAt?.ToUnixTimeMilliseconds() ?? DBNull.Value);
                upsert.Parameters.AddWithValue("$peak", (object?)alert.PeakScore ?? DBNull.Value);
                await upsert.ExecuteNonQueryAsync(cancellationToken).ConfigureAwait(false);
            }

            await using (var history = connection.CreateCommand())
            {
                history.Transaction = transaction;
                history.CommandText = """
                    INSERT INTO alert_events (alert_id, action, at, recorded_at, priority, score, status, actor, client, note)
                    VALUES ($id, $action, $at, $now, $priority, $score, $status, $actor, $client, $note);
                    """;
                history.Parameters.AddWithValue("$id", alert.Id);
                history.Parameters.AddWithValue("$action", transition.Action);
                history.Parameters.AddWithValue("$at", transition.At.ToUnixTimeMilliseconds());
                history.Parameters.AddWithValue("$now", now);
                history.Parameters.AddWithValue("$priority", alert.Priority);
                history.Parameters.AddWithValue("$score", alert.Score);
                history.Parameters.AddWithValue("$status", alert.Status);
                history.Parameters.AddWithValue("$actor", transition.Actor);
                history.Parameters.AddWithValue("$client", (object?)transition.Client ?? DBNull.Value);
                history.Parameters.AddWithValue("$note", (object?)transition.Note ?? DBNull.Value);
                await history.ExecuteNonQueryAsync(cancellationToken).ConfigureAwait(false);
            }

            foreach (var target in _targets.Where(t => t.Takes(OutboxKind.Alert, transition.Action)))
            {
                await using var outbox = connection.CreateCommand();
                outbox.Transaction = transaction;
                outbox.CommandText = """
                    INSERT INTO outbox (target, kind, alert_id, action, event_at, payload, next_attempt_at, created_at)
                    VALUES ($target, 'alert', $id, $action, $at, $payload, $now, $now);
                    """;
                outbox.Parameters.AddWithValue("$target", target.Name);
                outbox.Parameters.AddWithValue("$id", alert.Id);
                outbox.Parameters.AddWithValue("$action", transition.Action);
                outbox.Parameters.AddWithValue("$at", transition.At.ToUnixTimeMilliseconds());
                outbox.Parameters.AddWithValue("$payload", document);
                outbox.Parameters.AddWithValue("$now", now);
                await outbox.ExecuteNonQueryAsync(cancellationToken).ConfigureAwait(false);
            }

            await transaction.CommitAsync(cancellationToken).ConfigureAwait(false);
        }

        signal.Notify();
        feed?.Publish(alert);
    }

    /// <summary>The newest alerts by device time, at most <paramref name="limit"/>.</summary>
    public Task<IReadOnlyList<AlertMessage>> GetRecentAsync(int limit, CancellationToken cancellationToken = default) =>
        QueryAsync(new AlertQuery(Limit: limit), cancellationToken);

    /// <summary>Every alert that is still open (active, acknowledged or silenced), for restoring lifecycle state after a restart.</summary>
    public Task<IReadOnlyList<AlertMessage>> GetActiveAsync(CancellationToken cancellationToken = default) =>
        QueryAsync("SELECT document FROM alerts WHERE status <> 'resolved' LIMIT $limit;", int.MaxValue, null, cancellationToken);

    /// <summary>Alerts matching <paramref name="query"/>, newest first by device time.</summary>
    public Task<IReadOnlyList<AlertMessage>> QueryAsync(AlertQuery query, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(query);
        var sql = "SELECT document FROM alerts WHERE 1 = 1"
            + query.Status switch
            {
                null => "",
                "open" => " AND status <> 'resolved'",
                _ => " AND status = $status",
            }
            + (query.PatientId is null ? "" : " AND patient_id = $patient")
            + (query.Priority is null ? "" : " AND priority = $priority")
            + " ORDER BY raised_at DESC, id LIMIT $limit;";
        return QueryAsync(sql, query.Limit, command =>
        {
            command.Parameters.AddWithValue("$status", (object?)query.Status ?? DBNull.Value);
            command.Parameters.AddWithValue("$patient", (object?)query.PatientId ?? DBNull.Value);
            command.Parameters.AddWithValue("$priority", (object?)query.Priority ?? DBNull.Value);
        }, cancellationToken);
    }

    /// <summary>One alert, or null when there is none with <paramref name="id"/>.</summary>
    public async Task<AlertMessage?> GetAsync(string id, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(id);
        var found = await QueryAsync("SELECT document FROM alerts WHERE id = $id LIMIT $limit;", 1, c => c.Parameters.AddWithValue("$id", id), cancellationToken)
            .ConfigureAwait(false);
        return found.Count == 0 ? null : found[0];
    }

    /// <summary>The audit trail of one alert, oldest first.</summary>
    public async Task<IReadOnlyList<AlertAuditEntry>> GetAuditAsync(string id, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(id);
        await using var connection = await database.OpenAsync(cancellationToken).ConfigureAwait(false);
        await using var command = connection.CreateCommand();
        command.CommandText = """
            SELECT at, recorded_at, action, status, priority, score, actor, client, note
            FROM alert_events WHERE alert_id = $id ORDER BY id;
            """;
        command.Parameters.AddWithValue("$id", id);
        var entries = new List<AlertAuditEntry>();
        await using var reader = await command.ExecuteReaderAsync(cancellationToken).ConfigureAwait(false);
        while (await reader.ReadAsync(cancellationToken).ConfigureAwait(false))
        {
            entries.Add(new AlertAuditEntry(
                DateTimeOffset.FromUnixTimeMilliseconds(reader.GetInt64(0)),
                DateTimeOffset.FromUnixTimeMilliseconds(reader.GetInt64(1)),
                reader.GetString(2),
                reader.IsDBNull(3) ? null : reader.GetString(3),
                reader.GetString(4),
                reader.GetDouble(5),
                reader.GetString(6),
                reader.IsDBNull(7) ? null : reader.GetString(7),
                reader.IsDBNull(8) ? null : reader.GetString(8)));
        }

        return entries;
    }

    private async Task<IReadOnlyList<AlertMessage>> QueryAsync(
        string sql, int limit, Action<SqliteCommand>? parameters, CancellationToken cancellationToken)
    {
        ArgumentOutOfRangeException.ThrowIfLessThan(limit, 1);
        await using var connection = await database.OpenAsync(cancellationToken).ConfigureAwait(false);
        await using var command = connection.CreateCommand();
        command.CommandText = sql;
        command.Parameters.AddWithValue("$limit", limit);
        parameters?.Invoke(command);
        var alerts = new List<AlertMessage>();
        await using var reader = await command.ExecuteReaderAsync(cancellationToken).ConfigureAwait(false);
        while (await reader.ReadAsync(cancellationToken).ConfigureAwait(false))
        {
            alerts.Add(JsonSerializer.Deserialize(reader.GetString(0), ContractJsonContext.Default.AlertMessage)!);
        }

        return alerts;
    }
}

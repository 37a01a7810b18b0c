using System.Text.Json;
using Microsoft.Data.Sqlite;
using WearableEdge.Contracts;
using WearableEdge.EdgeService.Sync;

namespace WearableEdge.EdgeService.Storage;

/// <summary>A change of an alert's state, recorded with the alert's document after the change.</summary>
/// <param name="Alert">The alert after the transition.</param>
/// <param name="Action"><c>raised</c>, <c>escalated</c> or <c>resolved</c>.</param>
/// <param name="At">Device time of the transition.</param>
public sealed record AlertTransition(AlertMessage Alert, string Action, DateTimeOffset At)
{
    public const string Raised = "raised";
    public const string Escalated = "escalated";
    public const string Resolved = "resolved";
}

/// <summary>
/// Alerts in the local store. A transition is committed, together with its outbox entries, in one
/// transaction with full durability; only then may anyone be told (ARCHITECTURE.md: "every alert
/// is in the local store before anyone is told about it").
/// </summary>
public sealed class AlertStore(EdgeDatabase database, IEnumerable<IOutboxTarget> targets, OutboxSignal signal, TimeProvider timeProvider)
{
    private readonly IOutboxTarget[] _targets = [.. targets];

    /// <summary>Commits <paramref name="transition"/> and queues it for every outbox target that takes it.</summary>
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
                                        score, rule_id, rule_version, late, document)
                    VALUES ($id, $patient, $type, $priority, $status, $raised, $now, $now, $resolved,
                            $score, $rule, $ruleVersion, $late, $document)
                    ON CONFLICT (id) DO UPDATE SET
                        priority = excluded.priority, status = excluded.status, updated_at = excluded.updated_at,
                        resolved_at = excluded.resolved_at, score = excluded.score, document = excluded.document;
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
                await upsert.ExecuteNonQueryAsync(cancellationToken).ConfigureAwait(false);
            }

            await using (var history = connection.CreateCommand())
            {
                history.Transaction = transaction;
                history.CommandText = """
                    INSERT INTO alert_events (alert_id, action, at, recorded_at, priority, score)
                    VALUES ($id, $action, $at, $now, $priority, $score);
                    """;
                history.Parameters.AddWithValue("$id", alert.Id);
                history.Parameters.AddWithValue("$action", transition.Action);
                history.Parameters.AddWithValue("$at", transition.At.ToUnixTimeMilliseconds());
                history.Parameters.AddWithValue("$now", now);
                history.Parameters.AddWithValue("$priority", alert.Priority);
                history.Parameters.AddWithValue("$score", alert.Score);
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
    }

    /// <summary>The newest alerts by device time, at most <paramref name="limit"/>.</summary>
    public Task<IReadOnlyList<AlertMessage>> GetRecentAsync(int limit, CancellationToken cancellationToken = default) =>
        QueryAsync("SELECT document FROM alerts ORDER BY raised_at DESC, id LIMIT $limit;", limit, cancellationToken);

    /// <summary>Every alert that is still active, for restoring dedup state after a restart.</summary>
    public Task<IReadOnlyList<AlertMessage>> GetActiveAsync(CancellationToken cancellationToken = default) =>
        QueryAsync("SELECT document FROM alerts WHERE status = 'active' LIMIT $limit;", int.MaxValue, cancellationToken);

    private async Task<IReadOnlyList<AlertMessage>> QueryAsync(string sql, int limit, CancellationToken cancellationToken)
    {
        ArgumentOutOfRangeException.ThrowIfLessThan(limit, 1);
        await using var connection = await database.OpenAsync(cancellationToken).ConfigureAwait(false);
        await using var command = connection.CreateCommand();
        command.CommandText = sql;
        command.Parameters.AddWithValue("$limit", limit);
        var alerts = new List<AlertMessage>();
        await using var reader = await command.ExecuteReaderAsync(cancellationToken).ConfigureAwait(false);
        while (await reader.ReadAsync(cancellationToken).ConfigureAwait(false))
        {
            alerts.Add(JsonSerializer.Deserialize(reader.GetString(0), ContractJsonContext.Default.AlertMessage)!);
        }

        return alerts;
    }
}

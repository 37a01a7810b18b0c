using Microsoft.Data.Sqlite;

namespace WearableEdge.EdgeService.Storage;

/// <summary>One outbox entry: an alert transition waiting for one target.</summary>
public sealed record OutboxEntry(long Id, string Target, string AlertId, string Action, DateTimeOffset EventAt, string Payload, int Attempts);

/// <summary>The depth and age of one target's backlog.</summary>
/// <param name="Pending">Entries waiting for delivery.</param>
/// <param name="InFlight">Entries being delivered now.</param>
/// <param name="OldestUnsyncedCreatedAt">When the oldest entry not yet synced (pending or in flight) was created.</param>
public sealed record OutboxBacklog(int Pending, int InFlight, DateTimeOffset? OldestUnsyncedCreatedAt);

/// <summary>
/// The outbox as a small state machine: <c>pending</c> → <c>in_flight</c> → <c>synced</c>, or back
/// to <c>pending</c> with a later next-attempt time when delivery fails. Entries in flight at a
/// crash go back to pending at start-up, so an entry is delivered at least once; targets make
/// redelivery harmless (idempotent points, MQTT QoS 1 with a stable alert id).
/// </summary>
public sealed class OutboxStore(EdgeDatabase database)
{
    private const string Pending = "pending";
    private const string InFlight = "in_flight";
    private const string Synced = "synced";

    /// <summary>Returns every in-flight entry to pending; call once at start-up.</summary>
    public async Task<int> ResetInFlightAsync(CancellationToken cancellationToken = default)
    {
        await using var connection = await database.OpenAsync(cancellationToken).ConfigureAwait(false);
        await using var command = connection.CreateCommand();
        command.CommandText = $"UPDATE outbox SET state = '{Pending}' WHERE state = '{InFlight}';";
        return await command.ExecuteNonQueryAsync(cancellationToken).ConfigureAwait(false);
    }

    /// <summary>Moves up to <paramref name="max"/> due entries of <paramref name="target"/> to in flight and returns them, oldest first.</summary>
    public async Task<IReadOnlyList<OutboxEntry>> ClaimDueAsync(string target, DateTimeOffset now, int max, CancellationToken cancellationToken = default)
    {
        await using var connection = await database.OpenAsync(cancellationToken).ConfigureAwait(false);
        await using var transaction = (SqliteTransaction)await connection.BeginTransactionAsync(cancellationToken).ConfigureAwait(false);
        var entries = new List<OutboxEntry>();
        await using (var select = connection.CreateCommand())
        {
            select.Transaction = transaction;
            select.CommandText = $"""
                SELECT id, target, alert_id, action, event_at, payload, attempts FROM outbox
                WHERE target = $target AND state = '{Pending}' AND next_attempt_at <= $now
                ORDER BY id LIMIT $max;
                """;
            select.Parameters.AddWithValue("$target", target);
            select.Parameters.AddWithValue("$now", now.ToUnixTimeMilliseconds());
            select.Parameters.AddWithValue("$max", max);
            await using var reader = await select.ExecuteReaderAsync(cancellationToken).ConfigureAwait(false);
            while (await reader.ReadAsync(cancellationToken).ConfigureAwait(false))
            {
                entries.Add(new OutboxEntry(
                    reader.GetInt64(0),
                    reader.GetString(1),
                    reader.GetString(2),
                    reader.GetString(3),
                    DateTimeOffset.FromUnixTimeMilliseconds(reader.GetInt64(4)),
                    reader.GetString(5),
                    reader.GetInt32(6)));
            }
        }

        await SetStateAsync(connection, transaction, entries.Select(e => e.Id), $"state = '{InFlight}'", [], cancellationToken).ConfigureAwait(false);
        await transaction.CommitAsync(cancellationToken).ConfigureAwait(false);
        return entries;
    }

    /// <summary>Marks entries delivered: the target acknowledged them.</summary>
    public async Task MarkSyncedAsync(IEnumerable<long> ids, DateTimeOffset now, CancellationToken cancellationToken = default)
    {
        await using var connection = await database.OpenAsync(cancellationToken).ConfigureAwait(false);
        await SetStateAsync(
            connection, null, ids, $"state = '{Synced}', synced_at = $now, last_error = NULL",
            [("$now", now.ToUnixTimeMilliseconds())], cancellationToken).ConfigureAwait(false);
    }

    /// <summary>Returns entries to pending with one more attempt counted and the next attempt at <paramref name="nextAttemptAt"/>.</summary>
    public async Task MarkFailedAsync(IEnumerable<long> ids, DateTimeOffset nextAttemptAt, string error, CancellationToken cancellationToken = default)
    {
        await using var connection = await database.OpenAsync(cancellationToken).ConfigureAwait(false);
        await SetStateAsync(
            connection, null, ids, $"state = '{Pending}', attempts = attempts + 1, next_attempt_at = $next, last_error = $error",
            [("$next", nextAttemptAt.ToUnixTimeMilliseconds()), ("$error", error)], cancellationToken).ConfigureAwait(false);
    }

    /// <summary>The backlog of one target.</summary>
    public async Task<OutboxBacklog> BacklogAsync(string target, CancellationToken cancellationToken = default)
    {
        await using var connection = await database.OpenAsync(cancellationToken).ConfigureAwait(false);
        await using var command = connection.CreateCommand();
        command.CommandText = $"""
            SELECT COALESCE(SUM(state = '{Pending}'), 0), COALESCE(SUM(state = '{InFlight}'), 0),
                   MIN(CASE WHEN state <> '{Synced}' THEN created_at END)
            FROM outbox WHERE target = $target AND state <> '{Synced}';
            """;
        command.Parameters.AddWithValue("$target", target);
        await using var reader = await command.ExecuteReaderAsync(cancellationToken).ConfigureAwait(false);
        await reader.ReadAsync(cancellationToken).ConfigureAwait(false);
        return new OutboxBacklog(
            reader.GetInt32(0),
            reader.GetInt32(1),
            reader.IsDBNull(2) ? null : DateTimeOffset.FromUnixTimeMilliseconds(reader.GetInt64(2)));
    }

    private static async Task SetStateAsync(
        SqliteConnection connection,
        SqliteTransaction? transaction,
        IEnumerable<long> ids,
        string assignments,
        (string Name, object Value)[] parameters,
        CancellationToken cancellationToken)
    {
        var idList = ids.ToList();
        if (idList.Count == 0)
        {
            return;
        }

        await using var command = connection.CreateCommand();
        command.Transaction = transaction;
        var names = new List<string>(idList.Count);
        for (var i = 0; i < idList.Count; i++)
        {
            names.Add("$i" + i);
            command.Parameters.AddWithValue("$i" + i, idList[i]);
        }

        foreach (var (name, value) in parameters)
        {
            command.Parameters.AddWithValue(name, value);
        }

        command.CommandText = $"UPDATE outbox SET {assignments} WHERE id IN ({string.Join(',', names)});";
        await command.ExecuteNonQueryAsync(cancellationToken).ConfigureAwait(false);
    }
}

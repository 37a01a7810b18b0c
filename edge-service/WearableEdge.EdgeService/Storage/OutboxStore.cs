using Microsoft.Data.Sqlite;

namespace WearableEdge.EdgeService.Storage;

/// <summary>What an outbox entry carries.</summary>
public static class OutboxKind
{
    /// <summary>An alert transition; never shed.</summary>
    public const string Alert = "alert";

    /// <summary>A one-minute vitals summary; shed oldest first when the outbox is full.</summary>
    public const string VitalsSummary = "vitals_1m";
}

/// <summary>One outbox entry: an alert transition or a minute summary waiting for one target.</summary>
/// <param name="Id">Outbox row id.</param>
/// <param name="Target">Target name.</param>
/// <param name="Kind"><see cref="OutboxKind.Alert"/> or <see cref="OutboxKind.VitalsSummary"/>.</param>
/// <param name="AlertId">The alert, for alert entries; empty for summaries.</param>
/// <param name="Action">The alert transition, or <c>summary</c>.</param>
/// <param name="EventAt">Device time of the event: the point's timestamp.</param>
/// <param name="Payload">JSON payload.</param>
/// <param name="Attempts">Failed deliveries so far.</param>
public sealed record OutboxEntry(long Id, string Target, string Kind, string AlertId, string Action, DateTimeOffset EventAt, string Payload, int Attempts)
{
    /// <summary>The patient the entry is about, when the claim looked it up (targets under an <see cref="Sync.IOutboxWithholding"/>); otherwise null.</summary>
    public string? PatientId { get; init; }
}

/// <summary>What became of a batch of summaries offered to the outbox.</summary>
/// <param name="Queued">New summaries queued.</param>
/// <param name="Shed">Summaries shed, older queued ones and new ones together.</param>
public sealed record SummaryAdmission(int Queued, int Shed);

/// <summary>A minute summary to queue for a target.</summary>
/// <param name="MinuteStart">Device time of the minute: the point's timestamp.</param>
/// <param name="Payload">JSON payload.</param>
public sealed record OutboxSummary(DateTimeOffset MinuteStart, string Payload);

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
/// An entry the <paramref name="withholding"/> policy refuses at claim time (a patient's consent was
/// withdrawn) goes from <c>pending</c> to <c>withheld</c> instead: never sent, never counted as synced,
/// and purged with the synced entries after the retention (docs/consent.md).
/// </summary>
/// <param name="database">The local store.</param>
/// <param name="withholding">Which entries must not leave the gateway; none when null.</param>
public sealed class OutboxStore(EdgeDatabase database, Sync.IOutboxWithholding? withholding = null)
{
    private const string Pending = "pending";
    private const string InFlight = "in_flight";
    private const string Synced = "synced";

    /// <summary>State of an entry withheld because consent no longer covers it; terminal, like synced.</summary>
    public const string Withheld = "withheld";

    // Unsent entries: what the outbox bound and the backlog count.
    private const string Unsent = $"state IN ('{Pending}', '{InFlight}')";

    // The entry's patient: the alert's, or the one in a summary's JSON.
    private const string PatientOf = $"""
        CASE kind WHEN '{OutboxKind.Alert}' THEN (SELECT a.patient_id FROM alerts a WHERE a.id = outbox.alert_id)
                  ELSE json_extract(payload, '$.patientId') END
        """;

    /// <summary>Returns every in-flight entry to pending; call once at start-up.</summary>
    public async Task<int> ResetInFlightAsync(CancellationToken cancellationToken = default)
    {
        await using var connection = await database.OpenAsync(cancellationToken).ConfigureAwait(false);
        await using var command = connection.CreateCommand();
        command.CommandText = $"UPDATE outbox SET state = '{Pending}' WHERE state = '{InFlight}';";
        return await command.ExecuteNonQueryAsync(cancellationToken).ConfigureAwait(false);
    }

    /// <summary>Moves up to <paramref name="max"/> due entries of <paramref name="target"/> to in flight and returns them, oldest first.</summary>
    /// <remarks>
    /// Entries the withholding policy refuses are marked <see cref="Withheld"/> in the same
    /// transaction and not returned; the claim then reads on, so a batch is not cut short by them.
    /// </remarks>
    public async Task<IReadOnlyList<OutboxEntry>> ClaimDueAsync(string target, DateTimeOffset now, int max, CancellationToken cancellationToken = default)
    {
        var checks = withholding?.AppliesTo(target) == true ? withholding : null;
        await using var connection = await database.OpenAsync(cancellationToken).ConfigureAwait(false);
        await using var transaction = (SqliteTransaction)await connection.BeginTransactionAsync(cancellationToken).ConfigureAwait(false);
        var entries = new List<OutboxEntry>();
        var withheld = new List<OutboxEntry>();
        var afterId = 0L;
        while (true)
        {
            var wanted = max - entries.Count;
            var read = await ReadDueAsync(connection, transaction, target, now, afterId, wanted, checks is not null, cancellationToken).ConfigureAwait(false);
            foreach (var entry in read)
            {
                // Fail closed: an entry whose patient cannot be told is withheld too.
                (checks is not null && (entry.PatientId is null || checks.Withholds(target, entry.PatientId, entry.EventAt)) ? withheld : entries).Add(entry);
            }

            if (checks is null || read.Count < wanted || entries.Count >= max)
            {
                break;
            }

            afterId = read[^1].Id;
        }

        await SetStateAsync(connection, transaction, entries.Select(e => e.Id), $"state = '{InFlight}'", [], cancellationToken).ConfigureAwait(false);
        await SetStateAsync(
            connection, transaction, withheld.Select(e => e.Id), $"state = '{Withheld}', synced_at = $now, last_error = 'consent'",
            [("$now", now.ToUnixTimeMilliseconds())], cancellationToken).ConfigureAwait(false);
        await transaction.CommitAsync(cancellationToken).ConfigureAwait(false);
        foreach (var group in withheld.GroupBy(e => e.Kind, StringComparer.Ordinal))
        {
            checks!.Withheld(target, group.Key, group.Count());
        }

        return entries;
    }

    private static async Task<List<OutboxEntry>> ReadDueAsync(
        SqliteConnection connection, SqliteTransaction transaction, string target, DateTimeOffset now, long afterId, int max, bool withPatient, CancellationToken cancellationToken)
    {
        var entries = new List<OutboxEntry>();
        await using var select = connection.CreateCommand();
        select.Transaction = transaction;
        select.CommandText = $"""
            SELECT id, target, kind, COALESCE(alert_id, ''), action, event_at, payload, attempts, {(withPatient ? PatientOf : "NULL")} FROM outbox
            WHERE target = $target AND state = '{Pending}' AND next_attempt_at <= $now AND id > $after
            ORDER BY id LIMIT $max;
            """;
        select.Parameters.AddWithValue("$target", target);
        select.Parameters.AddWithValue("$now", now.ToUnixTimeMilliseconds());
        select.Parameters.AddWithValue("$after", afterId);
        select.Parameters.AddWithValue("$max", max);
        await using var reader = await select.ExecuteReaderAsync(cancellationToken).ConfigureAwait(false);
        while (await reader.ReadAsync(cancellationToken).ConfigureAwait(false))
        {
            entries.Add(new OutboxEntry(
                reader.GetInt64(0),
                reader.GetString(1),
                reader.GetString(2),
                reader.GetString(3),
                reader.GetString(4),
                DateTimeOffset.FromUnixTimeMilliseconds(reader.GetInt64(5)),
                reader.GetString(6),
                reader.GetInt32(7))
            {
                PatientId = reader.IsDBNull(8) ? null : reader.GetValue(8).ToString(),
            });
        }

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

    /// <summary>As <see cref="AdmitSummariesAsync"/>; returns how many summaries, old and new, were shed.</summary>
    public async Task<int> AddSummariesAsync(
        string target, IReadOnlyList<OutboxSummary> summaries, int maxUnsynced, DateTimeOffset now, CancellationToken cancellationToken = default) =>
        (await AdmitSummariesAsync(target, summaries, maxUnsynced, now, cancellationToken).ConfigureAwait(false)).Shed;

    /// <summary>
    /// Queues minute summaries for <paramref name="target"/>, keeping the outbox within
    /// <paramref name="maxUnsynced"/> undelivered entries: the oldest pending summaries are shed
    /// to make room, then the new ones if only alerts are left. Alerts are never shed.
    /// Returns how many of the new summaries were queued, and how many summaries were shed in all.
    /// </summary>
    public async Task<SummaryAdmission> AdmitSummariesAsync(
        string target, IReadOnlyList<OutboxSummary> summaries, int maxUnsynced, DateTimeOffset now, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(summaries);
        if (summaries.Count == 0)
        {
            return new SummaryAdmission(0, 0);
        }

        await using var connection = await database.OpenAsync(cancellationToken).ConfigureAwait(false);
        await using var transaction = (SqliteTransaction)await connection.BeginTransactionAsync(cancellationToken).ConfigureAwait(false);
        long unsynced;
        await using (var count = connection.CreateCommand())
        {
            count.Transaction = transaction;
            count.CommandText = $"SELECT COUNT(*) FROM outbox WHERE {Unsent};";
            unsynced = (long)(await count.ExecuteScalarAsync(cancellationToken).ConfigureAwait(false))!;
        }

        var shed = 0;
        var excess = unsynced + summaries.Count - maxUnsynced;
        if (excess > 0)
        {
            await using var shedOldest = connection.CreateCommand();
            shedOldest.Transaction = transaction;
            shedOldest.CommandText = $"""
                DELETE FROM outbox WHERE id IN (
                    SELECT id FROM outbox WHERE kind = '{OutboxKind.VitalsSummary}' AND state = '{Pending}' ORDER BY id LIMIT $excess);
                """;
            shedOldest.Parameters.AddWithValue("$excess", excess);
            shed = await shedOldest.ExecuteNonQueryAsync(cancellationToken).ConfigureAwait(false);
        }

        // What old summaries could not make room for is shed from the new ones, oldest first.
        var room = (int)Math.Clamp(maxUnsynced - (unsynced - shed), 0, summaries.Count);
        var kept = summaries.Skip(summaries.Count - room).ToList();
        shed += summaries.Count - kept.Count;

        await using (var insert = connection.CreateCommand())
        {
            insert.Transaction = transaction;
            insert.CommandText = $"""
                INSERT INTO outbox (target, kind, action, event_at, payload, next_attempt_at, created_at)
                VALUES ($target, '{OutboxKind.VitalsSummary}', 'summary', $at, $payload, $now, $now);
                """;
            insert.Parameters.AddWithValue("$target", target);
            insert.Parameters.AddWithValue("$now", now.ToUnixTimeMilliseconds());
            var at = insert.Parameters.Add("$at", SqliteType.Integer);
            var payload = insert.Parameters.Add("$payload", SqliteType.Text);
            foreach (var summary in kept)
            {
                at.Value = summary.MinuteStart.ToUnixTimeMilliseconds();
                payload.Value = summary.Payload;
                await insert.ExecuteNonQueryAsync(cancellationToken).ConfigureAwait(false);
            }
        }

        await transaction.CommitAsync(cancellationToken).ConfigureAwait(false);
        return new SummaryAdmission(kept.Count, shed);
    }

    /// <summary>Entries not yet delivered (pending or in flight), over all targets: the size the outbox bound applies to.</summary>
    public async Task<long> UnsyncedCountAsync(CancellationToken cancellationToken = default)
    {
        await using var connection = await database.OpenAsync(cancellationToken).ConfigureAwait(false);
        await using var count = connection.CreateCommand();
        count.CommandText = $"SELECT COUNT(*) FROM outbox WHERE {Unsent};";
        return (long)(await count.ExecuteScalarAsync(cancellationToken).ConfigureAwait(false))!;
    }

    /// <summary>Deletes at most <paramref name="batchSize"/> entries delivered (or withheld) before <paramref name="cutoff"/>; returns how many.</summary>
    public async Task<int> PurgeSyncedAsync(DateTimeOffset cutoff, int batchSize, CancellationToken cancellationToken = default)
    {
        await using var connection = await database.OpenAsync(cancellationToken).ConfigureAwait(false);
        await using var delete = connection.CreateCommand();
        delete.CommandText = $"""
            DELETE FROM outbox WHERE id IN (
                SELECT id FROM outbox WHERE state IN ('{Synced}', '{Withheld}') AND synced_at < $cutoff ORDER BY synced_at LIMIT $batch);
            """;
        delete.Parameters.AddWithValue("$cutoff", cutoff.ToUnixTimeMilliseconds());
        delete.Parameters.AddWithValue("$batch", batchSize);
        return await delete.ExecuteNonQueryAsync(cancellationToken).ConfigureAwait(false);
    }

    /// <summary>The backlog of one target.</summary>
    public async Task<OutboxBacklog> BacklogAsync(string target, CancellationToken cancellationToken = default)
    {
        await using var connection = await database.OpenAsync(cancellationToken).ConfigureAwait(false);
        await using var command = connection.CreateCommand();
        command.CommandText = $"""
            SELECT COALESCE(SUM(state = '{Pending}'), 0), COALESCE(SUM(state = '{InFlight}'), 0),
                   MIN(created_at)
            FROM outbox WHERE target = $target AND {Unsent};
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


using Microsoft.Data.Sqlite;
using WearableEdge.Clinical.Samples;

namespace WearableEdge.EdgeService.Storage;

/// <summary>
/// Raw vital-sign samples on the gateway, for Storage:RawRetention. They are the local record of
/// what the wearables sent; they are never synced upstream.
/// </summary>
public sealed class SampleStore(EdgeDatabase database)
{
    /// <summary>Patients known to be in <c>sample_patients</c>; loaded at the first append. Only the raw-sample writer appends.</summary>
    private HashSet<string>? _knownPatients;

    /// <summary>Appends samples in one transaction.</summary>
    public async Task AppendAsync(IReadOnlyList<WearableSample> samples, DateTimeOffset receivedAt, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(samples);
        if (samples.Count == 0)
        {
            return;
        }

        await using var connection = await database.OpenAsync(cancellationToken).ConfigureAwait(false);
        await using (var relaxed = connection.CreateCommand())
        {
            // The raw record trades the last commits before a power cut for no fsync per commit (WAL
            // with synchronous=NORMAL stays consistent; the WAL is synced at each checkpoint). Alerts
            // and the outbox keep synchronous=FULL: the next OpenAsync on this pooled connection sets it.
            relaxed.CommandText = "PRAGMA synchronous = NORMAL;";
            await relaxed.ExecuteNonQueryAsync(cancellationToken).ConfigureAwait(false);
        }

        await using var transaction = (SqliteTransaction)await connection.BeginTransactionAsync(cancellationToken).ConfigureAwait(false);
        await using var insert = connection.CreateCommand();
        insert.Transaction = transaction;
        insert.CommandText = """
            INSERT INTO samples (patient_id, device_id, ts, received_at, heart_rate, spo2, respiration_rate, temperature, systolic_bp)
            VALUES ($patient, $device, $ts, $received, $hr, $spo2, $rr, $temp, $sbp);
            """;
        var patient = insert.Parameters.Add("$patient", SqliteType.Text);
        var device = insert.Parameters.Add("$device", SqliteType.Text);
        var ts = insert.Parameters.Add("$ts", SqliteType.Integer);
        insert.Parameters.AddWithValue("$received", receivedAt.ToUnixTimeMilliseconds());
        var hr = insert.Parameters.Add("$hr", SqliteType.Real);
        var spo2 = insert.Parameters.Add("$spo2", SqliteType.Real);
        var rr = insert.Parameters.Add("$rr", SqliteType.Real);
        var temp = insert.Parameters.Add("$temp", SqliteType.Real);
        var sbp = insert.Parameters.Add("$sbp", SqliteType.Real);
        foreach (var sample in samples)
        {
            patient.Value = sample.PatientId;
            device.Value = sample.DeviceId;
            ts.Value = sample.DeviceTime.ToUnixTimeMilliseconds();
            hr.Value = (object?)sample.Vitals.HeartRate ?? DBNull.Value;
            spo2.Value = (object?)sample.Vitals.SpO2 ?? DBNull.Value;
            rr.Value = (object?)sample.Vitals.RespirationRate ?? DBNull.Value;
            temp.Value = (object?)sample.Vitals.Temperature ?? DBNull.Value;
            sbp.Value = (object?)sample.Vitals.SystolicBp ?? DBNull.Value;
            await insert.ExecuteNonQueryAsync(cancellationToken).ConfigureAwait(false);
        }

        var added = await RecordPatientsAsync(connection, transaction, samples, receivedAt, cancellationToken).ConfigureAwait(false);
        await transaction.CommitAsync(cancellationToken).ConfigureAwait(false);
        _knownPatients!.UnionWith(added);
    }

    /// <summary>Adds the batch's patients not seen before to <c>sample_patients</c>; returns them, to be remembered once committed.</summary>
    private async Task<HashSet<string>> RecordPatientsAsync(
        SqliteConnection connection, SqliteTransaction transaction, IReadOnlyList<WearableSample> samples, DateTimeOffset receivedAt, CancellationToken cancellationToken)
    {
        if (_knownPatients is null)
        {
            var known = new HashSet<string>(StringComparer.Ordinal);
            await using var select = connection.CreateCommand();
            select.Transaction = transaction;
            select.CommandText = "SELECT patient_id FROM sample_patients;";
            await using (var reader = await select.ExecuteReaderAsync(cancellationToken).ConfigureAwait(false))
            {
                while (await reader.ReadAsync(cancellationToken).ConfigureAwait(false))
                {
                    known.Add(reader.GetString(0));
                }
            }

            _knownPatients = known;
        }

        var added = new HashSet<string>(StringComparer.Ordinal);
        SqliteCommand? insert = null;
        try
        {
            foreach (var sample in samples)
            {
                if (_knownPatients.Contains(sample.PatientId) || !added.Add(sample.PatientId))
                {
                    continue;
                }

                if (insert is null)
                {
                    insert = connection.CreateCommand();
                    insert.Transaction = transaction;
                    insert.CommandText = "INSERT OR IGNORE INTO sample_patients (patient_id, first_seen_at) VALUES ($patient, $at);";
                    insert.Parameters.Add("$patient", SqliteType.Text);
                    insert.Parameters.AddWithValue("$at", receivedAt.ToUnixTimeMilliseconds());
                }

                insert.Parameters["$patient"].Value = sample.PatientId;
                await insert.ExecuteNonQueryAsync(cancellationToken).ConfigureAwait(false);
            }
        }
        finally
        {
            if (insert is not null)
            {
                await insert.DisposeAsync().ConfigureAwait(false);
            }
        }

        return added;
    }

    /// <summary>Deletes at most <paramref name="batchSize"/> samples that arrived before <paramref name="cutoff"/>; returns how many.</summary>
    public async Task<int> PurgeAsync(DateTimeOffset cutoff, int batchSize, CancellationToken cancellationToken = default)
    {
        await using var connection = await database.OpenAsync(cancellationToken).ConfigureAwait(false);
        await using var delete = connection.CreateCommand();
        delete.CommandText = """
            DELETE FROM samples WHERE rowid IN (
                SELECT rowid FROM samples WHERE received_at < $cutoff ORDER BY received_at LIMIT $batch);
            """;
        delete.Parameters.AddWithValue("$cutoff", cutoff.ToUnixTimeMilliseconds());
        delete.Parameters.AddWithValue("$batch", batchSize);
        return await delete.ExecuteNonQueryAsync(cancellationToken).ConfigureAwait(false);
    }

    /// <summary>Number of raw samples held.</summary>
    public async Task<long> CountAsync(CancellationToken cancellationToken = default)
    {
        await using var connection = await database.OpenAsync(cancellationToken).ConfigureAwait(false);
        await using var count = connection.CreateCommand();
        count.CommandText = "SELECT COUNT(*) FROM samples;";
        return (long)(await count.ExecuteScalarAsync(cancellationToken).ConfigureAwait(false))!;
    }
}

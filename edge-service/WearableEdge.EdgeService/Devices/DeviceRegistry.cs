using Microsoft.Data.Sqlite;
using WearableEdge.EdgeService.Storage;

namespace WearableEdge.EdgeService.Devices;

/// <summary>
/// Which patient wears which device when, and who has consented. The local store holds it; a copy
/// in memory answers ingest without a query per message. Writes go to the store first, then to the copy.
/// </summary>
public sealed class DeviceRegistry(EdgeDatabase database, TimeProvider timeProvider)
{
    private readonly Lock _gate = new();
    private readonly Dictionary<string, DeviceView> _devices = new(StringComparer.Ordinal);
    private readonly Dictionary<string, List<ConsentRecord>> _consents = new(StringComparer.Ordinal);

    /// <summary>Every registered device with its assignments.</summary>
    public IReadOnlyList<DeviceView> Devices
    {
        get
        {
            lock (_gate)
            {
                return [.. _devices.Values.OrderBy(d => d.DeviceId, StringComparer.Ordinal)];
            }
        }
    }

    /// <summary>The patient wearing <paramref name="deviceId"/> at <paramref name="at"/> (device time), or null when the device is unknown or unassigned then.</summary>
    public string? PatientAt(string deviceId, DateTimeOffset at)
    {
        ArgumentNullException.ThrowIfNull(deviceId);
        lock (_gate)
        {
            return _devices.TryGetValue(deviceId, out var device)
                ? device.Assignments.LastOrDefault(a => a.Covers(at))?.PatientId
                : null;
        }
    }

    /// <summary>Whether <paramref name="patientId"/> has a consent on record that is not withdrawn.</summary>
    public bool HasConsent(string patientId)
    {
        ArgumentNullException.ThrowIfNull(patientId);
        lock (_gate)
        {
            return _consents.TryGetValue(patientId, out var records) && records.Exists(r => r.IsActive);
        }
    }

    /// <summary>
    /// Whether data about <paramref name="patientId"/> from device time <paramref name="eventAt"/> may
    /// leave the gateway: consent is active now, and no consent of the patient was withdrawn at or
    /// after that time.
    /// </summary>
    public bool MaySync(string patientId, DateTimeOffset eventAt)
    {
        ArgumentNullException.ThrowIfNull(patientId);
        lock (_gate)
        {
            return _consents.TryGetValue(patientId, out var records)
                && records.Exists(r => r.IsActive)
                && !records.Exists(r => r.WithdrawnAt >= eventAt);
        }
    }

    /// <summary>A patient's consent history.</summary>
    public ConsentView ConsentOf(string patientId)
    {
        ArgumentNullException.ThrowIfNull(patientId);
        lock (_gate)
        {
            var records = _consents.TryGetValue(patientId, out var list) ? [.. list] : new List<ConsentRecord>();
            return new ConsentView(patientId, records.Exists(r => r.IsActive), records);
        }
    }

    /// <summary>Reads the registry from the store (after migration).</summary>
    public async Task LoadAsync(CancellationToken cancellationToken = default)
    {
        var devices = new Dictionary<string, (DateTimeOffset At, string By, List<DeviceAssignment> Assignments)>(StringComparer.Ordinal);
        var consents = new Dictionary<string, List<ConsentRecord>>(StringComparer.Ordinal);
        await using var connection = await database.OpenAsync(cancellationToken).ConfigureAwait(false);
        await using (var command = connection.CreateCommand())
        {
            command.CommandText = "SELECT device_id, registered_at, registered_by FROM devices;";
            await using var reader = await command.ExecuteReaderAsync(cancellationToken).ConfigureAwait(false);
            while (await reader.ReadAsync(cancellationToken).ConfigureAwait(false))
            {
                devices[reader.GetString(0)] = (FromMs(reader.GetInt64(1)), reader.GetString(2), []);
            }
        }

        await using (var command = connection.CreateCommand())
        {
            command.CommandText = "SELECT device_id, patient_id, valid_from, valid_to FROM device_assignments ORDER BY valid_from, id;";
            await using var reader = await command.ExecuteReaderAsync(cancellationToken).ConfigureAwait(false);
            while (await reader.ReadAsync(cancellationToken).ConfigureAwait(false))
            {
                var deviceId = reader.GetString(0);
                if (devices.TryGetValue(deviceId, out var device))
                {
                    device.Assignments.Add(new DeviceAssignment(
                        deviceId, reader.GetString(1), FromMs(reader.GetInt64(2)), reader.IsDBNull(3) ? null : FromMs(reader.GetInt64(3))));
                }
            }
        }

        await using (var command = connection.CreateCommand())
        {
            command.CommandText = "SELECT patient_id, recorded_at, recorded_by, scope, withdrawn_at, withdrawn_by FROM consents ORDER BY recorded_at, id;";
            await using var reader = await command.ExecuteReaderAsync(cancellationToken).ConfigureAwait(false);
            while (await reader.ReadAsync(cancellationToken).ConfigureAwait(false))
            {
                var patientId = reader.GetString(0);
                if (!consents.TryGetValue(patientId, out var list))
                {
                    consents[patientId] = list = [];
                }

                list.Add(new ConsentRecord(
                    patientId,
                    FromMs(reader.GetInt64(1)),
                    reader.GetString(2),
                    reader.GetString(3),
                    reader.IsDBNull(4) ? null : FromMs(reader.GetInt64(4)),
                    reader.IsDBNull(5) ? null : reader.GetString(5)));
            }
        }

        lock (_gate)
        {
            _devices.Clear();
            foreach (var (id, device) in devices)
            {
                _devices[id] = new DeviceView(id, device.At, device.By, device.Assignments);
            }

            _consents.Clear();
            foreach (var (id, list) in consents)
            {
                _consents[id] = list;
            }
        }
    }

    /// <summary>Registers a device (no-op when it is known already) and returns it.</summary>
    public async Task<DeviceView> RegisterAsync(string deviceId, string registeredBy, CancellationToken cancellationToken = default)
    {
        ArgumentException.ThrowIfNullOrWhiteSpace(deviceId);
        ArgumentException.ThrowIfNullOrWhiteSpace(registeredBy);
        var now = timeProvider.GetUtcNow();
        await using var connection = await database.OpenAsync(cancellationToken).ConfigureAwait(false);
        await using var command = connection.CreateCommand();
        command.CommandText = "INSERT INTO devices (device_id, registered_at, registered_by) VALUES ($id, $at, $by) ON CONFLICT (device_id) DO NOTHING;";
        command.Parameters.AddWithValue("$id", deviceId);
        command.Parameters.AddWithValue("$at", now.ToUnixTimeMilliseconds());
        command.Parameters.AddWithValue("$by", registeredBy);
        await command.ExecuteNonQueryAsync(cancellationToken).ConfigureAwait(false);
        lock (_gate)
        {
            if (!_devices.TryGetValue(deviceId, out var device))
            {
                _devices[deviceId] = device = new DeviceView(deviceId, now, registeredBy, []);
            }

            return device;
        }
    }

    /// <summary>
    /// Assigns a registered device to a patient from <paramref name="from"/> on. An open assignment
    /// of the same device ends at <paramref name="from"/>: its earlier samples keep their patient.
    /// </summary>
    /// <returns>False when the device is not registered.</returns>
    public async Task<bool> AssignAsync(string deviceId, string patientId, DateTimeOffset from, CancellationToken cancellationToken = default)
    {
        ArgumentException.ThrowIfNullOrWhiteSpace(deviceId);
        ArgumentException.ThrowIfNullOrWhiteSpace(patientId);
        from = FromMs(from.ToUnixTimeMilliseconds());
        lock (_gate)
        {
            if (!_devices.ContainsKey(deviceId))
            {
                return false;
            }
        }

        await using var connection = await database.OpenAsync(cancellationToken).ConfigureAwait(false);
        await using var transaction = (SqliteTransaction)await connection.BeginTransactionAsync(cancellationToken).ConfigureAwait(false);
        await CloseOpenAsync(connection, transaction, deviceId, from, cancellationToken).ConfigureAwait(false);
        await using (var insert = connection.CreateCommand())
        {
            insert.Transaction = transaction;
            insert.CommandText = "INSERT INTO device_assignments (device_id, patient_id, valid_from) VALUES ($id, $patient, $from);";
            insert.Parameters.AddWithValue("$id", deviceId);
            insert.Parameters.AddWithValue("$patient", patientId);
            insert.Parameters.AddWithValue("$from", from.ToUnixTimeMilliseconds());
            await insert.ExecuteNonQueryAsync(cancellationToken).ConfigureAwait(false);
        }

        await transaction.CommitAsync(cancellationToken).ConfigureAwait(false);
        lock (_gate)
        {
            var device = _devices[deviceId];
            var assignments = Closed(device.Assignments, from);
            assignments.Add(new DeviceAssignment(deviceId, patientId, from, null));
            _devices[deviceId] = device with { Assignments = assignments };
        }

        return true;
    }

    /// <summary>Ends the device's open assignment at <paramref name="at"/>; its later samples belong to no one.</summary>
    /// <returns>False when the device is not registered.</returns>
    public async Task<bool> UnassignAsync(string deviceId, DateTimeOffset at, CancellationToken cancellationToken = default)
    {
        ArgumentException.ThrowIfNullOrWhiteSpace(deviceId);
        at = FromMs(at.ToUnixTimeMilliseconds());
        lock (_gate)
        {
            if (!_devices.ContainsKey(deviceId))
            {
                return false;
            }
        }

        await using var connection = await database.OpenAsync(cancellationToken).ConfigureAwait(false);
        await using var transaction = (SqliteTransaction)await connection.BeginTransactionAsync(cancellationToken).ConfigureAwait(false);
        await CloseOpenAsync(connection, transaction, deviceId, at, cancellationToken).ConfigureAwait(false);
        await transaction.CommitAsync(cancellationToken).ConfigureAwait(false);
        lock (_gate)
        {
            var device = _devices[deviceId];
            _devices[deviceId] = device with { Assignments = Closed(device.Assignments, at) };
        }

        return true;
    }

    /// <summary>Records a patient's consent (a new record; earlier ones stay in the history).</summary>
    public async Task<ConsentView> RecordConsentAsync(string patientId, string scope, string recordedBy, CancellationToken cancellationToken = default)
    {
        ArgumentException.ThrowIfNullOrWhiteSpace(patientId);
        ArgumentException.ThrowIfNullOrWhiteSpace(scope);
        ArgumentException.ThrowIfNullOrWhiteSpace(recordedBy);
        var now = timeProvider.GetUtcNow();
        await using var connection = await database.OpenAsync(cancellationToken).ConfigureAwait(false);
        await using var command = connection.CreateCommand();
        command.CommandText = "INSERT INTO consents (patient_id, recorded_at, recorded_by, scope) VALUES ($patient, $at, $by, $scope);";
        command.Parameters.AddWithValue("$patient", patientId);
        command.Parameters.AddWithValue("$at", now.ToUnixTimeMilliseconds());
        command.Parameters.AddWithValue("$by", recordedBy);
        command.Parameters.AddWithValue("$scope", scope);
        await command.ExecuteNonQueryAsync(cancellationToken).ConfigureAwait(false);
        lock (_gate)
        {
            if (!_consents.TryGetValue(patientId, out var list))
            {
                _consents[patientId] = list = [];
            }

            list.Add(new ConsentRecord(patientId, now, recordedBy, scope, null, null));
        }

        return ConsentOf(patientId);
    }

    /// <summary>Withdraws every active consent of a patient now: from this moment their data is not processed.</summary>
    public async Task<ConsentView> WithdrawConsentAsync(string patientId, string withdrawnBy, CancellationToken cancellationToken = default)
    {
        ArgumentException.ThrowIfNullOrWhiteSpace(patientId);
        ArgumentException.ThrowIfNullOrWhiteSpace(withdrawnBy);
        var now = timeProvider.GetUtcNow();
        await using var connection = await database.OpenAsync(cancellationToken).ConfigureAwait(false);
        await using var command = connection.CreateCommand();
        command.CommandText = "UPDATE consents SET withdrawn_at = $at, withdrawn_by = $by WHERE patient_id = $patient AND withdrawn_at IS NULL;";
        command.Parameters.AddWithValue("$patient", patientId);
        command.Parameters.AddWithValue("$at", now.ToUnixTimeMilliseconds());
        command.Parameters.AddWithValue("$by", withdrawnBy);
        await command.ExecuteNonQueryAsync(cancellationToken).ConfigureAwait(false);
        lock (_gate)
        {
            if (_consents.TryGetValue(patientId, out var list))
            {
                for (var i = 0; i < list.Count; i++)
                {
                    if (list[i].IsActive)
                    {
                        list[i] = list[i] with { WithdrawnAt = now, WithdrawnBy = withdrawnBy };
                    }
                }
            }
        }

        return ConsentOf(patientId);
    }

    /// <summary>Adds what the seed names and the store lacks: unknown devices, assignments of unassigned devices, consents of patients with none.</summary>
    public async Task SeedAsync(DeviceSeed seed, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(seed);
        foreach (var entry in seed.Devices ?? [])
        {
            var device = await RegisterAsync(entry.DeviceId, "seed", cancellationToken).ConfigureAwait(false);
            if (!string.IsNullOrWhiteSpace(entry.PatientId) && device.Assignments.Count == 0)
            {
                await AssignAsync(entry.DeviceId, entry.PatientId, entry.ValidFrom ?? DateTimeOffset.UnixEpoch, cancellationToken).ConfigureAwait(false);
            }
        }

        foreach (var entry in seed.Consents ?? [])
        {
            bool known;
            lock (_gate)
            {
                known = _consents.ContainsKey(entry.PatientId);
            }

            if (!known)
            {
                await RecordConsentAsync(entry.PatientId, entry.Scope ?? "monitoring", entry.RecordedBy ?? "seed", cancellationToken).ConfigureAwait(false);
            }
        }
    }

    private static async Task CloseOpenAsync(SqliteConnection connection, SqliteTransaction transaction, string deviceId, DateTimeOffset at, CancellationToken cancellationToken)
    {
        await using var close = connection.CreateCommand();
        close.Transaction = transaction;
        // An assignment that would start after the change ends where it starts (an empty period).
        close.CommandText = "UPDATE device_assignments SET valid_to = MAX(valid_from, $at) WHERE device_id = $id AND valid_to IS NULL;";
        close.Parameters.AddWithValue("$id", deviceId);
        close.Parameters.AddWithValue("$at", at.ToUnixTimeMilliseconds());
        await close.ExecuteNonQueryAsync(cancellationToken).ConfigureAwait(false);
    }

    private static List<DeviceAssignment> Closed(IReadOnlyList<DeviceAssignment> assignments, DateTimeOffset at) =>
        [.. assignments.Select(a => a.ValidTo is null ? a with { ValidTo = at > a.ValidFrom ? at : a.ValidFrom } : a)];

    private static DateTimeOffset FromMs(long ms) => DateTimeOffset.FromUnixTimeMilliseconds(ms);
}

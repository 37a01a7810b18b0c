using Microsoft.Data.Sqlite;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;

namespace WearableEdge.EdgeService.Storage;

/// <summary>
/// The local SQLite store: one file, WAL journal, <c>synchronous=FULL</c> on every connection it opens so a
/// committed alert survives a power cut before anything is published. Only the raw-sample append
/// relaxes it to <c>NORMAL</c> for its own transaction (<see cref="SampleStore"/>). Schema changes
/// are numbered migrations recorded in <c>PRAGMA user_version</c>.
/// </summary>
public sealed class EdgeDatabase
{
    /// <summary>Migrations in order; migration i takes the schema from version i to i + 1.</summary>
    internal static readonly IReadOnlyList<string> Migrations =
    [
        """
        CREATE TABLE alerts (
            id           TEXT PRIMARY KEY,
            patient_id   TEXT NOT NULL,
            type         TEXT NOT NULL,
            priority     TEXT NOT NULL,
            status       TEXT NOT NULL,
            raised_at    INTEGER NOT NULL,
            stored_at    INTEGER NOT NULL,
            updated_at   INTEGER NOT NULL,
            resolved_at  INTEGER,
            score        REAL NOT NULL,
            rule_id      TEXT NOT NULL,
            rule_version TEXT NOT NULL,
            late         INTEGER NOT NULL,
            document     TEXT NOT NULL
        );
        CREATE INDEX ix_alerts_raised ON alerts (raised_at DESC);
        CREATE INDEX ix_alerts_active ON alerts (patient_id, type) WHERE status = 'active';

        CREATE TABLE alert_events (
            id          INTEGER PRIMARY KEY AUTOINCREMENT,
            alert_id    TEXT NOT NULL REFERENCES alerts (id),
            action      TEXT NOT NULL,
            at          INTEGER NOT NULL,
            recorded_at INTEGER NOT NULL,
            priority    TEXT NOT NULL,
            score       REAL NOT NULL
        );
        CREATE INDEX ix_alert_events_alert ON alert_events (alert_id);

        CREATE TABLE outbox (
            id              INTEGER PRIMARY KEY AUTOINCREMENT,
            target          TEXT NOT NULL,
            alert_id        TEXT NOT NULL REFERENCES alerts (id),
            action          TEXT NOT NULL,
            event_at        INTEGER NOT NULL,
            payload         TEXT NOT NULL,
            state           TEXT NOT NULL DEFAULT 'pending',
            attempts        INTEGER NOT NULL DEFAULT 0,
            next_attempt_at INTEGER NOT NULL,
            created_at      INTEGER NOT NULL,
            synced_at       INTEGER,
            last_error      TEXT
        );
        CREATE INDEX ix_outbox_due ON outbox (target, state, next_attempt_at);
        """,

        // v2: the outbox also carries minute summaries (no alert), and raw samples are kept
        // locally for Storage:RawRetention. SQLite cannot drop NOT NULL, so the outbox is rebuilt.
        """
        CREATE TABLE outbox_v2 (
            id              INTEGER PRIMARY KEY AUTOINCREMENT,
            target          TEXT NOT NULL,
            kind            TEXT NOT NULL DEFAULT 'alert',
            alert_id        TEXT REFERENCES alerts (id),
            action          TEXT NOT NULL,
            event_at        INTEGER NOT NULL,
            payload         TEXT NOT NULL,
            state           TEXT NOT NULL DEFAULT 'pending',
            attempts        INTEGER NOT NULL DEFAULT 0,
            next_attempt_at INTEGER NOT NULL,
            created_at      INTEGER NOT NULL,
            synced_at       INTEGER,
            last_error      TEXT
        );
        INSERT INTO outbox_v2 (id, target, kind, alert_id, action, event_at, payload, state, attempts, next_attempt_at, created_at, synced_at, last_error)
            SELECT id, target, 'alert', alert_id, action, event_at, payload, state, attempts, next_attempt_at, created_at, synced_at, last_error FROM outbox;
        DROP TABLE outbox;
        ALTER TABLE outbox_v2 RENAME TO outbox;
        CREATE INDEX ix_outbox_due ON outbox (target, state, next_attempt_at);
        CREATE INDEX ix_outbox_kind_state ON outbox (kind, state, id);
        CREATE INDEX ix_outbox_synced ON outbox (state, synced_at);

        CREATE TABLE samples (
            patient_id       TEXT NOT NULL,
            device_id        TEXT NOT NULL,
            ts               INTEGER NOT NULL,
            received_at      INTEGER NOT NULL,
            heart_rate       REAL,
            spo2             REAL,
            respiration_rate REAL,
            temperature      REAL,
            systolic_bp      REAL
        );
        CREATE INDEX ix_samples_received ON samples (received_at);
        CREATE INDEX ix_samples_patient_ts ON samples (patient_id, ts);
        """,

        // v3: the alarm lifecycle and access control. alert_events becomes the audit trail (who,
        // from which client, with which note, to which status); an alert records who acknowledged
        // it, until when it is silenced and its peak; nurses and admins sign in with hashed
        // passwords, machine clients with bearer tokens stored as hashes.
        """
        ALTER TABLE alert_events ADD COLUMN status TEXT;
        ALTER TABLE alert_events ADD COLUMN actor TEXT NOT NULL DEFAULT 'system';
        ALTER TABLE alert_events ADD COLUMN client TEXT;
        ALTER TABLE alert_events ADD COLUMN note TEXT;
        ALTER TABLE alerts ADD COLUMN acknowledged_at INTEGER;
        ALTER TABLE alerts ADD COLUMN acknowledged_by TEXT;
        ALTER TABLE alerts ADD COLUMN silenced_until INTEGER;
        ALTER TABLE alerts ADD COLUMN last_seen_at INTEGER;
        ALTER TABLE alerts ADD COLUMN peak_score REAL;

        CREATE TABLE users (
            username      TEXT PRIMARY KEY COLLATE NOCASE,
            password_hash TEXT NOT NULL,
            role          TEXT NOT NULL CHECK (role IN ('nurse', 'admin')),
            created_at    INTEGER NOT NULL,
            disabled      INTEGER NOT NULL DEFAULT 0
        );

        CREATE TABLE api_tokens (
            token_hash TEXT PRIMARY KEY,
            name       TEXT NOT NULL,
            username   TEXT NOT NULL REFERENCES users (username),
            created_at INTEGER NOT NULL,
            expires_at INTEGER,
            revoked    INTEGER NOT NULL DEFAULT 0
        );
        """,

        // v4: the device registry and consent. A device belongs to a patient for a period
        // [valid_from, valid_to), so a sample is resolved by its own device time; consent is a
        // record with who recorded it and when it was withdrawn (never deleted: an audit trail).
        """
        CREATE TABLE devices (
            device_id     TEXT PRIMARY KEY,
            registered_at INTEGER NOT NULL,
            registered_by TEXT NOT NULL
        );

        CREATE TABLE device_assignments (
            id         INTEGER PRIMARY KEY AUTOINCREMENT,
            device_id  TEXT NOT NULL REFERENCES devices (device_id),
            patient_id TEXT NOT NULL,
            valid_from INTEGER NOT NULL,
            valid_to   INTEGER,
            CHECK (valid_to IS NULL OR valid_to >= valid_from)
        );
        CREATE INDEX ix_device_assignments_device ON device_assignments (device_id, valid_from);

        CREATE TABLE consents (
            id           INTEGER PRIMARY KEY AUTOINCREMENT,
            patient_id   TEXT NOT NULL,
            recorded_at  INTEGER NOT NULL,
            recorded_by  TEXT NOT NULL,
            scope        TEXT NOT NULL,
            withdrawn_at INTEGER,
            withdrawn_by TEXT
        );
        CREATE INDEX ix_consents_patient ON consents (patient_id, recorded_at);
        """,

        // v5: raw samples are appended in arrival order only. The (patient_id, ts) index put every
        // insert on a different B-tree page: at 30,000 samples/s that was a quarter of the
        // service's CPU (docs/performance.md). The one reader that needed it, the pseudonym lookup,
        // reads the patients that sent samples from sample_patients instead, filled here first.
        """
        CREATE TABLE sample_patients (
            patient_id    TEXT PRIMARY KEY,
            first_seen_at INTEGER NOT NULL
        ) WITHOUT ROWID;
        INSERT INTO sample_patients (patient_id, first_seen_at)
            SELECT patient_id, MIN(received_at) FROM samples GROUP BY patient_id;
        DROP INDEX ix_samples_patient_ts;
        """,
    ];

    private readonly string _connectionString;

    public EdgeDatabase(IOptions<StorageOptions> options)
    {
        ArgumentNullException.ThrowIfNull(options);
        Path = options.Value.DatabasePath;
        _connectionString = new SqliteConnectionStringBuilder
        {
            DataSource = Path,
            Mode = SqliteOpenMode.ReadWriteCreate,
            Pooling = true,
            DefaultTimeout = 30,
        }.ToString();
    }

    /// <summary>Full path of the database file.</summary>
    public string Path { get; }

    /// <summary>The schema version this build writes.</summary>
    public static int CurrentVersion => Migrations.Count;

    /// <summary>Opens a connection with the durability settings every write relies on.</summary>
    public async Task<SqliteConnection> OpenAsync(CancellationToken cancellationToken = default)
    {
        var connection = new SqliteConnection(_connectionString);
        try
        {
            await connection.OpenAsync(cancellationToken).ConfigureAwait(false);
            await using var pragmas = connection.CreateCommand();
            pragmas.CommandText = "PRAGMA synchronous = FULL; PRAGMA foreign_keys = ON; PRAGMA busy_timeout = 5000;";
            await pragmas.ExecuteNonQueryAsync(cancellationToken).ConfigureAwait(false);
            return connection;
        }
        catch
        {
            await connection.DisposeAsync().ConfigureAwait(false);
            throw;
        }
    }

    /// <summary>Switches the file to WAL and applies every migration it has not seen, each in its own transaction.</summary>
    public async Task<int> MigrateAsync(CancellationToken cancellationToken = default)
    {
        // The folder and what is in it are for the service user only (docs/security.md). What was
        // wider before this start is reported; files SQLite creates now are narrowed silently.
        var folder = System.IO.Path.GetDirectoryName(Path)!;
        DataDirectoryAccess.Create(folder);
        PermissionCorrections = DataDirectoryAccess.Restrict(folder);
        try
        {
            return await MigrateCoreAsync(cancellationToken).ConfigureAwait(false);
        }
        finally
        {
            // The session keys folder too, before Data Protection creates it with the default mode.
            DataDirectoryAccess.Create(System.IO.Path.Combine(folder, DataDirectoryAccess.KeysFolderName));
            DataDirectoryAccess.Restrict(folder);
        }
    }

    /// <summary>Permissions the last <see cref="MigrateAsync"/> found wider than the service user and narrowed.</summary>
    public IReadOnlyList<PermissionCorrection> PermissionCorrections { get; private set; } = [];

    private async Task<int> MigrateCoreAsync(CancellationToken cancellationToken)
    {
        await using var connection = await OpenAsync(cancellationToken).ConfigureAwait(false);
        await using (var wal = connection.CreateCommand())
        {
            wal.CommandText = "PRAGMA journal_mode = WAL;";
            var mode = (string?)await wal.ExecuteScalarAsync(cancellationToken).ConfigureAwait(false);
            if (!string.Equals(mode, "wal", StringComparison.OrdinalIgnoreCase))
            {
                throw new InvalidOperationException($"The local store at {Path} could not switch to WAL (journal mode is '{mode}').");
            }
        }

        var version = await UserVersionAsync(connection, cancellationToken).ConfigureAwait(false);
        if (version > CurrentVersion)
        {
            throw new InvalidOperationException(
                $"The local store at {Path} has schema version {version}, newer than this build's {CurrentVersion}. Use a newer build or another Storage:DataDirectory.");
        }

        for (; version < CurrentVersion; version++)
        {
            await using var transaction = (SqliteTransaction)await connection.BeginTransactionAsync(cancellationToken).ConfigureAwait(false);
            await using var command = connection.CreateCommand();
            command.Transaction = transaction;
            command.CommandText = Migrations[version] + $"\nPRAGMA user_version = {version + 1};";
            await command.ExecuteNonQueryAsync(cancellationToken).ConfigureAwait(false);
            await transaction.CommitAsync(cancellationToken).ConfigureAwait(false);
        }

        return version;
    }

    private static async Task<int> UserVersionAsync(SqliteConnection connection, CancellationToken cancellationToken)
    {
        await using var command = connection.CreateCommand();
        command.CommandText = "PRAGMA user_version;";
        return Convert.ToInt32(await command.ExecuteScalarAsync(cancellationToken).ConfigureAwait(false), System.Globalization.CultureInfo.InvariantCulture);
    }
}

/// <summary>Applies migrations before any other stage starts.</summary>
internal sealed class DatabaseMigrationService(EdgeDatabase database, ILogger<DatabaseMigrationService> logger) : Microsoft.Extensions.Hosting.IHostedService
{
    public async Task StartAsync(CancellationToken cancellationToken)
    {
        var version = await database.MigrateAsync(cancellationToken).ConfigureAwait(false);
        foreach (var correction in database.PermissionCorrections)
        {
            Log.DataPermissionRestricted(logger, correction.Path, correction.OldMode, correction.NewMode);
        }

        Log.StoreReady(logger, database.Path, version);
    }

    public Task StopAsync(CancellationToken cancellationToken) => Task.CompletedTask;
}

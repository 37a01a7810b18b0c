using WearableEdge.Clinical.Alerts;
using WearableEdge.Contracts;

namespace WearableEdge.EdgeService.Alerts;

/// <summary>An open alert as last stored, and the lifecycle tracker that owns it (null for alerts no tracker owns, such as falls).</summary>
public sealed class OpenAlert(AlertMessage alert, AlertConditionTracker? tracker)
{
    public AlertMessage Alert { get; set; } = alert;

    public AlertConditionTracker? Tracker { get; set; } = tracker;
}

/// <summary>
/// The open alerts of every patient, and the one lock under which any alert changes. The rule
/// stages (<see cref="AlertService"/>, <see cref="ModelAlertService"/>) and staff commands
/// (<see cref="AlertCommandService"/>) each take the lock, decide, store, and update the ledger
/// before releasing it, so a staff acknowledgement and a rule's update of the same alert never
/// overwrite each other. One open alert per patient and type.
/// </summary>
public sealed class AlertLedger
{
    private readonly SemaphoreSlim _gate = new(1, 1);
    private readonly Dictionary<string, OpenAlert> _byId = new(StringComparer.Ordinal);
    private readonly Dictionary<(string PatientId, string Type), string> _byType = [];

    /// <summary>Takes the lock; dispose the result to release it.</summary>
    public async Task<IDisposable> LockAsync(CancellationToken cancellationToken = default)
    {
        await _gate.WaitAsync(cancellationToken).ConfigureAwait(false);
        return new Release(_gate);
    }

    /// <summary>Open alerts now (call under the lock).</summary>
    public IReadOnlyCollection<OpenAlert> Open => _byId.Values;

    /// <summary>The open alert with <paramref name="id"/>, if any (call under the lock).</summary>
    public OpenAlert? Find(string id) => _byId.GetValueOrDefault(id);

    /// <summary>The open alert of one patient and type, if any (call under the lock).</summary>
    public OpenAlert? Find(string patientId, string type) =>
        _byType.TryGetValue((patientId, type), out var id) ? _byId.GetValueOrDefault(id) : null;

    /// <summary>Records the stored state of an alert: kept while open, dropped once resolved (call under the lock).</summary>
    public void Stored(AlertMessage alert, AlertConditionTracker? tracker)
    {
        ArgumentNullException.ThrowIfNull(alert);
        if (alert.Status == "resolved")
        {
            _byId.Remove(alert.Id);
            if (_byType.TryGetValue((alert.PatientId, alert.Type), out var id) && id == alert.Id)
            {
                _byType.Remove((alert.PatientId, alert.Type));
            }

            return;
        }

        if (_byId.TryGetValue(alert.Id, out var open))
        {
            open.Alert = alert;
        }
        else
        {
            _byId[alert.Id] = new OpenAlert(alert, tracker);
        }

        _byType[(alert.PatientId, alert.Type)] = alert.Id;
    }

    private sealed class Release(SemaphoreSlim gate) : IDisposable
    {
        private int _released;

        public void Dispose()
        {
            if (Interlocked.Exchange(ref _released, 1) == 0)
            {
                gate.Release();
            }
        }
    }
}

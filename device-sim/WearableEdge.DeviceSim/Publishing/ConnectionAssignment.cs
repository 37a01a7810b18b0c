namespace WearableEdge.DeviceSim.Publishing;

/// <summary>
/// Which of N connections carries each patient: patients are dealt out in the order they first
/// publish (connection 0, 1, …, N−1, 0, …) and stay on theirs, as a patient stays paired with one
/// phone or hub. The order of first publication is fixed by the seed, so the assignment is too.
/// Not thread-safe.
/// </summary>
internal sealed class ConnectionAssignment
{
    private readonly Dictionary<string, int> _connectionOf = new(StringComparer.Ordinal);

    /// <param name="connections">Number of connections, 1 or more.</param>
    public ConnectionAssignment(int connections)
    {
        ArgumentOutOfRangeException.ThrowIfLessThan(connections, 1);
        Connections = connections;
    }

    public int Connections { get; }

    /// <summary>The zero-based connection of the patient whose topic is <paramref name="topic"/> (<c>wearables/{patientId}/…</c>).</summary>
    public int ConnectionOf(string topic)
    {
        ArgumentNullException.ThrowIfNull(topic);
        if (Connections == 1)
        {
            return 0;
        }

        var patientId = PatientId(topic);
        if (!_connectionOf.TryGetValue(patientId, out var connection))
        {
            connection = _connectionOf.Count % Connections;
            _connectionOf.Add(patientId, connection);
        }

        return connection;
    }

    /// <summary>The second topic level, which is the patient id in every wearables topic; the whole topic otherwise.</summary>
    private static string PatientId(string topic)
    {
        var first = topic.IndexOf('/', StringComparison.Ordinal);
        var second = first < 0 ? -1 : topic.IndexOf('/', first + 1);
        return second < 0 ? topic : topic[(first + 1)..second];
    }
}

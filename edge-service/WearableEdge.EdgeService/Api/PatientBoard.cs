using System.Collections.Concurrent;
using WearableEdge.Clinical.Features;
using WearableEdge.Clinical.Scoring;
using WearableEdge.Contracts;

namespace WearableEdge.EdgeService.Api;

/// <summary>The latest known state of one patient, for the API.</summary>
public sealed record PatientSnapshot
{
    public required string PatientId { get; init; }
    public FeatureVector? LatestWindow { get; init; }
    public News2Score? News2 { get; init; }
    public DeviceStatus? Device { get; init; }
    public DateTimeOffset? LastMotionAt { get; init; }
    public double? MotionMagnitudeStdDev { get; init; }
}

/// <summary>
/// The latest window, NEWS2 and device state per patient, written by the pipeline stages and read
/// by the API. In memory only: it is a view, the local store is the record.
/// </summary>
public sealed class PatientBoard
{
    private readonly ConcurrentDictionary<string, PatientSnapshot> _patients = new(StringComparer.Ordinal);

    public IReadOnlyList<PatientSnapshot> All => [.. _patients.Values.OrderBy(p => p.PatientId, StringComparer.Ordinal)];

    public void RecordScore(FeatureVector window, News2Score score) =>
        Update(window.PatientId, p => p.LatestWindow is { } previous && previous.WindowEnd > window.WindowEnd
            ? p
            : p with { LatestWindow = window, News2 = score });

    public void RecordDevice(string patientId, DeviceStatus status) => Update(patientId, p => p with { Device = status });

    public void RecordMotion(string patientId, DateTimeOffset at, double magnitudeStdDev) =>
        Update(patientId, p => p with { LastMotionAt = at, MotionMagnitudeStdDev = magnitudeStdDev });

    private void Update(string patientId, Func<PatientSnapshot, PatientSnapshot> change) =>
        _patients.AddOrUpdate(patientId, id => change(new PatientSnapshot { PatientId = id }), (_, old) => change(old));
}

using System.Collections.Concurrent;
using WearableEdge.Clinical.Features;
using WearableEdge.Clinical.Scoring;
using WearableEdge.Contracts;
using WearableEdge.EdgeService.Features;
using WearableEdge.EdgeService.Scoring;

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

    /// <summary>When the device status last arrived, gateway time.</summary>
    public DateTimeOffset? DeviceSeenAt { get; init; }

    /// <summary>The latest score of a condition model (hourly trends), with its interval; null before the first.</summary>
    public ModelScore? Risk { get; init; }

    /// <summary>One-minute summaries, oldest first, covering at most <see cref="PatientBoard.TrendSpan"/> of device time.</summary>
    public IReadOnlyList<MinuteSummary> Minutes { get; init; } = [];

    /// <summary>MQTT messages of this patient accepted, on any stream.</summary>
    public long MessagesAccepted { get; init; }

    /// <summary>MQTT messages on this patient's topics rejected since the first accepted one, by reason (the reasons of <c>RejectReason</c>).</summary>
    public IReadOnlyDictionary<string, long> MessagesRejected { get; init; } = EmptyCounts;

    private static readonly IReadOnlyDictionary<string, long> EmptyCounts = new Dictionary<string, long>(StringComparer.Ordinal);
}

/// <summary>
/// The latest window, NEWS2 and device state per patient, written by the pipeline stages and read
/// by the API. In memory only: it is a view, the local store is the record.
/// </summary>
public sealed class PatientBoard
{
    /// <summary>How much device time of one-minute summaries a patient's trend keeps: one hour.</summary>
    public static readonly TimeSpan TrendSpan = TimeSpan.FromHours(1);

    private readonly ConcurrentDictionary<string, PatientSnapshot> _patients = new(StringComparer.Ordinal);
    private readonly TimeProvider _timeProvider;

    public PatientBoard(TimeProvider? timeProvider = null) => _timeProvider = timeProvider ?? TimeProvider.System;

    public IReadOnlyList<PatientSnapshot> All => [.. _patients.Values.OrderBy(p => p.PatientId, StringComparer.Ordinal)];

    public void RecordScore(FeatureVector window, News2Score score) =>
        Update(window.PatientId, p => p.LatestWindow is { } previous && previous.WindowEnd > window.WindowEnd
            ? p
            : p with { LatestWindow = window, News2 = score });

    public void RecordDevice(string patientId, DeviceStatus status)
    {
        var now = _timeProvider.GetUtcNow();
        Update(patientId, p => p with { Device = status, DeviceSeenAt = now });
    }

    /// <summary>Keeps a closed one-minute summary for the patient's trend, dropping minutes older than <see cref="TrendSpan"/> before the newest.</summary>
    public void RecordMinute(MinuteSummary minute)
    {
        ArgumentNullException.ThrowIfNull(minute);
        Update(minute.PatientId, p =>
        {
            var newest = p.Minutes.Count > 0 && p.Minutes[^1].MinuteStart > minute.MinuteStart ? p.Minutes[^1].MinuteStart : minute.MinuteStart;
            var kept = p.Minutes.Append(minute)
                .Where(m => m.MinuteStart > newest - TrendSpan)
                .OrderBy(m => m.MinuteStart)
                .ToList();
            return p with { Minutes = kept };
        });
    }

    /// <summary>Keeps the newest condition-model score of the patient (by window end).</summary>
    public void RecordRisk(ModelScore score)
    {
        ArgumentNullException.ThrowIfNull(score);
        Update(score.PatientId, p => p.Risk is { } previous && previous.WindowEnd > score.WindowEnd ? p : p with { Risk = score });
    }

    /// <summary>Counts one accepted message of the patient.</summary>
    public void RecordMessageAccepted(string patientId) =>
        Update(patientId, p => p with { MessagesAccepted = p.MessagesAccepted + 1 });

    /// <summary>
    /// Counts one rejected message on the patient's topic, by reason, if the patient is on the board
    /// (has sent an accepted message). A rejection never adds a patient: garbage on ever-new topics
    /// must neither grow the board without bound nor put unknown patients on the ward view; those
    /// rejections are still counted by reason in <see cref="EdgeMetrics"/>. Returns whether it counted.
    /// </summary>
    public bool RecordMessageRejected(string patientId, string reason)
    {
        while (_patients.TryGetValue(patientId, out var old))
        {
            var counts = new Dictionary<string, long>(old.MessagesRejected, StringComparer.Ordinal);
            counts[reason] = counts.GetValueOrDefault(reason) + 1;
            if (_patients.TryUpdate(patientId, old with { MessagesRejected = counts }, old))
            {
                return true;
            }
        }

        return false;
    }

    public void RecordMotion(string patientId, DateTimeOffset at, double magnitudeStdDev) =>
        Update(patientId, p => p with { LastMotionAt = at, MotionMagnitudeStdDev = magnitudeStdDev });

    private void Update(string patientId, Func<PatientSnapshot, PatientSnapshot> change) =>
        _patients.AddOrUpdate(patientId, id => change(new PatientSnapshot { PatientId = id }), (_, old) => change(old));
}

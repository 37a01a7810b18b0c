using System.Collections.Concurrent;
using WearableEdge.Clinical.Features;

namespace WearableEdge.EdgeService.Features;

/// <summary>One patient's samples kept out of the windows, by cause.</summary>
/// <param name="PoorSignal">Flagged poor signal quality by the device.</param>
/// <param name="Implausible">Outside the physiological plausibility ranges.</param>
/// <param name="Duplicate">Same device, vital sign and device time already windowed (a re-sent batch).</param>
/// <param name="TooLate">Later than the allowed lateness.</param>
public sealed record SampleQualityCount(long PoorSignal, long Implausible, long Duplicate, long TooLate);

/// <summary>
/// Per-patient counts of samples the feature stage did not window (issue 4: "counted and visible
/// per patient"). Written by <see cref="FeaturePipeline"/>, read by the patient API. Thread-safe.
/// </summary>
public sealed class SampleQualityCounts
{
    private readonly ConcurrentDictionary<string, long[]> _counts = new(StringComparer.Ordinal);

    /// <summary>Counts one sample's disposition; accepted samples are not counted here.</summary>
    /// <param name="patientId">The sample's patient.</param>
    /// <param name="disposition">What the windower did with it.</param>
    public void Record(string patientId, SampleDisposition disposition)
    {
        ArgumentNullException.ThrowIfNull(patientId);
        var slot = disposition switch
        {
            SampleDisposition.PoorSignal => 0,
            SampleDisposition.Implausible => 1,
            SampleDisposition.Duplicate => 2,
            SampleDisposition.TooLate => 3,
            _ => -1,
        };
        if (slot >= 0)
        {
            Interlocked.Increment(ref _counts.GetOrAdd(patientId, _ => new long[4])[slot]);
        }
    }

    /// <summary>The patient's counts; all zero for a patient with none.</summary>
    /// <param name="patientId">The patient.</param>
    public SampleQualityCount For(string patientId) =>
        _counts.TryGetValue(patientId, out var c)
            ? new(Interlocked.Read(ref c[0]), Interlocked.Read(ref c[1]), Interlocked.Read(ref c[2]), Interlocked.Read(ref c[3]))
            : new(0, 0, 0, 0);
}

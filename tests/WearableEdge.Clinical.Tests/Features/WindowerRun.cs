using WearableEdge.Clinical.Features;
using WearableEdge.Clinical.Samples;

namespace WearableEdge.Clinical.Tests.Features;

/// <summary>Feeds samples, in the order given, through one patient's <see cref="EventTimeWindower"/>.</summary>
internal static class WindowerRun
{
    /// <summary>Every window the samples closed, in order, with each sample's disposition in <paramref name="dispositions"/>.</summary>
    public static List<FeatureVector> Run(string patientId, WindowSpec spec, IEnumerable<WearableSample> samples, out List<SampleDisposition> dispositions)
    {
        var windower = new EventTimeWindower(patientId, spec);
        var windows = new List<FeatureVector>();
        dispositions = [];
        foreach (var sample in samples)
        {
            var result = windower.Add(sample);
            dispositions.Add(result.Disposition);
            windows.AddRange(result.ClosedWindows);
        }

        return windows;
    }
}

using WearableEdge.Clinical.Features;

namespace WearableEdge.Clinical.Tests.Features;

/// <summary>
/// Value comparison of feature vectors: the record's own equality compares the Vitals dictionary
/// by reference, so two identical windows computed twice would never be equal.
/// </summary>
internal static class FeatureVectorAssert
{
    public static void Equal(FeatureVector expected, FeatureVector actual)
    {
        Assert.Equal(expected.PatientId, actual.PatientId);
        Assert.Equal(expected.WindowStart, actual.WindowStart);
        Assert.Equal(expected.WindowEnd, actual.WindowEnd);
        Assert.Equal(expected.SampleCount, actual.SampleCount);
        Assert.Equal(expected.Coverage, actual.Coverage);
        Assert.Equal(expected.Vitals.Keys.Order(), actual.Vitals.Keys.Order());
        foreach (var (sign, summary) in expected.Vitals)
        {
            Assert.Equal(summary, actual.Vitals[sign]);
        }
    }

    public static void Equal(IReadOnlyList<FeatureVector> expected, IReadOnlyList<FeatureVector> actual)
    {
        Assert.Equal(expected.Select(w => w.WindowEnd), actual.Select(w => w.WindowEnd));
        for (var i = 0; i < expected.Count; i++)
        {
            Equal(expected[i], actual[i]);
        }
    }
}

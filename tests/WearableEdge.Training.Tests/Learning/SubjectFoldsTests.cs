using WearableEdge.Training.Learning;

namespace WearableEdge.Training.Tests.Learning;

public sealed class SubjectFoldsTests
{
    [Fact]
    public void Assign_SameSeed_SameFolds_AndEachStratumSpreadEvenly()
    {
        var stratum = Enumerable.Range(0, 103).Select(i => i % 7 == 0 ? 1 : 0).ToArray();
        var folds = SubjectFolds.Assign(stratum, 5, 3);
        Assert.Equal(folds, SubjectFolds.Assign(stratum, 5, 3));
        Assert.NotEqual(folds, SubjectFolds.Assign(stratum, 5, 4));
        foreach (var s in new[] { 0, 1 })
        {
            var counts = Enumerable.Range(0, 5).Select(f => Enumerable.Range(0, 103).Count(i => stratum[i] == s && folds[i] == f)).ToArray();
            Assert.True(counts.Max() - counts.Min() <= 1, $"stratum {s}: {string.Join(",", counts)}");
        }
    }
}

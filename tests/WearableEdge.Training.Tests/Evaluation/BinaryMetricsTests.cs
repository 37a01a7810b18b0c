using WearableEdge.Training.Evaluation;

namespace WearableEdge.Training.Tests.Evaluation;

public sealed class BinaryMetricsTests
{
    [Fact]
    public void Ranking_SmallCase_MatchesHandComputedAreas()
    {
        // Positives 0.35 and 0.8; negatives 0.1 and 0.4: 3 of 4 pairs ordered right → AUROC 0.75.
        // Descending: 0.8 (+) P=1 R=.5; 0.4 (−); 0.35 (+) P=2/3 R=1 → AP = .5·1 + .5·2/3 = 0.8333.
        var (auroc, auprc) = BinaryMetrics.Ranking([0.1, 0.4, 0.35, 0.8], [false, false, true, true]);
        Assert.Equal(0.75, auroc, 12);
        Assert.Equal(5.0 / 6.0, auprc, 12);
    }

    [Fact]
    public void Ranking_AllScoresTied_IsChance()
    {
        var (auroc, auprc) = BinaryMetrics.Ranking([3, 3, 3, 3], [true, false, false, false]);
        Assert.Equal(0.5, auroc, 12);
        Assert.Equal(0.25, auprc, 12);
    }

    [Fact]
    public void Ranking_PerfectAndReversed_AreOneAndZero()
    {
        Assert.Equal(1, BinaryMetrics.Ranking([0.9, 0.8, 0.1], [true, true, false]).Auroc, 12);
        Assert.Equal(0, BinaryMetrics.Ranking([0.1, 0.2, 0.9], [true, true, false]).Auroc, 12);
    }

    [Fact]
    public void Brier_IsMeanSquaredError()
    {
        Assert.Equal(((0.1 * 0.1) + (0.3 * 0.3)) / 2, BinaryMetrics.Brier([0.9, 0.3], [true, false]), 12);
    }

    [Fact]
    public void Calibration_EqualCountBins_HoldMeanPredictedAndObservedRate()
    {
        var probabilities = Enumerable.Range(0, 100).Select(i => i / 100.0).ToArray();
        var labels = Enumerable.Range(0, 100).Select(i => i >= 90).ToArray();
        var bins = BinaryMetrics.Calibration(probabilities, labels, 10);
        Assert.Equal(10, bins.Count);
        Assert.All(bins, b => Assert.Equal(10, b.Rows));
        Assert.Equal(0.045, bins[0].MeanPredicted, 12);
        Assert.Equal(0, bins[0].ObservedRate);
        Assert.Equal(1, bins[9].ObservedRate);
        Assert.Equal(0.9, bins[9].Lower, 12);
    }

    [Fact]
    public void CalibrationEqualWidth_PutsEachProbabilityInItsTenth_AndLeavesEmptyBinsOut()
    {
        var bins = BinaryMetrics.CalibrationEqualWidth([0.05, 0.15, 0.12, 0.95], [false, true, false, true], 10);
        Assert.Equal([0.0, 0.1, 0.9], bins.Select(b => b.Lower).Select(l => Math.Round(l, 9)));
        Assert.Equal(2, bins[1].Rows);
        Assert.Equal(0.5, bins[1].ObservedRate, 12);
        Assert.Equal(0.135, bins[1].MeanPredicted, 12);
    }

    [Fact]
    public void AlertEpisodes_CountsRisingEdges()
    {
        Assert.Equal(2, AlertEpisodes.Count([0.9, 0.9, 0.1, 0.5, 0.6, 0.2], 0.5));
        Assert.Equal(0, AlertEpisodes.Count([0.1, 0.2], 0.5));
        Assert.Equal(1, AlertEpisodes.Count([0.5, 0.5, 0.5], 0.5));
    }

    [Fact]
    public void SubjectBootstrap_SameSeed_SameInterval_AndTheIntervalHoldsTheValue()
    {
        var values = Enumerable.Range(0, 50).Select(i => (double)(i % 7)).ToArray();
        double Mean(int[] subjects) => subjects.Average(s => values[s]);
        var a = new SubjectBootstrap(50, 200, 7).Estimate(Mean);
        var b = new SubjectBootstrap(50, 200, 7).Estimate(Mean);
        Assert.Equal(a, b);
        Assert.InRange(a.Value, a.Lower, a.Upper);
        Assert.True(a.Upper > a.Lower);
    }
}

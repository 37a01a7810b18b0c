using WearableEdge.Training.Learning;

namespace WearableEdge.Training.Tests.Learning;

public sealed class PlattScalingTests
{
    [Fact]
    public void Fit_LabelsDrawnFromAKnownLogistic_RecoversItsParameters()
    {
        const double a = 1.5, b = -2.0;
        var random = new Random(11);
        var scores = Enumerable.Range(0, 50_000).Select(_ => (random.NextDouble() * 6) - 3).ToArray();
        var labels = scores.Select(s => random.NextDouble() < 1 / (1 + Math.Exp(-((a * s) + b)))).ToArray();
        var fit = PlattScaling.Fit(scores, labels);
        Assert.InRange(fit.A, 1.4, 1.6);
        Assert.InRange(fit.B, -2.1, -1.9);
    }

    [Fact]
    public void Fit_ScoreWithoutInformation_GivesTheBaseRate()
    {
        var scores = Enumerable.Range(0, 1000).Select(i => (double)(i % 10)).ToArray();
        var labels = Enumerable.Range(0, 1000).Select(i => i % 4 == 0).ToArray(); // 25 %, unrelated to i % 10 in aggregate
        var fit = PlattScaling.Fit(scores, labels);
        Assert.Equal(0.25, fit.Probability(4.5), 2);
    }

    [Fact]
    public void Fit_OneClassOnly_Throws()
    {
        Assert.Throws<ArgumentException>(() => PlattScaling.Fit([1.0, 2.0], [true, true]));
    }
}

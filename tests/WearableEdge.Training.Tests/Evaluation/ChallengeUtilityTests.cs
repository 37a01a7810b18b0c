using WearableEdge.Training.Evaluation;

namespace WearableEdge.Training.Tests.Evaluation;

public sealed class ChallengeUtilityTests
{
    /// <summary>A septic stay of 40 h whose first SepsisLabel 1 is at hour 20, so t_sepsis = 26.</summary>
    private static bool[] SepticLabels() => Enumerable.Range(0, 40).Select(t => t >= 20).ToArray();

    private static bool[] PredictAt(int length, params int[] hours)
    {
        var predictions = new bool[length];
        foreach (var hour in hours)
        {
            predictions[hour] = true;
        }

        return predictions;
    }

    [Fact]
    public void OnsetHour_FirstLabelPlusSix()
    {
        Assert.Equal(26, ChallengeUtility.OnsetHour(SepticLabels()));
        Assert.Null(ChallengeUtility.OnsetHour(new bool[10]));
    }

    [Fact]
    public void Utility_NonSepticPatient_CostsFiveHundredthsPerAlertedHour()
    {
        var labels = new bool[10];
        Assert.Equal(-0.5, ChallengeUtility.Utility(labels, Enumerable.Repeat(true, 10).ToArray()), 12);
        Assert.Equal(-0.15, ChallengeUtility.Utility(labels, PredictAt(10, 1, 4, 9)), 12);
        Assert.Equal(0, ChallengeUtility.Utility(labels, new bool[10]), 12);
    }

    [Fact]
    public void Utility_SepticPatientNeverAlerted_SumsTheMissedHoursFromMinusFiveToPlusThree()
    {
        // Missed hours cost 0 up to t_sepsis − 6, then −2/9 · (t − t_sepsis) − 4/3 for t − t_sepsis = −5 … +3:
        // −2/9 · (−9) − 9 · 4/3 = 2 − 12 = −10. Hours after t_sepsis + 3 are not scored.
        Assert.Equal(-10, ChallengeUtility.Utility(SepticLabels(), new bool[40]), 9);
    }

    [Theory]
    [InlineData(-6, 1.0)]            // the optimal hour earns U_TP max
    [InlineData(-12, 0.0)]           // the early edge earns nothing
    [InlineData(-9, 0.5)]            // half-way up the early ramp
    [InlineData(-15, -0.05)]         // too early: never below U_FP
    [InlineData(0, 1.0 / 3.0)]       // on the late ramp: 1 at −6 h to 0 at +3 h
    [InlineData(3, 0.0)]             // the late edge
    public void Utility_OneAlertedHour_EarnsTheCurveValueOnTopOfTheMissedHours(int relativeHour, double expectedGain)
    {
        var labels = SepticLabels();
        var hour = 26 + relativeHour;
        var missedCost = relativeHour > -6 ? (-2.0 / 9.0 * relativeHour) - (4.0 / 3.0) : 0.0;
        var gain = ChallengeUtility.Utility(labels, PredictAt(40, hour)) - ChallengeUtility.Utility(labels, new bool[40]);
        Assert.Equal(expectedGain - missedCost, gain, 9);
    }

    [Fact]
    public void Utility_HoursAfterOnsetPlusThree_AreNotScored()
    {
        var labels = SepticLabels();
        Assert.Equal(ChallengeUtility.Utility(labels, new bool[40]), ChallengeUtility.Utility(labels, PredictAt(40, 30, 35, 39)), 12);
    }

    [Fact]
    public void Normalized_BestPredictionsScoreOne_InactionZero_AlwaysAlertInBetween()
    {
        var septic = SepticLabels();
        var other = new bool[30];
        var best = Enumerable.Range(0, 40).Select(t => t >= 14 && t <= 29).ToArray();
        Assert.Equal(1, ChallengeUtility.Normalized([ChallengeUtility.ForPatient(septic, best), ChallengeUtility.ForPatient(other, new bool[30])]), 12);
        Assert.Equal(0, ChallengeUtility.Normalized([ChallengeUtility.ForPatient(septic, new bool[40]), ChallengeUtility.ForPatient(other, new bool[30])]), 12);

        // Always alert: septic stay earns its best minus early-hour costs; the other stay pays 30 · 0.05.
        var always = ChallengeUtility.Normalized([
            ChallengeUtility.ForPatient(septic, Enumerable.Repeat(true, 40).ToArray()),
            ChallengeUtility.ForPatient(other, Enumerable.Repeat(true, 30).ToArray())]);
        var bestUtility = ChallengeUtility.Utility(septic, best);
        var expected = (bestUtility + (14 * -0.05) - (30 * 0.05) + 10) / (bestUtility + 10);
        Assert.Equal(expected, always, 9);
        Assert.InRange(always, 0.01, 0.99);
    }

    [Fact]
    public void ForPatient_PatientSepticFromTheFirstHour_BestWindowIsClippedToTheStay()
    {
        var labels = Enumerable.Repeat(true, 8).ToArray(); // t_sepsis = 6: best window [−6, 9] clipped to [0, 7]
        var utility = ChallengeUtility.ForPatient(labels, Enumerable.Repeat(true, 8).ToArray());
        Assert.Equal(utility.Best, utility.Observed, 12);
        Assert.True(utility.Best > utility.Inaction);
    }
}

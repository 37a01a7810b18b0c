namespace WearableEdge.Training.Learning;

/// <summary>
/// Subject-grouped folds for cross-validation: every subject (patient) falls in exactly one fold,
/// so no patient is in both the training and the test rows of a fold. Subjects are shuffled with
/// a seeded generator within each stratum (for example septic / not septic) and dealt round-robin,
/// so the folds hold similar shares of each stratum.
/// </summary>
internal static class SubjectFolds
{
    /// <summary>The fold (0 … <paramref name="folds"/> − 1) of each subject.</summary>
    /// <param name="stratum">Stratum of each subject, for example 1 when the patient becomes septic.</param>
    /// <param name="folds">Number of folds, at least 2.</param>
    /// <param name="seed">Seed of the shuffle.</param>
    public static int[] Assign(IReadOnlyList<int> stratum, int folds, int seed)
    {
        ArgumentNullException.ThrowIfNull(stratum);
        ArgumentOutOfRangeException.ThrowIfLessThan(folds, 2);
        var fold = new int[stratum.Count];
        var random = new Random(seed);
        var dealt = 0;
        foreach (var group in Enumerable.Range(0, stratum.Count).GroupBy(i => stratum[i]).OrderBy(g => g.Key))
        {
            var subjects = group.ToArray();
            random.Shuffle(subjects);
            foreach (var subject in subjects)
            {
                fold[subject] = dealt++ % folds;
            }
        }

        return fold;
    }
}

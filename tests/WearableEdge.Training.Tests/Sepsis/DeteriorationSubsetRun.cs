using WearableEdge.Training.Sepsis;

namespace WearableEdge.Training.Tests.Sepsis;

/// <summary>One training run on the first 150 patients, shared by the tests that need the data.</summary>
public sealed class DeteriorationSubsetRun
{
    public const int Patients = 150;
    public const int Seed = 7;

    private readonly Lazy<DeteriorationRun> _run = new(() =>
        DeteriorationModel.Run(TestData.SepsisFolder, Patients, Seed, replicates: 20, log: _ => { }));

    internal DeteriorationRun Get()
    {
        TestData.RequireSepsisData();
        return _run.Value;
    }
}

namespace WearableEdge.Training.Sepsis;

/// <summary>Name, licence and citation of the PhysioNet/CinC Challenge 2019 data, as its README asks.</summary>
internal static class PhysioNetSepsisData
{
    public const string Name =
        "PhysioNet/Computing in Cardiology Challenge 2019, training set B (hospital system B), shared subset (enriched for sepsis)";

    public const string Licence = "CC BY 4.0 (Creative Commons Attribution 4.0 International)";

    public const string Citation =
        "Reyna MA, Josef CS, Jeter R, Shashikumar SP, Westover MB, Nemati S, Clifford GD, Sharma A. Early Prediction of Sepsis From Clinical Data: " +
        "The PhysioNet/Computing in Cardiology Challenge 2019. Critical Care Medicine 48(2):210-217 (2020). doi:10.1097/CCM.0000000000004145. " +
        "Goldberger A, et al. PhysioBank, PhysioToolkit, and PhysioNet: Components of a new research resource for complex physiologic signals. " +
        "Circulation 101(23):e215-e220 (2000). https://physionet.org/content/challenge-2019/1.0.0/";
}

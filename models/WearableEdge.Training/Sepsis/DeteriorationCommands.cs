using WearableEdge.Training.CommandLine;
using WearableEdge.Training.Reporting;

namespace WearableEdge.Training.Sepsis;

/// <summary>The <c>train deterioration</c> and <c>evaluate deterioration</c> commands.</summary>
internal static class DeteriorationCommands
{
    public static IReadOnlyList<string> Run(TrainingCommand command, Action<string> log)
    {
        ArgumentNullException.ThrowIfNull(command);
        var seed = command.Seed ?? DeteriorationModel.DefaultSeed;
        var run = DeteriorationModel.Run(command.Data!, command.MaxPatients, seed, command.Replicates ?? DeteriorationModel.DefaultReplicates, log);
        var manifest = DeteriorationModel.Manifest(run);
        if (command.Verb == "train")
        {
            var folder = ModelPackage.Write(command.Out, manifest, run.Onnx, DeteriorationDocuments.ModelCard(run, manifest));
            return [Path.Combine(folder, "model.onnx"), Path.Combine(folder, "model.json"), Path.Combine(folder, "MODEL_CARD.md")];
        }

        Directory.CreateDirectory(command.Report);
        var png = Path.Combine(command.Report, $"{DeteriorationModel.Id}.png");
        var e = run.Evaluation;
        EvaluationPlot.Save(png, "Sepsis within 6 h (out-of-fold)",
            [new Curve($"Model (AUROC {e.Model.Auroc.Value:0.000})", e.Model.Roc), new Curve($"NEWS2 wearable subset (AUROC {e.News2.Auroc.Value:0.000})", e.News2.Roc)],
            [("Model, Platt-calibrated", e.Model.Calibration), ("NEWS2 total, Platt-calibrated", e.News2.Calibration)], "deciles");
        var report = Path.Combine(command.Report, $"{DeteriorationModel.Id}.md");
        File.WriteAllText(report, DeteriorationDocuments.ValidationReport(run, manifest, command));
        return [report, png];
    }
}

using WearableEdge.Training.CommandLine;
using WearableEdge.Training.Reporting;

namespace WearableEdge.Training.Falls;

/// <summary>The <c>train fall</c> and <c>evaluate fall</c> commands.</summary>
internal static class FallCommands
{
    public static IReadOnlyList<string> Run(TrainingCommand command, Action<string> log)
    {
        ArgumentNullException.ThrowIfNull(command);
        var run = FallModel.Run(command.Seed ?? FallModel.DefaultSeed, log);
        var manifest = FallModel.Manifest(run);
        if (command.Verb == "train")
        {
            var folder = ModelPackage.Write(command.Out, manifest, run.Onnx, FallDocuments.ModelCard(run, manifest));
            return [Path.Combine(folder, "model.onnx"), Path.Combine(folder, "model.json"), Path.Combine(folder, "MODEL_CARD.md")];
        }

        Directory.CreateDirectory(command.Report);
        var png = Path.Combine(command.Report, $"{FallModel.Id}.png");
        var e = run.Evaluation;
        EvaluationPlot.Save(png, "Fall windows, simulator",
            [new Curve($"Model (AUROC {e.WindowAuroc.Value:0.0000})", e.Roc)],
            [("Model, Platt-calibrated ensemble mean", e.Calibration)], "10 bins");
        var report = Path.Combine(command.Report, $"{FallModel.Id}.md");
        File.WriteAllText(report, FallDocuments.ValidationReport(run, manifest, command));
        return [report, png];
    }
}

using WearableEdge.Training.CommandLine;

namespace WearableEdge.Training.Falls;

/// <summary>The <c>train fall</c> and <c>evaluate fall</c> commands.</summary>
internal static class FallCommands
{
    public static IReadOnlyList<string> Run(TrainingCommand command, Action<string> log) =>
        throw new NotSupportedException("The fall model is not built yet.");
}

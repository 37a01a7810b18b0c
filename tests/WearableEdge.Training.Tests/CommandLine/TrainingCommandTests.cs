using WearableEdge.Training.CommandLine;

namespace WearableEdge.Training.Tests.CommandLine;

public sealed class TrainingCommandTests
{
    [Fact]
    public void Parse_TrainDeterioration_ReadsOptions()
    {
        var command = TrainingCommand.Parse(["train", "deterioration", "--data", "/d", "--out", "m", "--seed", "5"]);
        Assert.Equal(("train", "deterioration", "/d", "m", 5), (command.Verb, command.Model, command.Data, command.Out, command.Seed));
    }

    [Theory]
    [InlineData("fit", "deterioration")]
    [InlineData("train", "sepsis")]
    public void Parse_UnknownVerbOrModel_ThrowsWithTheWord(string verb, string model)
    {
        var error = Assert.Throws<ArgumentException>(() => TrainingCommand.Parse([verb, model, "--data", "x"]));
        Assert.Contains(verb == "fit" ? "fit" : "sepsis", error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void Parse_DeteriorationWithoutData_SaysWhatToPass()
    {
        var error = Assert.Throws<ArgumentException>(() => TrainingCommand.Parse(["train", "deterioration"]));
        Assert.Contains("--data", error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void Run_BadDataPath_ExitsOneWithoutAStackTrace()
    {
        var missing = Path.Combine(Path.GetTempPath(), "no-such-physionet-" + Guid.NewGuid().ToString("N"));
        var error = new StringWriter();
        var original = Console.Error;
        Console.SetError(error);
        try
        {
            Assert.Equal(1, TrainingCommandLine.Run(["train", "deterioration", "--data", missing, "--out", Path.GetTempPath()]));
        }
        finally
        {
            Console.SetError(original);
        }

        Assert.Contains("No data folder", error.ToString(), StringComparison.Ordinal);
        Assert.DoesNotContain("   at ", error.ToString(), StringComparison.Ordinal);
    }
}

using WearableEdge.Evaluation.Scenarios;

namespace WearableEdge.Evaluation.Tests.Scenarios;

public sealed class ScenarioSetFileTests
{
    [Theory]
    [InlineData("90s", 90)]
    [InlineData("10m", 600)]
    [InlineData("1h30m", 5400)]
    [InlineData("500ms", 0.5)]
    [InlineData("1d", 86400)]
    public void TryParseDuration_SimulatorText_Seconds(string text, double seconds)
    {
        Assert.True(ScenarioSetFile.TryParseDuration(text, out var duration));
        Assert.Equal(seconds, duration.TotalSeconds, 6);
    }

    [Theory]
    [InlineData("")]
    [InlineData("10")]
    [InlineData("2 h")]
    [InlineData("3y")]
    public void TryParseDuration_NotADuration_False(string text) => Assert.False(ScenarioSetFile.TryParseDuration(text, out _));

    [Theory]
    [InlineData(90, "1m30s")]
    [InlineData(7200, "2h")]
    [InlineData(2100, "35m")]
    public void Format_RoundTripsThroughTryParse(int seconds, string text)
    {
        Assert.Equal(text, ScenarioSetFile.Format(TimeSpan.FromSeconds(seconds)));
        Assert.True(ScenarioSetFile.TryParseDuration(text, out var back));
        Assert.Equal(seconds, back.TotalSeconds);
    }

    [Fact]
    public void Parse_ScenarioFile_NamePatientsDurationAndPath()
    {
        var set = ScenarioSetFile.Parse("""{ "name": "falls", "description": "Eight falls.", "patients": 12, "seed": 42, "duration": "24h", "events": [] }""", "/x/falls.json");

        Assert.Equal(new ScenarioSetFile("falls", "/x/falls.json", 12, TimeSpan.FromHours(24)) { Description = "Eight falls." }, set);
    }

    [Fact]
    public void Parse_NoDuration_FormatExceptionNamesTheKey()
    {
        var error = Assert.Throws<FormatException>(() => ScenarioSetFile.Parse("""{ "name": "x", "patients": 3 }""", "x.json"));

        Assert.Contains("'duration'", error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void Resolve_Demo_BuiltIn() => Assert.Same(ScenarioSetFile.Demo, ScenarioSetFile.Resolve("demo", repositoryRoot: null));

    [Fact]
    public void Resolve_UnknownName_FileNotFound() =>
        Assert.Throws<FileNotFoundException>(() => ScenarioSetFile.Resolve("no-such-set", repositoryRoot: null));
}

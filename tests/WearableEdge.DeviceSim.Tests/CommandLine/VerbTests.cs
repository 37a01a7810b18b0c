using WearableEdge.DeviceSim.CommandLine;

namespace WearableEdge.DeviceSim.Tests.CommandLine;

public sealed class VerbTests : IDisposable
{
    private readonly string _data = Directory.CreateTempSubdirectory("replay-cli-").FullName;

    public void Dispose() => Directory.Delete(_data, recursive: true);

    [Fact]
    public void Parse_BareForm_IsRun()
    {
        string[] options = ["--patients", "3", "--seed", "9", "--speed", "60", "--duration", "2m", "--connections", "2"];

        var bare = SimulatorCommandLine.Parse(options);
        var run = SimulatorCommandLine.Parse(["run", .. options]);

        Assert.Equal(Verb.Run, bare.Verb);
        Assert.Equal(Verb.Run, run.Verb);
        IReadOnlyList<ScenarioEvent> none = [];
        Assert.Equal(run.Options! with { Events = none }, bare.Options! with { Events = none });
        Assert.Equal(3, bare.Options!.Patients);
        Assert.Equal(2, bare.Options.Connections);
    }

    [Fact]
    public void Parse_NoArguments_IsRunWithDefaults()
    {
        var result = SimulatorCommandLine.Parse([]);

        Assert.Equal(Verb.Run, result.Verb);
        Assert.Equal(1, result.Options!.Connections);
        Assert.Null(result.Progress);
    }

    [Fact]
    public void Parse_Replay_SetsItsOptions()
    {
        var result = SimulatorCommandLine.Parse(
        [
            "replay", "--data", _data, "--patients", "2", "--speed", "3600", "--seed", "7", "--ground-truth", "gt.jsonl",
            "--broker", "mqtt://broker.local:1884", "--connections", "2", "--vitals-batch", "10", "--duration", "6h",
        ]);

        Assert.Null(result.Error);
        Assert.Equal(Verb.Replay, result.Verb);
        Assert.Equal(_data, result.Replay!.DataDirectory);
        Assert.Equal(2, result.Replay.Patients);
        var options = result.Options!;
        Assert.Equal(3600, options.Speed);
        Assert.Equal(7, options.Seed);
        Assert.Equal("gt.jsonl", options.GroundTruthPath);
        Assert.Equal(1884, options.Broker.Port);
        Assert.Equal(2, options.Connections);
        Assert.Equal(10, options.VitalsBatchSize);
        Assert.Equal(TimeSpan.FromHours(6), options.Duration);
        Assert.False(options.Motion);
    }

    [Fact]
    public void Parse_ReplayWithoutPatients_ReplaysEveryStay() =>
        Assert.Null(SimulatorCommandLine.Parse(["replay", "--data", _data]).Replay!.Patients);

    [Theory]
    [InlineData("--data", "replay", "--data", "/no/such/folder")]
    [InlineData("--patients", "replay", "--patients", "0")]
    [InlineData("--event", "replay", "--event", "fall:patient-001:1m:1m")]
    [InlineData("--connections", "replay", "--connections", "0")]
    [InlineData("--connections", "run", "--connections", "1001")]
    [InlineData("--connections", "load", "--connections", "x")]
    [InlineData("--duration", "load", "--duration", "soon")]
    [InlineData("--speed", "load", "--speed", "2")]
    [InlineData("--scenario", "load", "--scenario", "demo")]
    public void Parse_BadVerbArgument_ErrorNamesTheOption(string expectedName, string verb, string option, string value)
    {
        var result = SimulatorCommandLine.Parse([verb, option, value]);

        Assert.Null(result.Options);
        Assert.Contains(expectedName, result.Error, StringComparison.Ordinal);
    }

    [Fact]
    public void Parse_UnknownVerb_Error() =>
        Assert.Contains("'replays'", SimulatorCommandLine.Parse(["replays"]).Error, StringComparison.Ordinal);

    [Fact]
    public void Parse_Load_DefaultsToRealisticRates()
    {
        var result = SimulatorCommandLine.Parse(["load"]);

        Assert.Equal(Verb.Load, result.Verb);
        var options = result.Options!;
        Assert.Equal(LoadVerb.DefaultPatients, options.Patients);
        Assert.Equal(LoadVerb.DefaultDuration, options.Duration);
        Assert.Equal(1, options.VitalsBatchSize);
        Assert.Equal(1, options.Speed);
        Assert.True(options.Motion);
    }

    [Fact]
    public void Parse_LoadOptions_SetThem()
    {
        var options = SimulatorCommandLine.Parse(["load", "--patients", "1000", "--duration", "5m", "--connections", "8", "--no-motion"]).Options!;

        Assert.Equal(1000, options.Patients);
        Assert.Equal(TimeSpan.FromMinutes(5), options.Duration);
        Assert.Equal(8, options.Connections);
        Assert.False(options.Motion);
    }

    [Theory]
    [InlineData(new[] { "--help" }, "replay")]
    [InlineData(new[] { "-h" }, "load")]
    [InlineData(new[] { "replay", "--help" }, "--data")]
    [InlineData(new[] { "load", "-h" }, "--duration")]
    [InlineData(new[] { "run", "--help" }, "--scenario")]
    [InlineData(new[] { "--patients", "3", "--help" }, "--event")]
    public void Parse_Help_ShowsTheHelpOfWhatWasAsked(string[] args, string expected)
    {
        var result = SimulatorCommandLine.Parse(args);

        Assert.True(result.ShowHelp);
        Assert.Contains(expected, result.HelpText, StringComparison.Ordinal);
        Assert.Contains("Exit codes", result.HelpText, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData(new string[0], null)]
    [InlineData(new[] { "--progress" }, true)]
    [InlineData(new[] { "--progress", "false" }, false)]
    [InlineData(new[] { "load", "--progress" }, true)]
    public void Parse_Progress_ExplicitOrAutomatic(string[] args, bool? expected) =>
        Assert.Equal(expected, SimulatorCommandLine.Parse(args).Progress);

    [Fact]
    public void Parse_ScenarioWithExplicitSeedAndPatients_ExplicitWins()
    {
        var options = SimulatorCommandLine.Parse(["--scenario", "demo", "--seed", "7", "--patients", "12", "--duration", "5m"]).Options!;

        Assert.Equal(7, options.Seed);
        Assert.Equal(12, options.Patients);
        Assert.Equal(TimeSpan.FromMinutes(5), options.Duration);
        Assert.Equal(Scenarios.Demo, options.Events);
    }

    [Fact]
    public void Parse_ScenarioWithoutPatients_TakesTheScenarios() =>
        Assert.Equal(Scenarios.DemoPatients, SimulatorCommandLine.Parse(["--scenario", "demo"]).Options!.Patients);

    [Fact]
    public async Task RunAsync_BadArgument_ExitCode2AndErrorOnStderr()
    {
        using StringWriter output = new(), error = new();

        var code = await SimulatorApp.RunAsync(["load", "--patients", "0"], output, error, stderrIsTerminal: false, TimeProvider.System, TestContext.Current.CancellationToken);

        Assert.Equal(SimulatorApp.BadArguments, code);
        Assert.Contains("--patients", error.ToString(), StringComparison.Ordinal);
        Assert.Empty(output.ToString());
    }

    [Fact]
    public async Task RunAsync_Help_ExitCode0AndHelpOnStdout()
    {
        using StringWriter output = new(), error = new();

        var code = await SimulatorApp.RunAsync(["--help"], output, error, stderrIsTerminal: false, TimeProvider.System, TestContext.Current.CancellationToken);

        Assert.Equal(SimulatorApp.Done, code);
        Assert.Contains("replay", output.ToString(), StringComparison.Ordinal);
        Assert.Empty(error.ToString());
    }

    [Fact]
    public async Task RunAsync_ReplayOfAFolderWithNoStay_ExitCode2NamingData()
    {
        using StringWriter output = new(), error = new();

        var code = await SimulatorApp.RunAsync(["replay", "--data", _data], output, error, stderrIsTerminal: false, TimeProvider.System, TestContext.Current.CancellationToken);

        Assert.Equal(SimulatorApp.BadArguments, code);
        Assert.Contains("--data", error.ToString(), StringComparison.Ordinal);
    }
}

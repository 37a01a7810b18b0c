using WearableEdge.DeviceSim.CommandLine;

namespace WearableEdge.DeviceSim.Tests.CommandLine;

public sealed class SimulatorCommandLineTests
{
    [Fact]
    public void Parse_NoArguments_Defaults()
    {
        var options = SimulatorCommandLine.Parse([]).Options!;

        Assert.Equal(new Uri("mqtt://127.0.0.1:1883"), options.Broker);
        Assert.Equal(8, options.Patients);
        Assert.Equal(42, options.Seed);
        Assert.Equal(1, options.Speed);
        Assert.Null(options.Duration);
        Assert.Empty(options.Events);
        Assert.True(options.Motion);
        Assert.Equal(5, options.VitalsBatchSize);
        Assert.Equal("wearable-edge-sim", options.ClientId);
        Assert.Null(options.DeviceStart);
    }

    [Fact]
    public void Parse_EveryOption_SetsIt()
    {
        var result = SimulatorCommandLine.Parse(
        [
            "--broker", "mqtt://broker.local:1884", "--patients", "12", "--seed=7", "--speed", "60", "--duration", "1h30m",
            "--event", "deterioration:patient-003:1m:20m", "--event", "desaturation:patient-012:90s:4m:10s",
            "--ground-truth", "gt.jsonl", "--vitals-batch", "10", "--no-motion", "--client-id", "sim-2",
            "--device-start", "2025-01-01T08:00:00Z",
        ]);

        var options = result.Options!;
        Assert.Null(result.Error);
        Assert.Equal(1884, options.Broker.Port);
        Assert.Equal(12, options.Patients);
        Assert.Equal(7, options.Seed);
        Assert.Equal(60, options.Speed);
        Assert.Equal(TimeSpan.FromMinutes(90), options.Duration);
        Assert.Equal(
            [
                new ScenarioEvent("patient-003", ScenarioKind.Deterioration, TimeSpan.FromMinutes(1), TimeSpan.FromMinutes(20)),
                new ScenarioEvent("patient-012", ScenarioKind.Desaturation, TimeSpan.FromSeconds(90), TimeSpan.FromMinutes(4)) { Ramp = TimeSpan.FromSeconds(10) },
            ],
            options.Events);
        Assert.Equal("gt.jsonl", options.GroundTruthPath);
        Assert.Equal(10, options.VitalsBatchSize);
        Assert.False(options.Motion);
        Assert.Equal("sim-2", options.ClientId);
        Assert.Equal(new DateTimeOffset(2025, 1, 1, 8, 0, 0, TimeSpan.Zero), options.DeviceStart);
    }

    [Fact]
    public void Parse_ScenarioDemo_BuiltInEvents()
    {
        var options = SimulatorCommandLine.Parse(["--scenario", "demo"]).Options!;

        Assert.Equal(Scenarios.Demo, options.Events);
        Assert.Contains(options.Events, e => e is { PatientId: "patient-002", Kind: ScenarioKind.Desaturation } && e.Onset == TimeSpan.FromSeconds(15) && e.Duration == TimeSpan.FromMinutes(4));
        Assert.Contains(options.Events, e => e is { PatientId: "patient-005", Kind: ScenarioKind.Deterioration } && e.Onset == TimeSpan.FromSeconds(20) && e.Duration == TimeSpan.FromMinutes(30));
        Assert.Contains(options.Events, e => e is { PatientId: "patient-003", Kind: ScenarioKind.Fall } && e.Onset == TimeSpan.FromSeconds(40) && e.Duration == TimeSpan.FromMinutes(2));
    }

    [Fact]
    public void Parse_FallEvent_ImpactAtOnsetDownForDuration()
    {
        var options = SimulatorCommandLine.Parse(["--event", "fall:patient-003:40s:2m"]).Options!;

        var fall = Assert.Single(options.Events);
        Assert.Equal(new ScenarioEvent("patient-003", ScenarioKind.Fall, TimeSpan.FromSeconds(40), TimeSpan.FromMinutes(2)), fall);
        Assert.Contains("fall", SimulatorCommandLine.Usage, StringComparison.Ordinal);
    }

    [Fact]
    public void Parse_FallWithRamp_ErrorSaysFallTakesNoRamp()
    {
        var result = SimulatorCommandLine.Parse(["--event", "fall:patient-003:40s:2m:10s"]);

        Assert.Null(result.Options);
        Assert.Contains("fall takes no ramp", result.Error, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData("--help")]
    [InlineData("-h")]
    public void Parse_Help_ShowsHelp(string arg)
    {
        var result = SimulatorCommandLine.Parse(["--seed", "1", arg]);

        Assert.True(result.ShowHelp);
        Assert.Contains("--vitals-batch", SimulatorCommandLine.Usage, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData("--broker", "--broker", "http://127.0.0.1:1883")]
    [InlineData("--patients", "--patients", "0")]
    [InlineData("--patients", "--patients", "many")]
    [InlineData("--seed", "--seed", "4.2")]
    [InlineData("--speed", "--speed", "0")]
    [InlineData("--speed", "--speed", "fast")]
    [InlineData("--duration", "--duration", "10")]
    [InlineData("--duration", "--duration", "10 minutes")]
    [InlineData("--event", "--event", "deterioration:patient-003:1m")]
    [InlineData("--event", "--event", "collapse:patient-003:1m:2m")]
    [InlineData("--event", "--event", "deterioration:patient-099:1m:2m")]
    [InlineData("--event", "--event", "deterioration:bed-3:1m:2m")]
    [InlineData("--event", "--event", "deterioration:patient-003:soon:2m")]
    [InlineData("--scenario", "--scenario", "chaos")]
    [InlineData("--vitals-batch", "--vitals-batch", "0")]
    [InlineData("--client-id", "--client-id", " ")]
    [InlineData("--device-start", "--device-start", "yesterday")]
    [InlineData("--bogus", "--bogus", "1")]
    public void Parse_BadArgument_ErrorNamesTheOption(string expectedName, string option, string value)
    {
        var result = SimulatorCommandLine.Parse([option, value]);

        Assert.Null(result.Options);
        Assert.Contains(expectedName, result.Error, StringComparison.Ordinal);
    }

    [Fact]
    public void Parse_MissingValue_ErrorNamesTheOption()
    {
        var result = SimulatorCommandLine.Parse(["--patients", "4", "--speed"]);

        Assert.Equal("Required argument missing for option: '--speed'.", result.Error);
    }

    [Fact]
    public void Parse_DemoScenarioWithTooFewPatients_ErrorNamesScenarioAndPatients()
    {
        var result = SimulatorCommandLine.Parse(["--scenario", "demo", "--patients", "4"]);

        Assert.Contains("--scenario demo", result.Error, StringComparison.Ordinal);
        Assert.Contains("--patients", result.Error, StringComparison.Ordinal);
    }

    [Fact]
    public void Parse_OptionTwice_Error()
    {
        var result = SimulatorCommandLine.Parse(["--seed", "1", "--seed", "2"]);

        Assert.Contains("--seed", result.Error, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData("90s", 90)]
    [InlineData("10m", 600)]
    [InlineData("2h", 7200)]
    [InlineData("500ms", 0.5)]
    [InlineData("1h30m", 5400)]
    [InlineData("1.5m", 90)]
    [InlineData("0", 0)]
    public void DurationText_Valid_Parses(string text, double seconds)
    {
        Assert.True(DurationText.TryParse(text, out var duration));
        Assert.Equal(TimeSpan.FromSeconds(seconds), duration);
    }

    [Theory]
    [InlineData("")]
    [InlineData("10")]
    [InlineData("m")]
    [InlineData("10d")]
    [InlineData("-5s")]
    [InlineData("1..2s")]
    public void DurationText_Invalid_Rejects(string text)
    {
        Assert.False(DurationText.TryParse(text, out _));
    }
}

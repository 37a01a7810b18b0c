using WearableEdge.Evaluation.Scenarios;

namespace WearableEdge.Evaluation.Tests.Scenarios;

public sealed class ScenarioOptionsTests
{
    [Fact]
    public void Parse_SetsSpeedReportAndFlags_Kept()
    {
        var options = ScenarioOptions.Parse(["--set", "falls", "--set", "cardiac", "--speed", "120", "--report", "-", "--no-motion", "--device-start", "2026-01-05T00:00:00Z"], out var error);

        Assert.Null(error);
        Assert.NotNull(options);
        Assert.Equal(["falls", "cardiac"], options.Sets);
        Assert.Equal(120, options.Speed);
        Assert.Null(options.ReportFolder);
        Assert.True(options.NoMotion);
        Assert.Equal(new DateTimeOffset(2026, 1, 5, 0, 0, 0, TimeSpan.Zero), options.DeviceStart);
    }

    [Fact]
    public void Parse_Defaults_DocsValidationAndSpeedBySource()
    {
        Assert.Equal(("docs/validation", 60.0), (ScenarioOptions.Parse([], out _)!.ReportFolder, ScenarioOptions.Parse([], out _)!.Speed));
        Assert.Equal(3600, ScenarioOptions.Parse(["--physionet", "/data"], out _)!.Speed);
    }

    [Theory]
    [InlineData("--speed", "0")]
    [InlineData("--speed", "fast")]
    [InlineData("--duration", "forever")]
    [InlineData("--patients", "0")]
    [InlineData("--colour", "red")]
    public void Parse_BadValue_ErrorNamesTheOption(string option, string value)
    {
        Assert.Null(ScenarioOptions.Parse([option, value], out var error));
        Assert.Contains(option, error, StringComparison.Ordinal);
    }

    [Fact]
    public void Parse_PhysioNetWithSets_Refused()
    {
        Assert.Null(ScenarioOptions.Parse(["--physionet", "/data", "--set", "demo"], out var error));
        Assert.Contains("--physionet and --set", error, StringComparison.Ordinal);
    }

    [Fact]
    public void DefaultDeviceStart_NextMidnightUtc()
    {
        Assert.Equal(
            new DateTimeOffset(2026, 11, 27, 0, 0, 0, TimeSpan.Zero),
            ScenarioCommand.DefaultDeviceStart(new DateTimeOffset(2026, 11, 26, 1, 40, 12, TimeSpan.Zero)));
        Assert.Equal(
            new DateTimeOffset(2026, 11, 27, 0, 0, 0, TimeSpan.Zero),
            ScenarioCommand.DefaultDeviceStart(new DateTimeOffset(2026, 11, 26, 0, 0, 0, TimeSpan.Zero)));
    }

    [Fact]
    public void MaxClockSkew_StartAheadPlusDurationPlusAnHour_AtLeastADay()
    {
        var now = new DateTimeOffset(2026, 11, 26, 2, 0, 0, TimeSpan.Zero);

        Assert.Equal(TimeSpan.FromHours(22 + 24 + 1), ScenarioCommand.MaxClockSkew(now.AddHours(22), TimeSpan.FromHours(24), now));
        Assert.Equal(TimeSpan.FromDays(1), ScenarioCommand.MaxClockSkew(now, TimeSpan.FromMinutes(35), now));
    }
}

public sealed class TechnicalTimingSettingsTests
{
    [Fact]
    public void TechnicalTimingSettings_At240x_DelaysDividedTickFloored()
    {
        var settings = EdgeServiceRun.TechnicalTimingSettings(240);

        Assert.Contains("--Alerts:TickInterval=00:00:00.1000000", settings);
        Assert.Contains("--Alerts:Rules:device-off:ConditionDelay=00:00:00.1250000", settings);
        Assert.Contains("--Alerts:Rules:battery-low:ConditionDelay=00:00:00.2500000", settings);
    }

    [Fact]
    public void TechnicalTimingSettings_RealTime_None() => Assert.Empty(EdgeServiceRun.TechnicalTimingSettings(1));
}

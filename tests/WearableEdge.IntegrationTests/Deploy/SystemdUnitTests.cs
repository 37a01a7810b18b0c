using Xunit;
namespace WearableEdge.IntegrationTests.Deploy;

/// <summary>deploy/systemd/wearable-edge.service, checked by systemd itself where it is installed.</summary>
public sealed class SystemdUnitTests
{
    private static string UnitPath => Path.Combine(DeployProcess.RepositoryRoot, "deploy", "systemd", "wearable-edge.service");

    [Fact]
    public async Task Unit_SystemdAnalyzeVerify_ReportsNothing()
    {
        if (DeployProcess.Find("systemd-analyze") is not { } analyze)
        {
            Assert.Skip("systemd-analyze is not installed (apt-get install systemd); the unit was not verified.");
            return;
        }

        // verify also checks that ExecStart exists: point it at a binary every Linux has, in a copy.
        using var folder = new TempFolder();
        var unit = Path.Combine(folder.Path, "wearable-edge.service");
        var lines = await File.ReadAllLinesAsync(UnitPath, TestContext.Current.CancellationToken);
        Assert.Contains("ExecStart=/opt/wearable-edge/WearableEdge.EdgeService", lines);
        await File.WriteAllLinesAsync(
            unit,
            lines.Select(l => l.StartsWith("ExecStart=", StringComparison.Ordinal) ? "ExecStart=/bin/true" : l),
            TestContext.Current.CancellationToken);

        var result = await DeployProcess.RunAsync(analyze, ["verify", unit]);

        Assert.True(result.ExitCode == 0 && result.Output.Trim().Length == 0, $"systemd-analyze verify (exit {result.ExitCode}):\n{result.Output}");
    }

    [Fact]
    public async Task Unit_SystemdAnalyzeSecurity_ExposureAtMostTwo()
    {
        if (DeployProcess.Find("systemd-analyze") is not { } analyze)
        {
            Assert.Skip("systemd-analyze is not installed (apt-get install systemd); the unit's exposure was not measured.");
            return;
        }

        // Fails (exit 1) when the overall exposure is above the threshold: 2.0 of 10 (lower is safer).
        var result = await DeployProcess.RunAsync(analyze, ["security", "--offline=true", "--threshold=20", UnitPath]);

        Assert.True(result.ExitCode == 0, $"systemd-analyze security (exit {result.ExitCode}):\n{result.Output}");
        Assert.Contains("Overall exposure level for wearable-edge.service", result.Output, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData("Type=notify")]
    [InlineData("Restart=on-failure")]
    [InlineData("WatchdogSec=30s")]
    [InlineData("User=wearable-edge")]
    [InlineData("ProtectSystem=strict")]
    [InlineData("StateDirectory=wearable-edge")]
    [InlineData("NoNewPrivileges=yes")]
    [InlineData("CapabilityBoundingSet=")]
    public async Task Unit_Hardening_HasSetting(string setting)
    {
        var lines = await File.ReadAllLinesAsync(UnitPath, TestContext.Current.CancellationToken);

        Assert.Contains(setting, lines);
    }
}

/// <summary>A fresh folder under the temp path, deleted on dispose.</summary>
internal sealed class TempFolder : IDisposable
{
    public string Path { get; } = Directory.CreateTempSubdirectory("wearable-edge-deploy-").FullName;

    public void Dispose() => Directory.Delete(Path, recursive: true);
}

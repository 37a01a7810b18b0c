using System.Diagnostics;

namespace WearableEdge.EdgeService.Tests.Security;

/// <summary>
/// The supply-chain controls of docs/security.md: lock files for every project, and
/// tests/audit-packages.sh, which passes a vulnerability only when docs/security.md accepts it with a reason.
/// </summary>
public sealed class SupplyChainTests : IDisposable
{
    private const string VulnerableReport = """
        {
          "version": 1,
          "parameters": "--vulnerable --include-transitive",
          "projects": [
            {
              "path": "/src/edge-service/WearableEdge.EdgeService/WearableEdge.EdgeService.csproj",
              "frameworks": [
                {
                  "framework": "net10.0",
                  "transitivePackages": [
                    {
                      "id": "Newtonsoft.Json",
                      "resolvedVersion": "12.0.1",
                      "vulnerabilities": [
                        {
                          "severity": "High",
                          "advisoryurl": "https://github.com/advisories/GHSA-5crp-9r3c-p9vr"
                        }
                      ]
                    }
                  ]
                }
              ]
            }
          ]
        }
        """;

    private const string CleanReport = """
        {
          "version": 1,
          "parameters": "--vulnerable --include-transitive",
          "projects": [
            {
              "path": "/src/edge-service/WearableEdge.EdgeService/WearableEdge.EdgeService.csproj"
            }
          ]
        }
        """;

    private static readonly string RepositoryRoot = FindRepositoryRoot();
    private readonly TestDataDirectory _folder = new();

    public void Dispose() => _folder.Dispose();

    [Fact]
    public void Projects_EverySolutionProject_HasACommittedLockFile()
    {
        var solution = File.ReadAllLines(Path.Combine(RepositoryRoot, "WearableEdge.sln"));
        var projects = solution
            .Where(l => l.StartsWith("Project(", StringComparison.Ordinal) && l.Contains(".csproj", StringComparison.Ordinal))
            .Select(l => l.Split(',')[1].Trim().Trim('"').Replace('\\', '/'))
            .ToList();

        Assert.NotEmpty(projects);
        Assert.All(projects, project =>
            Assert.True(File.Exists(Path.Combine(RepositoryRoot, Path.GetDirectoryName(project)!, "packages.lock.json")),
                $"{project} has no packages.lock.json: run `dotnet restore WearableEdge.sln --force-evaluate` and commit it."));
        Assert.Contains("<RestorePackagesWithLockFile>true</RestorePackagesWithLockFile>",
            File.ReadAllText(Path.Combine(RepositoryRoot, "Directory.Build.props")), StringComparison.Ordinal);
    }

    [Fact]
    public async Task Audit_NoVulnerability_Passes()
    {
        var (exitCode, output) = await AuditAsync(CleanReport, AcceptedTable(""));

        Assert.Equal(0, exitCode);
        Assert.Contains("no known vulnerability", output, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Audit_VulnerabilityNotAccepted_FailsNamingAdvisoryPackageAndProject()
    {
        var (exitCode, output) = await AuditAsync(VulnerableReport, AcceptedTable(""));

        Assert.Equal(1, exitCode);
        Assert.Contains("NOT ACCEPTED: GHSA-5crp-9r3c-p9vr (High) in Newtonsoft.Json 12.0.1 (WearableEdge.EdgeService.csproj)", output, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Audit_VulnerabilityAcceptedWithReason_Passes()
    {
        var (exitCode, output) = await AuditAsync(VulnerableReport,
            AcceptedTable("| GHSA-5crp-9r3c-p9vr | Newtonsoft.Json | < 13.0.1 | only our own, size-limited files are parsed |"));

        Assert.Equal(0, exitCode);
        Assert.Contains("accepted in", output, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Audit_AcceptedRowWithoutReason_StillFails()
    {
        var (exitCode, _) = await AuditAsync(VulnerableReport, AcceptedTable("| GHSA-5crp-9r3c-p9vr | Newtonsoft.Json | < 13.0.1 |  |"));

        Assert.Equal(1, exitCode);
    }

    [Fact]
    public async Task Audit_AcceptedForAnotherPackage_Fails()
    {
        var (exitCode, _) = await AuditAsync(VulnerableReport, AcceptedTable("| GHSA-5crp-9r3c-p9vr | Some.Other.Package | 1.0.0 | not used |"));

        Assert.Equal(1, exitCode);
    }

    [Fact]
    public async Task Audit_ShippedSecurityDocument_HasTheAcceptedTableTheScriptReads()
    {
        var document = Path.Combine(RepositoryRoot, "docs", "security.md");
        Assert.Contains("## Accepted vulnerabilities", await File.ReadAllTextAsync(document, TestContext.Current.CancellationToken), StringComparison.Ordinal);

        var (exitCode, _) = await AuditAsync(VulnerableReport, accepted: null);

        Assert.Equal(1, exitCode);
    }

    private static string AcceptedTable(string row) => $"""
        # Security

        ## Accepted vulnerabilities

        | advisory | package | versions | why it does not apply here |
        |---|---|---|---|
        {row}

        ## After
        | GHSA-5crp-9r3c-p9vr | Newtonsoft.Json | any | a row outside the section accepts nothing |
        """;

    /// <summary>Runs tests/audit-packages.sh on a saved report; <paramref name="accepted"/> null reads the shipped docs/security.md.</summary>
    private async Task<(int ExitCode, string Output)> AuditAsync(string report, string? accepted)
    {
        Assert.SkipWhen(OperatingSystem.IsWindows() || !File.Exists("/bin/bash"), "tests/audit-packages.sh needs bash.");
        var reportPath = Path.Combine(_folder.Path, "report.json");
        await File.WriteAllTextAsync(reportPath, report, TestContext.Current.CancellationToken);
        var start = new ProcessStartInfo("/bin/bash") { RedirectStandardOutput = true, RedirectStandardError = true };
        start.ArgumentList.Add(Path.Combine(RepositoryRoot, "tests", "audit-packages.sh"));
        start.ArgumentList.Add("--report");
        start.ArgumentList.Add(reportPath);
        if (accepted is not null)
        {
            var acceptedPath = Path.Combine(_folder.Path, "security.md");
            await File.WriteAllTextAsync(acceptedPath, accepted, TestContext.Current.CancellationToken);
            start.ArgumentList.Add("--accepted");
            start.ArgumentList.Add(acceptedPath);
        }

        using var process = Process.Start(start)!;
        var stdout = process.StandardOutput.ReadToEndAsync(TestContext.Current.CancellationToken);
        var stderr = process.StandardError.ReadToEndAsync(TestContext.Current.CancellationToken);
        await process.WaitForExitAsync(TestContext.Current.CancellationToken);
        return (process.ExitCode, await stdout + await stderr);
    }

    private static string FindRepositoryRoot()
    {
        var directory = new DirectoryInfo(AppContext.BaseDirectory);
        while (directory is not null && !File.Exists(Path.Combine(directory.FullName, "WearableEdge.sln")))
        {
            directory = directory.Parent;
        }

        return directory?.FullName ?? throw new InvalidOperationException($"No WearableEdge.sln above {AppContext.BaseDirectory}.");
    }
}

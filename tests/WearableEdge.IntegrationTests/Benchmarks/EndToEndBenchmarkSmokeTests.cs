using System.Diagnostics;
using System.Globalization;
using System.Text;
using System.Text.Json;
using WearableEdge.IntegrationTests.Faults;
using WearableEdge.IntegrationTests.Fixtures;
using Xunit;

namespace WearableEdge.IntegrationTests.Benchmarks;

/// <summary>
/// The end-to-end benchmark (<c>tests/WearableEdge.Benchmarks -- e2e</c>) runs briefly and reports
/// sane figures. A smoke test, not a benchmark: it asserts nothing about speed.
/// </summary>
public sealed class EndToEndBenchmarkSmokeTests
{
    [Fact]
    public async Task EndToEnd_FewPatientsBriefly_ReportsNonZeroFiguresForEveryConsumer()
    {
        var ct = TestContext.Current.CancellationToken;
        try
        {
            ChildProcess.ResolveExecutable("/usr/sbin/mosquitto", "mosquitto", "mosquitto");
        }
        catch (FileNotFoundException missing)
        {
            Assert.Skip(missing.Message);
        }

        var benchmark = await BenchmarkDllAsync(ct);
        var output = Directory.CreateTempSubdirectory("wearable-edge-e2e-smoke-").FullName;
        try
        {
            var json = Path.Combine(output, "e2e.json");
            var (exitCode, printed) = await RunAsync(
                benchmark,
                ["e2e", "--patients", "20", "--connections", "2", "--warmup", "1", "--duration", "3",
                 "--service-warmup", "3", "--service-duration", "3", "--idle-seconds", "1", "--idle-settle", "0", "--reference-patients", "20", "--output", json],
                TimeSpan.FromSeconds(90),
                ct);

            Assert.True(exitCode == 0, printed);
            Assert.Contains("## End-to-end benchmark", printed, StringComparison.Ordinal);
            Assert.Contains("| CPU per message, whole pipeline |", printed, StringComparison.Ordinal);
            Assert.True(File.Exists(Path.ChangeExtension(json, ".md")), printed);

            using var report = JsonDocument.Parse(await File.ReadAllTextAsync(json, ct));
            var results = report.RootElement.GetProperty("results").EnumerateArray().ToList();
            Assert.Equal(["bare", "raw", "service"], results.Select(r => r.GetProperty("Consumer").GetString()));
            foreach (var result in results)
            {
                var consumer = result.GetProperty("Consumer").GetString();
                var offered = result.GetProperty("OfferedMessagesPerSecond").GetDouble();
                var received = result.GetProperty("ReceivedMessagesPerSecond").GetDouble();
                // 20 patients offer 60 msg/s (vitals 1 Hz, motion every 0.5 s): the generator must come close.
                Assert.InRange(offered, 30, 90);
                Assert.True(received > 0.5 * offered && received < 1.5 * offered, $"{consumer}: received {received} of {offered} msg/s\n{printed}");
                Assert.True(result.GetProperty("ReceivedSamplesPerSecond").GetDouble() > received, $"{consumer}: motion messages carry 25 samples each");
                Assert.InRange(result.GetProperty("CpuMicrosecondsPerMessage").GetDouble(), 0.01, 1e6);
                Assert.True(result.GetProperty("ResidentBytes").GetInt64() > 1_000_000, consumer);
            }

            var service = results.Single(r => r.GetProperty("Consumer").GetString() == "service");
            Assert.Equal(JsonValueKind.Number, service.GetProperty("ResidentBytesPerPatient").ValueKind);
            Assert.Equal(0, service.GetProperty("Rejected").GetInt64());
            Assert.True(report.RootElement.GetProperty("idleService").GetProperty("ResidentBytes").GetInt64() > 1_000_000);
        }
        finally
        {
            Directory.Delete(output, recursive: true);
        }
    }

    /// <summary>
    /// The benchmark's dll in this test run's configuration, built first when missing or older
    /// than its sources (the integration tests do not reference the benchmark project).
    /// </summary>
    private static async Task<string> BenchmarkDllAsync(CancellationToken ct)
    {
        var configuration = new DirectoryInfo(AppContext.BaseDirectory).Parent?.Name ?? "Release";
        var project = Path.Combine(ReliabilityReport.RepositoryRoot, "tests", "WearableEdge.Benchmarks");
        var dll = Path.Combine(project, "bin", configuration, "net10.0", "WearableEdge.Benchmarks.dll");
        var newestSource = Directory.EnumerateFiles(project, "*.cs", SearchOption.AllDirectories)
            .Where(f => !f.Contains($"{Path.DirectorySeparatorChar}obj{Path.DirectorySeparatorChar}", StringComparison.Ordinal))
            .Max(File.GetLastWriteTimeUtc);
        if (!File.Exists(dll) || File.GetLastWriteTimeUtc(dll) < newestSource)
        {
            var (exitCode, printed) = await RunAsync(null, ["build", project, "-c", configuration], TimeSpan.FromMinutes(5), ct);
            Assert.True(exitCode == 0, $"building the benchmark failed:\n{printed}");
        }

        return dll;
    }

    private static async Task<(int ExitCode, string Output)> RunAsync(string? dll, IReadOnlyList<string> arguments, TimeSpan timeout, CancellationToken ct)
    {
        var start = new ProcessStartInfo("dotnet") { RedirectStandardOutput = true, RedirectStandardError = true };
        if (dll is not null)
        {
            start.ArgumentList.Add(dll);
        }

        foreach (var argument in arguments)
        {
            start.ArgumentList.Add(argument);
        }

        var output = new StringBuilder();
        using var process = Process.Start(start)!;
        process.OutputDataReceived += (_, e) => { lock (output) { output.AppendLine(e.Data); } };
        process.ErrorDataReceived += (_, e) => { lock (output) { output.AppendLine(e.Data); } };
        process.BeginOutputReadLine();
        process.BeginErrorReadLine();
        using var limit = CancellationTokenSource.CreateLinkedTokenSource(ct);
        limit.CancelAfter(timeout);
        try
        {
            await process.WaitForExitAsync(limit.Token);
        }
        catch (OperationCanceledException)
        {
            process.Kill(entireProcessTree: true);
            await process.WaitForExitAsync(CancellationToken.None);
            throw new TimeoutException(string.Create(CultureInfo.InvariantCulture, $"'dotnet {string.Join(' ', arguments)}' did not finish in {timeout.TotalSeconds:0} s:\n{output}"));
        }

        lock (output)
        {
            return (process.ExitCode, output.ToString());
        }
    }
}

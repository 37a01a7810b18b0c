using System.Collections.Concurrent;
using System.Diagnostics;
using System.Globalization;
using Microsoft.Data.Sqlite;
using Xunit;

namespace WearableEdge.IntegrationTests.Faults;

/// <summary>
/// Issue 6, fault 5: power loss while alerts are written. A writer process (tests/WearableEdge.StoreWriter,
/// the service's own EdgeDatabase and AlertStore) commits alerts in a tight loop and is SIGKILLed
/// at a random instant, again and again, on the same store.
/// </summary>
/// <remarks>
/// SIGKILL loses what the process had not handed to the kernel; what SQLite's WAL with
/// synchronous=FULL guarantees against a real power cut (fsync before commit returns) is not
/// exercised by a kill alone, but every torn transaction, half-written WAL frame and recovery on
/// reopen is.
/// </remarks>
[Collection(FaultCollection.Name)]
public sealed class PowerLossTests
{
    private const int Iterations = 50;
    private const int Seed = 6_050;
    private static readonly TimeSpan ReadyTimeout = TimeSpan.FromSeconds(20);

    [Fact(Timeout = 120_000)]
    public async Task AlertStore_WriterKilledAtRandom50Times_StoreIntactAndNoCommittedAlertLost()
    {
        var ct = TestContext.Current.CancellationToken;
        await using var report = ReliabilityReport.ForCurrentTest();
        var random = new Random(Seed);
        var dataDirectory = Directory.CreateTempSubdirectory("wearableedge-fault-powerloss-").FullName;
        var databasePath = Path.Combine(dataDirectory, "wearable-edge.db");
        try
        {
            var reported = new HashSet<string>(StringComparer.Ordinal);
            var previousCount = 0L;
            var killedMidWrite = 0;
            var perIteration = new List<int>();
            for (var iteration = 1; iteration <= Iterations; iteration++)
            {
                var delay = TimeSpan.FromMilliseconds(random.Next(50, 401));
                var committed = await RunAndKillAsync(dataDirectory, delay, ct);
                reported.UnionWith(committed);
                perIteration.Add(committed.Count);
                if (committed.Count > 0)
                {
                    killedMidWrite++;
                }

                // Reopen as the service would after the power came back: recovery of the WAL happens here.
                var check = await CheckStoreAsync(databasePath, ct);
                Assert.True(check.Integrity == "ok", $"iteration {iteration}: integrity_check says {check.Integrity}");
                Assert.True(check.Alerts >= previousCount, $"iteration {iteration}: alert count fell from {previousCount} to {check.Alerts}");
                Assert.True(check.Alerts == check.Events, $"iteration {iteration}: {check.Alerts} alerts but {check.Events} events (a torn transaction)");
                var missing = committed.Where(id => !check.Ids.Contains(id)).ToList();
                Assert.True(missing.Count == 0, $"iteration {iteration}: {missing.Count} alerts reported committed are gone, e.g. {missing.FirstOrDefault()}");
                previousCount = check.Alerts;
            }

            var final = await CheckStoreAsync(databasePath, ct);
            report.Add("seed", Seed);
            report.Add("kills", Iterations);
            report.Add("kills during the write loop", killedMidWrite);
            report.Add("alerts reported committed (stdout)", reported.Count);
            report.Add("alerts stored", final.Alerts);
            report.Add("  committed but killed before reporting", final.Alerts - reported.Count);
            report.Add("reported but missing", reported.Count(id => !final.Ids.Contains(id)));
            report.Add("alerts per run (min / median / max)",
                $"{perIteration.Min()} / {perIteration.Order().ElementAt(perIteration.Count / 2)} / {perIteration.Max()}");
            report.Add("integrity_check", final.Integrity);

            Assert.True(killedMidWrite >= Iterations / 2, $"only {killedMidWrite} of {Iterations} kills fell in the write loop");
            Assert.True(final.Ids.IsSupersetOf(reported));
        }
        finally
        {
            SqliteConnection.ClearAllPools();
            Directory.Delete(dataDirectory, recursive: true);
        }
    }

    /// <summary>Starts the writer, kills it (SIGKILL) <paramref name="delay"/> after it reported ready, returns the ids it reported committed.</summary>
    private static async Task<IReadOnlyList<string>> RunAndKillAsync(string dataDirectory, TimeSpan delay, CancellationToken ct)
    {
        var start = new ProcessStartInfo("dotnet") { RedirectStandardOutput = true, RedirectStandardError = true, UseShellExecute = false };
        start.ArgumentList.Add(Path.Combine(AppContext.BaseDirectory, "WearableEdge.StoreWriter.dll"));
        start.ArgumentList.Add(dataDirectory);
        using var process = new Process { StartInfo = start };
        var lines = new ConcurrentQueue<string>();
        var errors = new ConcurrentQueue<string>();
        var ready = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        process.OutputDataReceived += (_, e) =>
        {
            if (e.Data is { } line)
            {
                lines.Enqueue(line);
                if (line == "ready")
                {
                    ready.TrySetResult();
                }
            }
        };
        process.ErrorDataReceived += (_, e) =>
        {
            if (e.Data is { } line)
            {
                errors.Enqueue(line);
            }
        };
        process.Start();
        process.BeginOutputReadLine();
        process.BeginErrorReadLine();
        try
        {
            await Task.WhenAny(ready.Task, process.WaitForExitAsync(ct)).WaitAsync(ReadyTimeout, ct);
            Assert.True(ready.Task.IsCompleted, $"the writer exited before it was ready: {string.Join(Environment.NewLine, errors)}");

            // The random instant of the power cut.
            await Task.Delay(delay, ct);
        }
        finally
        {
            process.Kill(entireProcessTree: true);
            await process.WaitForExitAsync(CancellationToken.None);
        }

        Assert.True(errors.IsEmpty, $"the writer failed: {string.Join(Environment.NewLine, errors)}");

        // A line cut short by the kill is a prefix of an id that was committed before it, or no id at all.
        return [.. lines.Where(l => l.StartsWith("al-", StringComparison.Ordinal) && l.Count(c => c == '-') == 2 && char.IsDigit(l[^1]))];
    }

    private static async Task<StoreCheck> CheckStoreAsync(string databasePath, CancellationToken ct)
    {
        await using var connection = new SqliteConnection($"Data Source={databasePath};Mode=ReadWrite;Pooling=False");
        await connection.OpenAsync(ct);
        var integrity = string.Join("; ", await ColumnAsync(connection, "PRAGMA integrity_check;", ct));
        var alerts = long.Parse((await ColumnAsync(connection, "SELECT COUNT(*) FROM alerts;", ct))[0], CultureInfo.InvariantCulture);
        var events = long.Parse((await ColumnAsync(connection, "SELECT COUNT(*) FROM alert_events;", ct))[0], CultureInfo.InvariantCulture);
        var ids = (await ColumnAsync(connection, "SELECT id FROM alerts;", ct)).ToHashSet(StringComparer.Ordinal);
        return new StoreCheck(integrity, alerts, events, ids);
    }

    private static async Task<List<string>> ColumnAsync(SqliteConnection connection, string sql, CancellationToken ct)
    {
        await using var command = connection.CreateCommand();
        command.CommandText = sql;
        await using var reader = await command.ExecuteReaderAsync(ct);
        var values = new List<string>();
        while (await reader.ReadAsync(ct))
        {
            values.Add(Convert.ToString(reader.GetValue(0), CultureInfo.InvariantCulture)!);
        }

        return values;
    }

    private sealed record StoreCheck(string Integrity, long Alerts, long Events, HashSet<string> Ids);
}

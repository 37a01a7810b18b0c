using System.Globalization;
using WearableEdge.IntegrationTests.Fixtures;
using Xunit;

namespace WearableEdge.IntegrationTests.Faults;

/// <summary>
/// Issue 6, fault 4: the time-series store answers 500, then 429 with <c>Retry-After: 2</c>, through
/// a fault-injecting proxy in front of a real VictoriaMetrics, before it takes writes again.
/// </summary>
[Collection(FaultCollection.Name)]
public sealed class StoreErrorTests
{
    private const int ServerErrorsPerPoint = 6;
    private const int SheddingAnswers = 2;
    private static readonly TimeSpan Patience = TimeSpan.FromSeconds(45);
    private static readonly TimeSpan InitialBackoff = TimeSpan.FromMilliseconds(100);
    private static readonly TimeSpan MaxBackoff = TimeSpan.FromSeconds(1);
    private static readonly TimeSpan PollInterval = TimeSpan.FromMilliseconds(50);
    private static readonly TimeSpan RetryAfter = TimeSpan.FromSeconds(2);

    /// <summary>A gap may exceed its back-off by one poll of the outbox plus scheduling noise.</summary>
    private static readonly TimeSpan Slack = TimeSpan.FromMilliseconds(150);

    [Fact(Timeout = 120_000)]
    public async Task Sync_StoreAnswers500Then429WithRetryAfter_BacksOffHonoursRetryAfterAndLosesNothing()
    {
        var ct = TestContext.Current.CancellationToken;
        await using var report = ReliabilityReport.ForCurrentTest();
        await using var broker = await MosquittoProcess.StartAsync(ct);
        await using var store = await VictoriaMetricsProcess.StartAsync(ct);
        await using var proxy = await FaultInjectingProxy.StartAsync(store.BaseUri, ct);

        // A back-off capped at 1 s, well under Retry-After's 2 s, so the two can be told apart; a
        // write timeout long enough to hold the first write while the ward raises its alerts.
        await using var service = await EdgeServiceProcess.StartAsync(
            broker.BrokerUri,
            proxy.BaseUri,
            "fault-store-errors",
            [
                $"--Sync:InitialBackoff={InitialBackoff:c}", $"--Sync:MaxBackoff={MaxBackoff:c}",
                $"--Sync:PollInterval={PollInterval:c}", "--Sync:WriteTimeout=00:01:00",
            ],
            ct);
        report.KeepLog("service", () => service.Output);
        report.KeepLog("proxy", () => proxy.Log);
        await using var health = HealthWatch.Start(service, TimeSpan.FromMilliseconds(100));
        await health.WaitUntilAsync(h => h.BrokerConnected, Patience, "the service connecting to Mosquitto", ct);

        // The first write is held while the ward raises its alerts, so they queue up untried and
        // then go out together: one batch, whose retries show the back-off alone.
        proxy.HoldFirstWrite();
        proxy.AnswerWith(StoreAnswer.ServerError);
        var ward = SimulatedWard.Alerting(seed: 64, speed: 120);
        await using (var simulator = SimulatorRun.Start(ward, broker.BrokerUri, "fault-store-errors-sim"))
        {
            var simulated = await simulator.WaitForExitAsync(Patience, ct);
            Assert.True(simulated.ExitCode == 0, simulated.Output);
        }

        await health.WaitUntilAsync(h => h.SamplesSeen >= ward.VitalsSamples, Patience, "the service taking in every simulated sample", ct);
        proxy.ReleaseHeldWrite();
        await proxy.WaitForWritesAsync(
            writes => AnswersPerAlertPoint(writes, 500).Values.DefaultIfEmpty(0).Min() >= ServerErrorsPerPoint,
            Patience, $"{ServerErrorsPerPoint} answers of 500 to every alert point", ct);
        var serverErrorsUntil = proxy.Now;

        proxy.ShedNext(SheddingAnswers, RetryAfter);
        await proxy.WaitForWritesAsync(
            writes => writes.Count(w => w.Status == 429) >= SheddingAnswers && writes[^1].Status is >= 200 and < 300,
            Patience, "writes taken again after the 429s", ct);
        var audit = await AlertPointAudit.WaitForDrainAsync(service, store, Patience, ct);
        var final = await health.WaitUntilAsync(h => h.Tsdb!.Backlog == 0, Patience, "an empty backlog in /health", ct);

        var writes = proxy.Writes;
        var gaps = GapsByPoint(writes, w => w.Status == 500 && w.ReceivedAt <= serverErrorsUntil);
        var retryAfterGaps = GapsAfter(writes, 429);
        var backoffSeen = gaps.Values.Where(g => g.Count >= 4).ToList();
        report.Add("alerts raised", await service.CountAsync("SELECT COUNT(*) FROM alerts", ct));
        report.Add("tsdb alert rows (raised + escalated)", audit.StoreRows);
        report.Add("alert rows synced", audit.StoreRows - audit.Unsynced);
        report.Add("points in VictoriaMetrics", audit.Points);
        report.Add("duplicates", audit.Duplicates);
        report.Add("missing", audit.Missing);
        report.Add("unexpected", audit.Unexpected);
        report.Add("writes at the proxy (500 / 429 / forwarded)",
            $"{writes.Count(w => w.Status == 500)} / {writes.Count(w => w.Status == 429)} / {writes.Count(w => w.Status < 300)}");
        report.Add("retry gaps of one point under 500 (s)", Describe(backoffSeen.OrderByDescending(g => g.Count).FirstOrDefault() ?? []));
        report.Add("gaps after 429 + Retry-After: 2 (s)", Describe(retryAfterGaps));
        report.Add("errorsByKind", string.Join(", ", final.Tsdb!.ErrorsByKind.Select(e => $"{e.Key}={e.Value}")));

        // Back-off: every point retried under 500s waits longer each time (within one outbox poll),
        // from about the initial back-off up to the cap, and never longer than the cap.
        Assert.NotEmpty(backoffSeen);
        foreach (var pointGaps in backoffSeen)
        {
            for (var i = 1; i < pointGaps.Count; i++)
            {
                Assert.True(pointGaps[i] >= pointGaps[i - 1] - Slack, $"a retry gap shrank: {Describe(pointGaps)}");
            }

            Assert.True(pointGaps[0] <= (InitialBackoff * 1.2) + Slack, $"first retry too late: {Describe(pointGaps)}");
            Assert.True(pointGaps[^1] >= pointGaps[0] * 3, $"retry gaps did not grow: {Describe(pointGaps)}");
            Assert.True(pointGaps.Max() <= MaxBackoff + (Slack * 2), $"a retry gap beyond MaxBackoff: {Describe(pointGaps)}");
        }

        // Retry-After: the next write with the same points comes no sooner than the store asked.
        Assert.Equal(SheddingAnswers, retryAfterGaps.Count);
        Assert.All(retryAfterGaps, gap => Assert.True(
            gap >= RetryAfter - TimeSpan.FromMilliseconds(100), $"retried {gap.TotalSeconds:0.00} s after a 429 with Retry-After: 2"));

        Assert.True(final.Tsdb.Errors("http-500") > 0, final.Tsdb.ToString());
        Assert.True(final.Tsdb.Errors("http-429") > 0, final.Tsdb.ToString());
        Assert.True(audit.StoreRows >= 20, $"the ward raised too few alerts to test anything: {audit}");
        Assert.True(audit.ExactlyOnce, audit.ToString());
    }

    /// <summary>For each alert point written so far, how many writes carrying it were answered with <paramref name="status"/>.</summary>
    private static Dictionary<string, int> AnswersPerAlertPoint(IReadOnlyList<ProxiedWrite> writes, int status)
    {
        var answers = new Dictionary<string, int>(StringComparer.Ordinal);
        foreach (var write in writes)
        {
            foreach (var point in write.Points.Where(IsAlertPoint))
            {
                answers[point] = answers.GetValueOrDefault(point) + (write.Status == status ? 1 : 0);
            }
        }

        return answers;
    }

    private static bool IsAlertPoint(string point) => point.StartsWith("alert,", StringComparison.Ordinal);

    /// <summary>For each point, the gaps between the consecutive writes that carried it and match <paramref name="include"/>.</summary>
    private static Dictionary<string, List<TimeSpan>> GapsByPoint(IReadOnlyList<ProxiedWrite> writes, Func<ProxiedWrite, bool> include)
    {
        var gaps = new Dictionary<string, List<TimeSpan>>(StringComparer.Ordinal);
        var last = new Dictionary<string, ProxiedWrite>(StringComparer.Ordinal);
        foreach (var write in writes)
        {
            foreach (var point in write.Points.Where(IsAlertPoint))
            {
                if (include(write) && last.TryGetValue(point, out var previous) && include(previous))
                {
                    (gaps.TryGetValue(point, out var list) ? list : gaps[point] = []).Add(write.ReceivedAt - previous.AnsweredAt);
                }

                last[point] = write;
            }
        }

        return gaps;
    }

    /// <summary>For each write answered with <paramref name="status"/>, the time until the next write carrying any of its points.</summary>
    private static List<TimeSpan> GapsAfter(IReadOnlyList<ProxiedWrite> writes, int status)
    {
        var gaps = new List<TimeSpan>();
        for (var i = 0; i < writes.Count; i++)
        {
            if (writes[i].Status != status)
            {
                continue;
            }

            var points = writes[i].Points.ToHashSet(StringComparer.Ordinal);
            var next = writes.Skip(i + 1).FirstOrDefault(w => w.Points.Any(points.Contains));
            if (next is not null)
            {
                gaps.Add(next.ReceivedAt - writes[i].AnsweredAt);
            }
        }

        return gaps;
    }

    private static string Describe(IEnumerable<TimeSpan> gaps) =>
        string.Join(" ", gaps.Select(g => g.TotalSeconds.ToString("0.00", CultureInfo.InvariantCulture)));
}

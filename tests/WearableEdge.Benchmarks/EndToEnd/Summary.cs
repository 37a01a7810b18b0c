using System.Globalization;
using System.Text;
using System.Text.Json;

namespace WearableEdge.Benchmarks.EndToEnd;

/// <summary>The run's results as JSON and as a markdown summary, with the issue's goals judged.</summary>
internal sealed class Summary(Machine machine, string command, LoadShape shape, Timing timing, Idle? idle, int referencePatients, IReadOnlyList<ConsumerResult> results)
{
    /// <summary>Node-RED's rate in the issue's reference measurement (1 sample per message, QoS 1).</summary>
    public const double NodeRedMessagesPerSecond = 10_000;

    public static string Line(ConsumerResult r)
    {
        var c = CultureInfo.InvariantCulture;
        var text = new StringBuilder();
        text.Append(c, $"{r.Consumer,-8} offered {r.OfferedMessagesPerSecond,8:N0} msg/s  received {r.ReceivedMessagesPerSecond,8:N0} msg/s ({r.ReceivedRatio:P0}), {r.ReceivedSamplesPerSecond,9:N0} samples/s, ");
        text.Append(c, $"{r.CpuMicrosecondsPerMessage:0.0} µs CPU/msg, {r.ResidentBytes / 1048576.0:0} MiB");
        if (r.ResidentBytesPerPatient is { } perPatient)
        {
            text.Append(c, $" ({perPatient / 1024:0.0} KiB/patient)");
        }

        if (r.LatencyToPublishP99Ms is { } p99)
        {
            text.Append(c, $", latency p50 {r.LatencyToPublishP50Ms:0} ms p99 {p99:0} ms ({r.Alerts} alerts)");
        }

        if (r.Bottleneck is { } b)
        {
            text.Append(c, $", limit: {b}");
        }

        text.Append(c, $", machine {r.MachineBusy:P0} busy");
        return text.ToString();
    }

    /// <summary>A summary of a run saved by <see cref="ToJson"/>.</summary>
    public static Summary FromJson(string json)
    {
        using var document = JsonDocument.Parse(json);
        var root = document.RootElement;
        var load = root.GetProperty("load");
        var timing = root.GetProperty("timing");
        var results = root.GetProperty("results").Deserialize<List<ConsumerResult>>(SavedJson)!;
        var reference = root.TryGetProperty("referencePatients", out var saved) ? saved.GetInt32() : 1000;
        return new Summary(
            root.GetProperty("machine").Deserialize<Machine>(SavedJson)!,
            root.GetProperty("command").GetString()!,
            new LoadShape(results.Max(r => r.Patients), load.GetProperty("Connections").GetInt32(), load.GetProperty("MotionBatchSeconds").GetDouble(),
                load.GetProperty("OneSamplePerMessage").GetBoolean(), load.GetProperty("DesaturationEvery").GetInt32()),
            new Timing(
                TimeSpan.FromSeconds(timing.GetProperty("warmupSeconds").GetDouble()), TimeSpan.FromSeconds(timing.GetProperty("serviceWarmupSeconds").GetDouble()),
                TimeSpan.FromSeconds(timing.GetProperty("durationSeconds").GetDouble()), TimeSpan.FromSeconds(timing.GetProperty("serviceDurationSeconds").GetDouble()),
                TimeSpan.FromSeconds(timing.TryGetProperty("idleSeconds", out var idleSeconds) ? idleSeconds.GetDouble() : 0),
                TimeSpan.FromSeconds(timing.TryGetProperty("idleSettleSeconds", out var idleSettle) ? idleSettle.GetDouble() : 0)),
            root.GetProperty("idleService").ValueKind == JsonValueKind.Null ? null : root.GetProperty("idleService").Deserialize<Idle>(SavedJson),
            reference,
            results);
    }

    private static readonly JsonSerializerOptions SavedJson = new() { NumberHandling = System.Text.Json.Serialization.JsonNumberHandling.AllowNamedFloatingPointLiterals };

    public string ToJson() => JsonSerializer.Serialize(
        new
        {
            machine,
            command,
            referencePatients,
            load = new { shape.Connections, shape.MotionBatchSeconds, shape.OneSamplePerMessage, shape.DesaturationEvery, shape.MotionSamplesPerMessage, qos = 1 },
            timing = new
            {
                warmupSeconds = timing.Warmup.TotalSeconds, serviceWarmupSeconds = timing.ServiceWarmup.TotalSeconds,
                durationSeconds = timing.Duration.TotalSeconds, serviceDurationSeconds = timing.ServiceDuration.TotalSeconds,
                idleSettleSeconds = timing.IdleSettle.TotalSeconds, idleSeconds = timing.Idle.TotalSeconds,
            },
            idleService = idle,
            goals = Goals().Select(g => new { g.Name, g.Target, g.Measured, g.Verdict }),
            results,
        },
        new JsonSerializerOptions { WriteIndented = true, NumberHandling = System.Text.Json.Serialization.JsonNumberHandling.AllowNamedFloatingPointLiterals });

    public string ToMarkdown()
    {
        var text = new StringBuilder();
        var c = CultureInfo.InvariantCulture;
        text.AppendLine("## End-to-end benchmark");
        text.AppendLine();
        text.AppendLine(c, $"- Machine: {machine.Cores} cores, {machine.Cpu}, {machine.Os}, .NET {machine.Dotnet}, {machine.Broker}.");
        text.AppendLine(c, $"- Command: `{command}`");
        text.AppendLine(c, $"- Load: {(shape.OneSamplePerMessage ? "vitals only, 1 sample per message, 1 Hz per patient" : $"vitals 1 Hz (1 sample per message) and motion 50 Hz in batches of {shape.MotionBatchSeconds} s ({shape.MotionSamplesPerMessage} samples)")}, QoS 1, over {shape.Connections} MQTT connections; every {shape.DesaturationEvery}th patient desaturates (SpO2 86 %) for 40 s in every 120 s.");
        text.AppendLine(c, $"- Per consumer and N: {timing.Warmup.TotalSeconds:0} s warm-up, then {timing.Duration.TotalSeconds:0} s measured (service: {timing.ServiceWarmup.TotalSeconds:0} s, then {timing.ServiceDuration.TotalSeconds:0} s).");
        text.AppendLine(c, $"- Service with 0 patients: {(idle is null ? "not measured" : string.Create(c, $"{idle.ResidentBytes / 1048576.0:0.0} MiB resident, {idle.CpuCores * 1000:0} ms CPU per second (timers, host)"))}.");
        text.AppendLine();
        text.AppendLine("| N | consumer | offered msg/s | received msg/s | received / offered | samples/s | CPU µs/msg | CPU cores | resident MiB | KiB/patient | latency p50 / p99 ms (alerts) | limiting stage | machine busy |");
        text.AppendLine("|---|---|---|---|---|---|---|---|---|---|---|---|---|");
        foreach (var r in results)
        {
            text.AppendLine(c,
                $"| {r.Patients:N0} | {r.Consumer} | {r.OfferedMessagesPerSecond:N0} | {r.ReceivedMessagesPerSecond:N0} | {r.ReceivedRatio:P1} | {r.ReceivedSamplesPerSecond:N0} | {r.CpuMicrosecondsPerMessage:0.0} | {r.CpuCores:0.00} | {r.ResidentBytes / 1048576.0:0} | " +
                $"{(r.ResidentBytesPerPatient is { } pp ? (pp / 1024).ToString("0.0", c) : "")} | " +
                $"{(r.LatencyToPublishP50Ms is { } p50 ? $"{p50:0} / {r.LatencyToPublishP99Ms:0} ({r.Alerts})" : r.Alerts is { } n ? $"– ({n})" : "")} | {r.Bottleneck ?? ""} | {r.MachineBusy:P0} |");
        }

        text.AppendLine();
        text.AppendLine("Service versus bare subscriber, same N (ratio of their received/offered shares):");
        text.AppendLine();
        text.AppendLine("| N | service / bare | service CPU µs/msg (over idle) | bare CPU µs/msg | raw CPU µs/msg | generator µs/msg | Mosquitto µs/msg | store latency p50 / p99 ms | peak queue fill |");
        text.AppendLine("|---|---|---|---|---|---|---|---|---|");
        foreach (var n in results.Select(r => r.Patients).Distinct())
        {
            var service = Find(n, "service");
            var bare = Find(n, "bare");
            var raw = Find(n, "raw");
            var any = service ?? bare ?? raw!;
            text.AppendLine(c,
                $"| {n:N0} | {(SameLoadRatio(n) is { } ratio ? ratio.ToString("P1", c) : "")} | {service?.CpuMicrosecondsPerMessage:0.0}{(service?.MarginalCpuMicrosecondsPerMessage is { } marginal ? $" ({marginal:0.0})" : "")} | {bare?.CpuMicrosecondsPerMessage:0.0} | {raw?.CpuMicrosecondsPerMessage:0.0} | " +
                $"{any.GeneratorCpuMicrosecondsPerMessage:0.0} | {any.BrokerCpuMicrosecondsPerMessage:0.0} | " +
                $"{(service?.LatencyToStoreP50Ms is { } s50 ? $"{s50:0} / {service.LatencyToStoreP99Ms:0}" : "")} | " +
                $"{(service?.QueueFill is { } fill ? string.Join(", ", fill.Where(f => f.Value > 0.01).Select(f => $"{f.Key} {f.Value:P0}")) : "")} |");
        }

        var services = results.Where(r => r.Consumer == "service").OrderBy(r => r.Patients).ToList();
        if (services.Count > 0)
        {
            text.AppendLine();
            var kept = services.LastOrDefault(r => r.KeptUp == true);
            var first = services.FirstOrDefault(r => r.KeptUp != true);
            var keptText = kept is null ? "at no N" : string.Create(c, $"up to N = {kept.Patients:N0} ({kept.ReceivedMessagesPerSecond:N0} msg/s, {kept.ReceivedSamplesPerSecond:N0} samples/s)");
            var firstText = first is null
                ? "it kept up at every N of the sweep."
                : string.Create(c, $"at N = {first.Patients:N0} it received {first.ReceivedMessagesPerSecond:N0} of {first.OfferedMessagesPerSecond:N0} msg/s offered, limited by: {first.Bottleneck}.");
            text.AppendLine(c, $"Sweep: the service kept up (received ≥ 97 % of offered, nothing dropped by the broker) {keptText}; {firstText}");
        }

        text.AppendLine();
        text.AppendLine("### Goals (issue 7)");
        text.AppendLine();
        text.AppendLine("| goal | target | measured | verdict |");
        text.AppendLine("|---|---|---|---|");
        foreach (var goal in Goals())
        {
            text.AppendLine(c, $"| {goal.Name} | {goal.Target} | {goal.Measured} | {goal.Verdict} |");
        }

        text.AppendLine();
        text.AppendLine("How it is measured: each consumer runs in its own process; CPU is that process's user + system time over the window divided by the messages it received; " +
            "resident memory is its VmRSS at the end of the window, per patient over the idle service's. Offered = messages the broker acknowledged to the generator (QoS 1). " +
            "Latency: the first vitals message holding a sample at or after the alert's windowEnd + 5 s (allowed lateness) completes the window; a probe client subscribed to those vitals " +
            "and to the alert topic takes alert arrival minus that message's arrival (publish latency; both via the broker), and the alert's storedAt minus that arrival (store latency). " +
            "The generator, Mosquitto and the consumer share the machine's cores.");
        return text.ToString();
    }

    private ConsumerResult? Find(int patients, string consumer) => results.FirstOrDefault(r => r.Patients == patients && r.Consumer == consumer);

    /// <summary>The service's received share of its offered load over the bare subscriber's, at one N.</summary>
    private double? SameLoadRatio(int patients) =>
        Find(patients, "service") is { } service && Find(patients, "bare") is { ReceivedRatio: > 0 } bare ? service.ReceivedRatio / bare.ReceivedRatio : null;

    private IEnumerable<Goal> Goals()
    {
        var c = CultureInfo.InvariantCulture;
        var services = results.Where(r => r.Consumer == "service").ToList();
        var bares = results.Where(r => r.Consumer == "bare").ToList();
        var atReference = Find(referencePatients, "service");
        var bareAtReference = Find(referencePatients, "bare");

        if (services.Count > 0 && bares.Count > 0)
        {
            // Same load: each consumer's received share of what was offered while it ran (the
            // generator's rate wobbles between phases when the machine is busy), service over bare.
            var worst = services.Select(s => (s.Patients, Ratio: SameLoadRatio(s.Patients))).Where(p => p.Ratio is not null).MinBy(p => p.Ratio);
            var serviceMax = services.Max(r => r.ReceivedMessagesPerSecond);
            var bareMax = bares.Max(r => r.ReceivedMessagesPerSecond);
            yield return new Goal(
                "service rate vs bare subscriber, same load",
                "≥ 90 %",
                string.Create(c, $"lowest {worst.Ratio:P1} at N = {worst.Patients:N0} (received/offered of the service over that of the bare subscriber); highest rates seen: service {serviceMax:N0}, bare {bareMax:N0} msg/s"),
                worst.Ratio is { } r ? Verdict(r >= 0.9, string.Create(c, $"short by {(0.9 - r) * 100:0.0} points")) : "not measured");
        }

        if (atReference is not null)
        {
            yield return new Goal(
                "CPU per message, whole pipeline",
                "≤ 25 µs",
                string.Create(c, $"{atReference.CpuMicrosecondsPerMessage:0.0} µs at N = {referencePatients:N0} ({atReference.OfferedMessagesPerSecond:N0} msg/s offered; bare subscriber {bareAtReference?.CpuMicrosecondsPerMessage:0.0} µs)"),
                Verdict(atReference.CpuMicrosecondsPerMessage <= 25, string.Create(c, $"{atReference.CpuMicrosecondsPerMessage / 25:0.0}× the goal")));
            yield return new Goal(
                "processing latency p99",
                string.Create(c, $"≤ 50 ms at {referencePatients:N0} patients"),
                atReference.LatencyToPublishP99Ms is { } p99
                    ? string.Create(c, $"p99 {p99:0} ms to publish, {atReference.LatencyToStoreP99Ms:0} ms to store (p50 {atReference.LatencyToPublishP50Ms:0} / {atReference.LatencyToStoreP50Ms:0} ms; {atReference.Alerts} alerts)")
                    : "no alert measured",
                atReference.LatencyToPublishP99Ms is { } p ? Verdict(p <= 50, string.Create(c, $"{p - 50:0} ms over")) : "not measured");
            if (atReference.ResidentBytesPerPatient is { } perPatient)
            {
                yield return new Goal(
                    "resident memory per patient",
                    "≤ 256 KB",
                    string.Create(c, $"{perPatient / 1024:0.0} KiB at N = {referencePatients:N0} ({atReference.ResidentBytes / 1048576.0:0} MiB total)"),
                    Verdict(perPatient <= 256 * 1024, string.Create(c, $"{perPatient / 1024 - 256:0} KiB over")));
            }
        }
        else
        {
            yield return new Goal("goals at the reference N", string.Create(c, $"N = {referencePatients:N0} in the sweep"), "not in this sweep", "not measured");
        }

        var nodeRedTarget = 3 * NodeRedMessagesPerSecond;
        if (shape.OneSamplePerMessage && services.Count > 0)
        {
            var kept = services.Where(r => r.KeptUp == true).MaxBy(r => r.ReceivedMessagesPerSecond);
            var highest = services.MaxBy(r => r.ReceivedMessagesPerSecond)!;
            var keptText = kept is null
                ? "kept up at no N"
                : string.Create(c, $"kept up to {kept.ReceivedMessagesPerSecond:N0} msg/s (N = {kept.Patients:N0}, {kept.CpuMicrosecondsPerMessage:0} µs CPU/msg)");
            var highestText = highest == kept
                ? highest.ReceivedRatio >= 0.995
                    ? "; it kept up with the highest load offered, so its capacity is higher"
                    : string.Create(c, $"; at the highest load offered it received {highest.ReceivedRatio:P1} of it, so it was at its limit")
                : string.Create(c, $"; highest rate received {highest.ReceivedMessagesPerSecond:N0} msg/s at N = {highest.Patients:N0} ({highest.ReceivedRatio:P0} of offered, {highest.CpuMicrosecondsPerMessage:0} µs CPU/msg)");
            yield return new Goal(
                "3× Node-RED (1 sample/message, QoS 1)",
                string.Create(c, $"≥ {nodeRedTarget:N0} msg/s"),
                keptText + highestText + string.Create(c, $"; Node-RED ~10,000 msg/s at ~94 µs; bare subscriber here {Find(highest.Patients, "bare")?.ReceivedMessagesPerSecond:N0} msg/s at N = {highest.Patients:N0}"),
                Verdict(highest.ReceivedMessagesPerSecond >= nodeRedTarget, string.Create(c, $"{highest.ReceivedMessagesPerSecond / NodeRedMessagesPerSecond:0.00}× Node-RED")));
        }
        else
        {
            yield return new Goal("3× Node-RED (1 sample/message, QoS 1)", string.Create(c, $"≥ {nodeRedTarget:N0} msg/s"), "run with --samples-per-message 1", "not measured in this mode");
        }
    }

    private static string Verdict(bool pass, string shortfall) => pass ? "pass" : $"miss ({shortfall})";

    private sealed record Goal(string Name, string Target, string Measured, string Verdict);
}

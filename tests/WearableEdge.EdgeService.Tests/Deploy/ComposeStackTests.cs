using System.Diagnostics;
using System.Reflection;
using System.Text.Json;
using System.Text.RegularExpressions;
using WearableEdge.EdgeService.Features;
using WearableEdge.EdgeService.Sync;

namespace WearableEdge.EdgeService.Tests.Deploy;

/// <summary>
/// Static checks of deploy/compose (no Docker engine runs on the development machines): the compose
/// file through the Compose client when one is installed, the Dockerfile's required instructions,
/// the edge service's environment against the options classes, and the Grafana dashboard against
/// the measurements, fields and tags the line-protocol code really writes.
/// </summary>
public sealed partial class ComposeStackTests
{
    private static readonly string ComposeFolder = Path.Combine(RepositoryRoot(), "deploy", "compose");

    private static string RepositoryRoot()
    {
        var directory = new DirectoryInfo(AppContext.BaseDirectory);
        while (directory is not null && !File.Exists(Path.Combine(directory.FullName, "WearableEdge.sln")))
        {
            directory = directory.Parent;
        }

        return directory?.FullName ?? throw new InvalidOperationException("WearableEdge.sln not found above " + AppContext.BaseDirectory);
    }

    private static string Read(params string[] parts) => File.ReadAllText(Path.Combine([ComposeFolder, .. parts]));

    [Fact]
    public async Task ComposeFile_ComposeClientConfig_ValidatesWithExampleEnvironment()
    {
        var (client, prefix) = ComposeClient() ?? (null!, null!);
        if (client is null)
        {
            Assert.Skip("No Compose client here (neither `docker compose` nor `docker-compose`); install Debian's docker-compose to run this check.");
        }

        var (exitCode, output) = await RunAsync(client, [.. prefix, "-f", "docker-compose.yml", "--env-file", ".env.example", "config"]);

        Assert.True(exitCode == 0, "compose config failed:\n" + output);
        foreach (var service in new[] { "mosquitto:", "influxdb:", "grafana:", "edge-service:" })
        {
            Assert.Contains(service, output, StringComparison.Ordinal);
        }
    }

    [Fact]
    public async Task ComposeFile_NoEnvironment_RefusesToStartAndNamesTheMissingSecret()
    {
        var (client, prefix) = ComposeClient() ?? (null!, null!);
        if (client is null)
        {
            Assert.Skip("No Compose client here (neither `docker compose` nor `docker-compose`); install Debian's docker-compose to run this check.");
        }

        var empty = Path.Combine(Path.GetTempPath(), "wearable-edge-empty-" + Guid.NewGuid().ToString("N") + ".env");
        await File.WriteAllTextAsync(empty, "", TestContext.Current.CancellationToken);
        try
        {
            var (exitCode, output) = await RunAsync(client, [.. prefix, "-f", "docker-compose.yml", "--env-file", empty, "config"]);

            Assert.NotEqual(0, exitCode);
            Assert.Matches("(MQTT_HEALTHCHECK_PASSWORD|INFLUXDB_ADMIN_PASSWORD|INFLUXDB_TOKEN|GRAFANA_ADMIN_PASSWORD)", output);
        }
        finally
        {
            File.Delete(empty);
        }
    }

    [Fact]
    public void Dockerfile_RuntimeStage_IsMultiStageNonRootWithHealthCheckOnHealth()
    {
        var instructions = DockerInstructions(Read("Dockerfile"));

        var stages = instructions.Where(i => i.Keyword == "FROM").ToList();
        Assert.True(stages.Count >= 2, "a multi-stage build has at least two FROM lines");
        Assert.Matches(@"\bAS\s+build\b", stages[0].Arguments);
        var runtime = instructions.SkipWhile(i => i != stages[^1]).ToList();
        Assert.Contains(runtime, i => i.Keyword == "COPY" && i.Arguments.Contains("--from=build", StringComparison.Ordinal));
        var user = Assert.Single(runtime, i => i.Keyword == "USER").Arguments.Split(':')[0].Trim();
        Assert.DoesNotMatch("^(root|0)$", user);
        Assert.Contains(runtime, i => i.Keyword == "RUN" && i.Arguments.Contains("useradd", StringComparison.Ordinal) && i.Arguments.Contains(user, StringComparison.Ordinal));
        var healthCheck = Assert.Single(runtime, i => i.Keyword == "HEALTHCHECK").Arguments;
        Assert.Contains("/health", healthCheck, StringComparison.Ordinal);
        Assert.Contains("127.0.0.1/5080", healthCheck, StringComparison.Ordinal);
        var environment = string.Join(' ', runtime.Where(i => i.Keyword == "ENV").Select(i => i.Arguments));
        Assert.Contains("ASPNETCORE_URLS=http://127.0.0.1:5080", environment, StringComparison.Ordinal);
        Assert.Contains(runtime, i => i.Keyword == "ENTRYPOINT" && i.Arguments.Contains("WearableEdge.EdgeService.dll", StringComparison.Ordinal));
        Assert.All(instructions, i => Assert.Contains(i.Keyword, KnownDockerInstructions));
    }

    [Fact]
    public void Dockerfile_BuildStage_CopiesEveryProjectTheServiceBuildsFrom()
    {
        var root = RepositoryRoot();
        var instructions = DockerInstructions(Read("Dockerfile"));
        var buildStage = instructions.TakeWhile(i => i.Keyword != "FROM" || i == instructions.First(j => j.Keyword == "FROM")).ToList();
        var copied = buildStage.Where(i => i.Keyword == "COPY" && !i.Arguments.StartsWith("--from", StringComparison.Ordinal))
            .SelectMany(i => i.Arguments.Split(' ', StringSplitOptions.RemoveEmptyEntries)[..^1])
            .Select(source => source.TrimEnd('/'))
            .ToList();
        var ignored = Read("Dockerfile.dockerignore").Split('\n').Select(l => l.Trim().TrimEnd('/'))
            .Where(l => l.Length > 0 && !l.StartsWith('#') && !l.Contains('*', StringComparison.Ordinal)).ToList();

        var projects = new HashSet<string>(StringComparer.Ordinal);
        var pending = new Stack<string>([Path.Combine(root, "edge-service", "WearableEdge.EdgeService", "WearableEdge.EdgeService.csproj")]);
        while (pending.TryPop(out var project))
        {
            if (!projects.Add(Path.GetRelativePath(root, project).Replace('\\', '/')))
            {
                continue;
            }

            foreach (Match reference in ProjectReferenceInclude().Matches(File.ReadAllText(project)))
            {
                pending.Push(Path.GetFullPath(Path.Combine(Path.GetDirectoryName(project)!, reference.Groups[1].Value.Replace('\\', '/'))));
            }
        }

        Assert.Contains("device-sim/WearableEdge.DeviceSim/WearableEdge.DeviceSim.csproj", projects);
        foreach (var needed in projects.Concat(["global.json", "Directory.Build.props", "Directory.Packages.props", "BannedSymbols.txt"]))
        {
            Assert.True(copied.Any(source => needed == source || needed.StartsWith(source + "/", StringComparison.Ordinal)), $"the build stage does not COPY {needed}");
            Assert.False(ignored.Any(pattern => needed == pattern || needed.StartsWith(pattern + "/", StringComparison.Ordinal)), $"Dockerfile.dockerignore leaves out {needed}");
        }
    }

    [Fact]
    public void ComposeFile_EdgeServiceEnvironment_NamesOnlyRealConfigurationKeys()
    {
        var environment = ServiceEnvironment(Read("docker-compose.yml"), "edge-service");
        var sections = typeof(SyncOptions).Assembly.GetTypes()
            .Select(t => (Type: t, Field: t.GetField("SectionName", BindingFlags.Public | BindingFlags.Static)))
            .Where(x => x.Field is { IsLiteral: true } && x.Type.Name.EndsWith("Options", StringComparison.Ordinal))
            .ToLookup(x => (string)x.Field!.GetRawConstantValue()!, x => x.Type, StringComparer.Ordinal);

        var checkedKeys = 0;
        foreach (var key in environment.Keys.Where(k => k.Contains("__", StringComparison.Ordinal) && !k.StartsWith("Kestrel__", StringComparison.Ordinal)))
        {
            // Several options classes may share a section (Ingest): the key must be real in one of them.
            var path = key.Split("__");
            Assert.True(sections.Contains(path[0]), $"{key}: no options class has section '{path[0]}'");
            Assert.True(
                sections[path[0]].Any(type => HasSettablePath(type, path[1..])),
                $"{key}: no options class of section '{path[0]}' has a settable '{string.Join(':', path[1..])}'");

            checkedKeys++;
        }

        Assert.True(checkedKeys >= 8, $"only {checkedKeys} configuration keys found in the edge-service environment");
        Assert.Equal("http://influxdb:8086", environment["Sync__Url"]);
        Assert.StartsWith("mqtts://", environment["Mqtt__BrokerUrl"], StringComparison.Ordinal);
        Assert.DoesNotContain(environment, kv => kv.Key.EndsWith("Password", StringComparison.Ordinal) && !kv.Value.StartsWith("${", StringComparison.Ordinal));
    }

    private static bool HasSettablePath(Type type, IEnumerable<string> names)
    {
        foreach (var name in names)
        {
            var property = type.GetProperty(name, BindingFlags.Public | BindingFlags.Instance);
            if (property is not { CanWrite: true })
            {
                return false;
            }

            type = property.PropertyType;
        }

        return true;
    }

    [Fact]
    public void Dashboard_Panels_UseTheProvisionedDataSourceAndValidLayout()
    {
        var uid = Regex.Match(Read("grafana", "provisioning", "datasources", "influxdb.yml"), @"^\s*uid:\s*(\S+)\s*$", RegexOptions.Multiline).Groups[1].Value;
        Assert.Equal("wearable-edge-influxdb", uid);
        using var dashboard = JsonDocument.Parse(Read("grafana", "dashboards", "wearable-edge.json"));
        var root = dashboard.RootElement;
        Assert.False(string.IsNullOrEmpty(root.GetProperty("uid").GetString()));
        Assert.False(string.IsNullOrEmpty(root.GetProperty("title").GetString()));
        Assert.True(root.GetProperty("schemaVersion").GetInt32() >= 36, "schemaVersion of a Grafana 10/11 dashboard");

        var panels = root.GetProperty("panels").EnumerateArray().ToList();
        Assert.Equal(panels.Count, panels.Select(p => p.GetProperty("id").GetInt32()).Distinct().Count());
        var cells = new HashSet<(int X, int Y)>();
        foreach (var panel in panels)
        {
            var grid = panel.GetProperty("gridPos");
            var (x, y, w, h) = (grid.GetProperty("x").GetInt32(), grid.GetProperty("y").GetInt32(), grid.GetProperty("w").GetInt32(), grid.GetProperty("h").GetInt32());
            Assert.True(x >= 0 && w > 0 && x + w <= 24 && h > 0, $"panel {panel.GetProperty("title")} lies outside Grafana's 24-column grid");
            for (var cx = x; cx < x + w; cx++)
            {
                for (var cy = y; cy < y + h; cy++)
                {
                    Assert.True(cells.Add((cx, cy)), $"panel {panel.GetProperty("title")} overlaps another at ({cx},{cy})");
                }
            }

            Assert.Contains(panel.GetProperty("type").GetString(), new[] { "row", "timeseries", "table", "stat" });
            if (panel.GetProperty("type").GetString() == "row")
            {
                continue;
            }

            Assert.Equal(uid, panel.GetProperty("datasource").GetProperty("uid").GetString());
            foreach (var target in panel.GetProperty("targets").EnumerateArray())
            {
                Assert.Equal(uid, target.GetProperty("datasource").GetProperty("uid").GetString());
            }
        }

        foreach (var variable in root.GetProperty("templating").GetProperty("list").EnumerateArray())
        {
            Assert.Equal(uid, variable.GetProperty("datasource").GetProperty("uid").GetString());
        }
    }

    [Fact]
    public void Dashboard_FluxQueries_NameOnlyMeasurementsFieldsAndTagsTheServiceWrites()
    {
        var written = WrittenSchema();
        using var dashboard = JsonDocument.Parse(Read("grafana", "dashboards", "wearable-edge.json"));
        var root = dashboard.RootElement;
        var variables = root.GetProperty("templating").GetProperty("list").EnumerateArray().Select(v => v.GetProperty("name").GetString()!).ToHashSet();
        var queries = root.GetProperty("panels").EnumerateArray()
            .Where(p => p.TryGetProperty("targets", out _))
            .SelectMany(p => p.GetProperty("targets").EnumerateArray().Select(t => t.GetProperty("query").GetString()!))
            .Concat(root.GetProperty("templating").GetProperty("list").EnumerateArray().Select(v => v.GetProperty("query").GetString()!))
            .ToList();
        var used = new HashSet<string>(StringComparer.Ordinal);

        foreach (var query in queries)
        {
            var measurements = MeasurementFilter().Matches(query).Select(m => m.Groups[1].Value).ToList();
            var measurement = Assert.Single(measurements.Distinct());
            Assert.True(written.TryGetValue(measurement, out var schema), $"the service writes no measurement '{measurement}'");
            foreach (Match field in FieldFilter().Matches(query))
            {
                Assert.True(schema.Fields.Contains(field.Groups[1].Value), $"{measurement} has no field '{field.Groups[1].Value}'");
                used.Add(measurement + "." + field.Groups[1].Value);
            }

            foreach (Match tag in TagReference().Matches(query))
            {
                Assert.True(schema.Tags.Contains(tag.Groups[1].Value), $"{measurement} has no tag '{tag.Groups[1].Value}'");
            }

            foreach (Match group in GroupColumns().Matches(query))
            {
                foreach (var column in JsonSerializer.Deserialize<string[]>(group.Groups[1].Value)!)
                {
                    Assert.True(schema.Tags.Contains(column), $"{measurement} has no tag '{column}' to group by");
                }
            }

            foreach (Match tag in TagValuesCall().Matches(query))
            {
                Assert.True(schema.Tags.Contains(tag.Groups[1].Value), $"{measurement} has no tag '{tag.Groups[1].Value}'");
            }

            foreach (Match variable in VariableReference().Matches(query))
            {
                Assert.Contains(variable.Groups[1].Value, variables);
            }
        }

        // What the issue asks the dashboard to show: alerts by priority, vitals_1m trends, backlog, sync lag, dead letters.
        Assert.Contains(queries, q => q.Contains("r._measurement == \"alert\"", StringComparison.Ordinal) && q.Contains("\"priority\"", StringComparison.Ordinal));
        Assert.Contains("vitals_1m.heart_rate_mean", used);
        Assert.Contains("vitals_1m.spo2_mean", used);
        Assert.Contains("edge_health.outbox_entries", used);
        Assert.Contains("edge_health.tsdb_lag_seconds", used);
        Assert.Contains("edge_health.dead_letters", used);
    }

    /// <summary>Measurements, fields and tags as the service's line-protocol code writes them, read back from real lines.</summary>
    private static Dictionary<string, (HashSet<string> Tags, HashSet<string> Fields)> WrittenSchema()
    {
        var at = new DateTimeOffset(2025, 3, 1, 9, 0, 0, TimeSpan.Zero);
        var alert = TestAlerts.Alert() with { Probability = 0.8, ProbabilityLower = 0.7, ProbabilityUpper = 0.9 };
        var vitals = new MinuteSummary("p-001", at, 1, new Dictionary<string, MinuteVital>
        {
            ["heartRate"] = new(70, 68, 72, 1),
            ["spO2"] = new(97, 96, 98, 1),
            ["respirationRate"] = new(16, 15, 17, 1),
            ["temperature"] = new(37, 36.9, 37.1, 1),
            ["systolicBp"] = new(120, 118, 122, 1),
        });
        string[] lines =
        [
            AlertLineProtocol.ToLine(alert, at, "p-0123456789abcdef0123456789abcdef"),
            VitalsLineProtocol.ToLine(vitals, "p-0123456789abcdef0123456789abcdef"),
            EdgeHealthLineProtocol.ToLine(new EdgeHealthSnapshot(at, 1, 100, new TargetLag(1, 2), new TargetLag(0, 0), 0, 0, 0), "gw"),
        ];
        var schema = new Dictionary<string, (HashSet<string>, HashSet<string>)>(StringComparer.Ordinal);
        foreach (var line in lines)
        {
            var parts = line.Split(' ');
            var series = parts[0].Split(',');
            schema[series[0]] = (
                series[1..].Select(t => t.Split('=')[0]).ToHashSet(StringComparer.Ordinal),
                parts[1].Split(',').Select(f => f.Split('=')[0]).ToHashSet(StringComparer.Ordinal));
        }

        return schema;
    }

    private static readonly string[] KnownDockerInstructions =
        ["FROM", "ARG", "WORKDIR", "COPY", "ADD", "RUN", "ENV", "VOLUME", "EXPOSE", "USER", "HEALTHCHECK", "ENTRYPOINT", "CMD", "LABEL", "SHELL", "STOPSIGNAL", "ONBUILD"];

    /// <summary>Dockerfile instructions with continuation lines joined and comments dropped.</summary>
    private static List<(string Keyword, string Arguments)> DockerInstructions(string dockerfile)
    {
        var instructions = new List<(string, string)>();
        var current = "";
        foreach (var raw in dockerfile.Split('\n'))
        {
            var line = raw.TrimEnd('\r');
            if (current.Length == 0 && (line.TrimStart().StartsWith('#') || string.IsNullOrWhiteSpace(line)))
            {
                continue;
            }

            if (line.EndsWith('\\'))
            {
                current += line[..^1] + " ";
                continue;
            }

            current += line;
            var split = current.Trim().Split((char[]?)null, 2, StringSplitOptions.RemoveEmptyEntries);
            instructions.Add((split[0].ToUpperInvariant(), split.Length > 1 ? split[1] : ""));
            current = "";
        }

        return instructions;
    }

    /// <summary>The <c>environment:</c> map of one service in a compose file written as <c>KEY: value</c> lines.</summary>
    private static Dictionary<string, string> ServiceEnvironment(string compose, string service)
    {
        var lines = compose.Split('\n').Select(l => l.TrimEnd('\r')).ToList();
        var start = lines.FindIndex(l => l == $"  {service}:");
        Assert.True(start >= 0, $"service {service} not found");
        var environment = new Dictionary<string, string>(StringComparer.Ordinal);
        var inEnvironment = false;
        foreach (var line in lines.Skip(start + 1).TakeWhile(l => l.Length == 0 || l.StartsWith("   ", StringComparison.Ordinal) || l.TrimStart().StartsWith('#')))
        {
            if (line.TrimStart().StartsWith('#') || line.Length == 0)
            {
                continue;
            }

            if (Regex.IsMatch(line, @"^    \S"))
            {
                inEnvironment = line.Trim() == "environment:";
                continue;
            }

            if (inEnvironment && Regex.Match(line, @"^      ([A-Za-z_][A-Za-z0-9_]*):\s*(.*)$") is { Success: true } entry)
            {
                environment[entry.Groups[1].Value] = entry.Groups[2].Value.Trim().Trim('"');
            }
        }

        return environment;
    }

    /// <summary><c>docker compose</c> (the v2 plugin) or <c>docker-compose</c>, whichever is installed.</summary>
    private static (string Client, string[] Prefix)? ComposeClient()
    {
        if (OnPath("docker") is { } docker && RunAsync(docker, ["compose", "version"]).GetAwaiter().GetResult().ExitCode == 0)
        {
            return (docker, ["compose"]);
        }

        return OnPath("docker-compose") is { } compose ? (compose, []) : null;
    }

    private static string? OnPath(string name) =>
        (Environment.GetEnvironmentVariable("PATH") ?? "").Split(Path.PathSeparator)
            .Select(directory => Path.Combine(directory, name))
            .FirstOrDefault(File.Exists);

    private static async Task<(int ExitCode, string Output)> RunAsync(string fileName, string[] arguments)
    {
        var start = new ProcessStartInfo(fileName)
        {
            WorkingDirectory = ComposeFolder,
            RedirectStandardOutput = true,
            RedirectStandardError = true,
        };
        foreach (var argument in arguments)
        {
            start.ArgumentList.Add(argument);
        }

        // Only the env file decides: variables of the calling shell must not fill the compose file's gaps.
        foreach (var name in new[] { "MQTT_HEALTHCHECK_PASSWORD", "INFLUXDB_ADMIN_PASSWORD", "INFLUXDB_TOKEN", "GRAFANA_ADMIN_PASSWORD", "COMPOSE_PROJECT_NAME" })
        {
            start.Environment.Remove(name);
        }

        using var process = Process.Start(start)!;
        var output = process.StandardOutput.ReadToEndAsync();
        var error = process.StandardError.ReadToEndAsync();
        using var timeout = new CancellationTokenSource(TimeSpan.FromSeconds(60));
        await process.WaitForExitAsync(timeout.Token);
        return (process.ExitCode, await output + await error);
    }

    [GeneratedRegex("r\\._measurement == \"([^\"]+)\"")]
    private static partial Regex MeasurementFilter();

    [GeneratedRegex("r\\._field == \"([^\"]+)\"")]
    private static partial Regex FieldFilter();

    [GeneratedRegex(@"\br\.([a-z][a-z_]*)\b")]
    private static partial Regex TagReference();

    [GeneratedRegex(@"group\(columns: (\[[^\]]*\])\)")]
    private static partial Regex GroupColumns();

    [GeneratedRegex("tag: \"([^\"]+)\"")]
    private static partial Regex TagValuesCall();

    [GeneratedRegex("<ProjectReference Include=\"([^\"]+)\"")]
    private static partial Regex ProjectReferenceInclude();

    [GeneratedRegex(@"\$\{(\w+)(:\w+)?\}")]
    private static partial Regex VariableReference();
}

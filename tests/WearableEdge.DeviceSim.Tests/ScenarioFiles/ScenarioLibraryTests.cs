using WearableEdge.DeviceSim.CommandLine;

namespace WearableEdge.DeviceSim.Tests.ScenarioFiles;

public sealed class ScenarioLibraryTests : IDisposable
{
    private static readonly string[] Shipped = ["cardiac", "falls", "fever-sepsis", "mixed-ward-24h", "respiratory", "technical"];

    private readonly string _folder = Path.Combine(Path.GetTempPath(), $"scenarios-{Guid.NewGuid():N}");

    public ScenarioLibraryTests() => Directory.CreateDirectory(_folder);

    public void Dispose() => Directory.Delete(_folder, recursive: true);

    [Fact]
    public void Names_ShippedFilesNextToTheSimulator_DemoAndEveryFile()
    {
        Assert.Equal(["demo", .. Shipped], ScenarioLibrary.Names());
    }

    [Fact]
    public void Resolve_EveryShippedFile_ValidAndTogetherCoverEveryKind()
    {
        var sets = Shipped.Select(ScenarioLibrary.Resolve).ToList();

        Assert.Equal(Shipped, sets.Select(s => s.Name));
        Assert.All(sets, set =>
        {
            Assert.False(string.IsNullOrWhiteSpace(set.Description));
            Assert.NotNull(set.Seed);
            Assert.NotNull(set.Duration);
            Assert.InRange(set.Patients, 1, 16);
            Assert.All(set.Events, e => Assert.True(e.End <= set.Duration, $"{set.Name}: {e.PatientId} {e.Kind} ends after the run"));

            // The set's own options pass the simulator's validation.
            var options = TestWard.Options(set.Patients, set.Seed!.Value, [.. set.Events]) with { Duration = set.Duration };
            Assert.Empty(options.Problems());
        });
        Assert.Equal(Enum.GetValues<ScenarioKind>().Order(), sets.SelectMany(s => s.Events).Select(e => e.Kind).Distinct().Order());
        Assert.All(Enum.GetValues<ScenarioKind>(), kind =>
            Assert.Contains(ScenarioLibrary.Resolve("mixed-ward-24h").Events, e => e.Kind == kind));
    }

    [Fact]
    public void Resolve_Demo_TheBuiltInDemo()
    {
        var demo = ScenarioLibrary.Resolve("demo");

        Assert.Equal(Scenarios.Demo, demo.Events);
        Assert.Equal(Scenarios.DemoPatients, demo.Patients);
        Assert.Null(demo.Duration);
    }

    [Fact]
    public void Resolve_ValidFileByPath_EveryFieldRead()
    {
        var path = Write("""
            {
              // comments are allowed
              "name": "mine",
              "description": "two events",
              "patients": 3,
              "seed": 9,
              "duration": "1h30m",
              "events": [
                { "patient": "patient-003", "kind": "irregular-rhythm", "onset": "10m", "duration": "20m", "ramp": "5s" },
                { "patient": "patient-001", "kind": "battery-drain", "onset": "0", "duration": "1h", "deadFor": "15m" }
              ]
            }
            """);

        var set = ScenarioLibrary.Resolve(path);

        Assert.Equal(new ScenarioSet("mine", "two events", 3, 9, TimeSpan.FromMinutes(90), set.Events), set);
        Assert.Equal(
            [
                new ScenarioEvent("patient-003", ScenarioKind.IrregularRhythm, TimeSpan.FromMinutes(10), TimeSpan.FromMinutes(20)) { Ramp = TimeSpan.FromSeconds(5) },
                new ScenarioEvent("patient-001", ScenarioKind.BatteryDrain, TimeSpan.Zero, TimeSpan.FromHours(1)) { DeadFor = TimeSpan.FromMinutes(15) },
            ],
            set.Events);
    }

    [Fact]
    public void Resolve_NoNameNoOptionalFields_NameFromTheFileAndNulls()
    {
        var path = Write("""{ "patients": 1, "events": [] }""", "quiet.json");

        var set = ScenarioLibrary.Resolve(path);

        Assert.Equal(new ScenarioSet("quiet", null, 1, null, null, []), set with { Events = [] });
        Assert.Empty(set.Events);
    }

    [Theory]
    [InlineData("{ \"patients\": 2,\n  \"events\": [\n    { \"patient\": \"patient-001\", \"kind\": \"falls\", \"onset\": \"1m\", \"duration\": \"1m\" }\n  ]\n}", 3, "events[0].kind", "unknown kind 'falls'")]
    [InlineData("{ \"patients\": 2,\n  \"events\": [\n    { \"patient\": \"patient-001\", \"kind\": \"fall\", \"onset\": \"1m\", \"duration\": \"1m\", \"onsett\": \"2m\" }\n  ]\n}", 3, "events[0].onsett", "unknown field")]
    [InlineData("{ \"patients\": 2,\n  \"events\": [\n    { \"patient\": \"patient-003\", \"kind\": \"fall\", \"onset\": \"1m\", \"duration\": \"1m\" }\n  ]\n}", 3, "events[0].patient", "not one of the scenario's 2 patients")]
    [InlineData("{ \"patients\": 2,\n  \"events\": [\n    { \"patient\": \"bed-1\", \"kind\": \"fall\", \"onset\": \"1m\", \"duration\": \"1m\" }\n  ]\n}", 3, "events[0].patient", "ward id")]
    [InlineData("{ \"patients\": 2,\n  \"events\": [\n    { \"patient\": \"patient-002\", \"kind\": \"fall\", \"onset\": \"1m\", \"duration\": \"1m\" },\n    { \"patient\": \"patient-001\", \"kind\": \"fall\", \"onset\": \"1 minute\", \"duration\": \"1m\" }\n  ]\n}", 4, "events[1].onset", "must be a duration")]
    [InlineData("{ \"patients\": 2,\n  \"events\": [\n    { \"patient\": \"patient-001\", \"kind\": \"fall\", \"onset\": \"1m\", \"duration\": \"1m\", \"ramp\": \"1m\" }\n  ]\n}", 3, "events[0].ramp", "takes no ramp")]
    [InlineData("{ \"patients\": 2,\n  \"events\": [\n    { \"patient\": \"patient-001\", \"kind\": \"fever\", \"onset\": \"1m\", \"duration\": \"1m\", \"deadFor\": \"1m\" }\n  ]\n}", 3, "events[0].deadFor", "only a battery-drain")]
    [InlineData("{ \"patients\": 2, \"duration\": \"1h\",\n  \"events\": [\n    { \"patient\": \"patient-001\", \"kind\": \"fever\", \"onset\": \"50m\", \"duration\": \"20m\" }\n  ]\n}", 3, "events[0].duration", "after the scenario's duration")]
    [InlineData("{ \"patients\": 2,\n  \"events\": [\n    { \"patient\": \"patient-001\", \"kind\": \"fever\", \"onset\": \"1m\", \"duration\": \"0\" }\n  ]\n}", 3, "events[0].duration", "above 0")]
    [InlineData("{\n  \"patients\": 0,\n  \"events\": []\n}", 2, "patients", "1–9999")]
    [InlineData("{\n  \"patients\": 2,\n  \"seed\": \"x\",\n  \"events\": []\n}", 3, "seed", "32-bit integer")]
    [InlineData("{\n  \"patients\": 2,\n  \"event\": []\n}", 3, "event", "unknown field")]
    public void Resolve_BadFile_ErrorNamesFileLineAndField(string json, int line, string field, string problem)
    {
        var path = Write(json);

        var error = Assert.Throws<ScenarioFileException>(() => ScenarioLibrary.Resolve(path));

        Assert.Equal(path, error.File);
        Assert.Equal(line, error.Line);
        Assert.Equal(field, error.Field);
        Assert.StartsWith($"{path}:{line}: {field}: ", error.Message, StringComparison.Ordinal);
        Assert.Contains(problem, error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void Resolve_NotJson_ErrorNamesTheLine()
    {
        var path = Write("{\n  \"patients\": 2,\n  \"events\": [,]\n}");

        var error = Assert.Throws<ScenarioFileException>(() => ScenarioLibrary.Resolve(path));

        Assert.Equal(3, error.Line);
        Assert.Contains("not valid JSON", error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void Resolve_SeveralProblems_EveryOneListed()
    {
        var path = Write("{\n  \"patients\": 1,\n  \"events\": [\n    { \"patient\": \"patient-001\", \"kind\": \"x\", \"onset\": \"1m\", \"duration\": \"1m\" },\n    { \"patient\": \"patient-001\", \"kind\": \"fall\", \"onset\": \"-\", \"duration\": \"1m\" }\n  ]\n}");

        var error = Assert.Throws<ScenarioFileException>(() => ScenarioLibrary.Resolve(path));

        Assert.Contains($"{path}:4: events[0].kind", error.Message, StringComparison.Ordinal);
        Assert.Contains($"{path}:5: events[1].onset", error.Message, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData("no-such-scenario", "unknown scenario 'no-such-scenario'")]
    [InlineData("missing/file.json", "cannot read")]
    public void Resolve_UnknownNameOrMissingFile_ErrorListsTheNames(string nameOrPath, string problem)
    {
        var error = Assert.Throws<ScenarioFileException>(() => ScenarioLibrary.Resolve(nameOrPath));

        Assert.Contains(problem, error.Message, StringComparison.Ordinal);
        if (!nameOrPath.Contains('/', StringComparison.Ordinal))
        {
            Assert.Contains("falls", error.Message, StringComparison.Ordinal);
        }
    }

    [Fact]
    public void CommandLine_ScenarioName_TakesItsPatientsSeedAndDurationUnlessGiven()
    {
        var falls = ScenarioLibrary.Resolve("falls");

        var fromFile = SimulatorCommandLine.Parse(["--scenario", "falls"]).Options!;
        var overridden = SimulatorCommandLine.Parse(["--patients", "20", "--scenario", "falls", "--seed", "1", "--duration", "10m"]).Options!;

        Assert.Equal((falls.Patients, falls.Seed!.Value, falls.Duration), (fromFile.Patients, fromFile.Seed, fromFile.Duration));
        Assert.Equal(falls.Events, fromFile.Events);
        Assert.Equal((20, 1, TimeSpan.FromMinutes(10)), (overridden.Patients, overridden.Seed, overridden.Duration));
    }

    [Fact]
    public void CommandLine_ScenarioPathWithAProblem_ErrorNamesScenarioFileLineAndField()
    {
        var path = Write("{\n  \"patients\": 2,\n  \"events\": [\n    { \"patient\": \"patient-001\", \"kind\": \"falls\", \"onset\": \"1m\", \"duration\": \"1m\" }\n  ]\n}");

        var result = SimulatorCommandLine.Parse(["--scenario", path]);

        Assert.Null(result.Options);
        Assert.StartsWith($"--scenario: {path}:4: events[0].kind: unknown kind 'falls'", result.Error, StringComparison.Ordinal);
    }

    private string Write(string json, string name = "scenario.json")
    {
        var path = Path.Combine(_folder, name);
        File.WriteAllText(path, json);
        return path;
    }
}

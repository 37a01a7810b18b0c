using Microsoft.Extensions.Logging.Abstractions;
using Microsoft.Extensions.Options;
using Microsoft.Extensions.Time.Testing;
using WearableEdge.EdgeService.Scoring.Models;

namespace WearableEdge.EdgeService.Tests.Scoring;

public sealed class ModelRegistryTests : IDisposable
{
    private const string Id = "deterioration-sepsis-6h";
    private readonly TestDataDirectory _root = new();
    private readonly EdgeMetrics _metrics = TestMeterFactory.NewMetrics();
    private readonly FakeTimeProvider _time = new(new DateTimeOffset(2026, 1, 1, 0, 0, 0, TimeSpan.Zero));
    private readonly ModelRegistry _registry;

    public ModelRegistryTests()
    {
        _registry = new ModelRegistry(Options.Create(new ModelOptions { Path = _root.Path }), _metrics, _time, NullLogger<ModelRegistry>.Instance);
    }

    public void Dispose()
    {
        _registry.Dispose();
        _metrics.Dispose();
        _root.Dispose();
    }

    private static ModelProbability ScoreCenters(LoadedModel model)
    {
        var result = new ModelProbability[1];
        model.Score(model.References.ToArray(), result);
        return result[0];
    }

    [Fact]
    public void LoadAtStartup_TwoVersions_ServesHighest()
    {
        TestModels.Write(_root.Path, TestModels.Deterioration, Id, "1.2.0");
        TestModels.Write(_root.Path, TestModels.DeteriorationOther, Id, "1.10.0");
        TestModels.Write(_root.Path, TestModels.Fall, "fall-detection", "1.0.0");

        _registry.LoadAtStartup();

        Assert.Equal(["deterioration-sepsis-6h", "fall-detection"], _registry.Models.Keys);
        Assert.Equal("1.10.0", _registry.Current(Id)!.Version);
    }

    [Fact]
    public void LoadAtStartup_BadModel_Throws()
    {
        TestModels.Write(_root.Path, TestModels.Deterioration, Id, "1.0.0", m => m with { OnnxSha256 = new string('0', 64) });

        var error = Assert.Throws<ModelValidationException>(_registry.LoadAtStartup);

        Assert.Contains($"Model {Id} 1.0.0: SHA-256", error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void LoadAtStartup_NoFolder_ServesNothing()
    {
        using var registry = new ModelRegistry(
            Options.Create(new ModelOptions { Path = Path.Combine(_root.Path, "absent") }), _metrics, _time, NullLogger<ModelRegistry>.Instance);

        registry.LoadAtStartup();

        Assert.Empty(registry.Models);
    }

    [Fact]
    public async Task ReloadAsync_GoodNewVersion_SwapsAndDisposesOld()
    {
        TestModels.Write(_root.Path, TestModels.Deterioration, Id, "1.0.0");
        _registry.LoadAtStartup();
        var old = _registry.Current(Id)!;
        TestModels.Write(_root.Path, TestModels.DeteriorationOther, Id, "1.1.0");

        var outcomes = await _registry.ReloadAsync(TestContext.Current.CancellationToken);

        Assert.Equal([new ModelReloadOutcome(Id, "1.1.0", "loaded", null)], outcomes);
        var current = _registry.Current(Id)!;
        Assert.Equal("1.1.0", current.Version);
        Assert.Equal(TestModels.Manifest(TestModels.DeteriorationOther, Id, "1.1.0").OnnxSha256, current.Manifest.OnnxSha256);
        Assert.Throws<ObjectDisposedException>(() => ScoreCenters(old));
        Assert.InRange(ScoreCenters(current).Probability, 0, 1);
        Assert.Null(_registry.LastError);
    }

    [Fact]
    public async Task ReloadAsync_BadNewVersion_KeepsOldServingAndReportsError()
    {
        TestModels.Write(_root.Path, TestModels.Deterioration, Id, "1.0.0");
        _registry.LoadAtStartup();
        var old = _registry.Current(Id)!;
        var before = ScoreCenters(old);
        TestModels.Write(_root.Path, TestModels.DeteriorationOther, Id, "2.0.0", m => m with
        {
            Inputs = m.Inputs with { Features = [.. m.Inputs.Features.Reverse()] },
        });

        var outcomes = await _registry.ReloadAsync(TestContext.Current.CancellationToken);

        var outcome = Assert.Single(outcomes);
        Assert.Equal("failed", outcome.Outcome);
        Assert.Same(old, _registry.Current(Id));
        Assert.Equal(before, ScoreCenters(old));
        var error = _registry.LastError!;
        Assert.Equal((Id, "2.0.0"), (error.ModelId, error.Version));
        Assert.Contains("feature 1 is 'age_years' in model.json but 'heartRate_last' in the Clinical code", error.Message, StringComparison.Ordinal);
        Assert.Equal(1, _registry.ReloadFailures);
        Assert.Contains($"wearable_edge_model_reload_failures_total{{model=\"{Id}\"}} 1", _metrics.ToPrometheusText(), StringComparison.Ordinal);
    }

    [Fact]
    public async Task ReloadAsync_NothingNew_KeepsSameInstance()
    {
        TestModels.Write(_root.Path, TestModels.Deterioration, Id, "1.0.0");
        _registry.LoadAtStartup();
        var old = _registry.Current(Id);

        var outcomes = await _registry.ReloadAsync(TestContext.Current.CancellationToken);

        Assert.Equal("unchanged", Assert.Single(outcomes).Outcome);
        Assert.Same(old, _registry.Current(Id));
    }

    [Fact]
    public async Task ReloadAsync_WhileBatchesRun_NeverUsesDisposedModelUnnoticed()
    {
        TestModels.Write(_root.Path, TestModels.Deterioration, Id, "1.0.0");
        _registry.LoadAtStartup();
        using var stop = new CancellationTokenSource();
        var rows = TestModels.RandomRows(TestModels.Deterioration, 64, seed: 5).SelectMany(r => r).ToArray();
        var scored = 0;
        var retired = 0;
        var scoring = Task.Run(
            () =>
            {
                var results = new ModelProbability[64];
                while (!stop.IsCancellationRequested)
                {
                    var model = _registry.Current(Id)!;
                    try
                    {
                        model.Score(rows, results);
                        Assert.All(results, p => Assert.InRange(p.Probability, 0, 1));
                        Interlocked.Increment(ref scored);
                    }
                    catch (ObjectDisposedException)
                    {
                        // Swapped out between Current and Score: the caller takes the new one.
                        Interlocked.Increment(ref retired);
                    }
                }
            },
            TestContext.Current.CancellationToken);

        // On a busy machine the scoring task may start late: the swaps must happen while it scores.
        while (Volatile.Read(ref scored) == 0 && !scoring.IsCompleted)
        {
            await Task.Delay(5, TestContext.Current.CancellationToken);
        }

        for (var v = 1; v <= 5; v++)
        {
            TestModels.Write(_root.Path, v % 2 == 0 ? TestModels.Deterioration : TestModels.DeteriorationOther, Id, $"1.{v}.0");
            await _registry.ReloadAsync(TestContext.Current.CancellationToken);
        }

        await stop.CancelAsync();
        await scoring;
        Assert.Equal("1.5.0", _registry.Current(Id)!.Version);
        Assert.True(scored > 0);
        Assert.True(retired <= 5, $"{retired} calls met a retired model; at most one per swap can");
    }

    [Fact]
    public async Task Watcher_NewVersionFolderAppears_IsLoadedAfterDebounce()
    {
        TestModels.Write(_root.Path, TestModels.Deterioration, Id, "1.0.0");
        var options = Options.Create(new ModelOptions { Path = _root.Path, ReloadDebounce = TimeSpan.FromMilliseconds(200) });
        using var registry = new ModelRegistry(options, _metrics, TimeProvider.System, NullLogger<ModelRegistry>.Instance);
        using var watcher = new ModelFolderWatcher(registry, options, TimeProvider.System, NullLogger<ModelFolderWatcher>.Instance);
        await watcher.StartAsync(TestContext.Current.CancellationToken);
        try
        {
            Assert.Equal("1.0.0", registry.Current(Id)!.Version);

            TestModels.Write(_root.Path, TestModels.DeteriorationOther, Id, "1.1.0");

            await Polling.WaitUntilAsync(
                () => registry.Current(Id)!.Version == "1.1.0" || watcher.ExecuteTask!.IsCompleted,
                "the watcher loads version 1.1.0",
                timeout: TimeSpan.FromSeconds(5));
            Assert.False(watcher.ExecuteTask!.IsFaulted, watcher.ExecuteTask.Exception?.ToString());
            Assert.True("1.1.0" == registry.Current(Id)!.Version, $"serving {registry.Current(Id)!.Version}; last error: {registry.LastError}");
        }
        finally
        {
            await watcher.StopAsync(TestContext.Current.CancellationToken);
        }
    }

    [Theory]
    [InlineData("1.0.0", "1.0.0")]
    [InlineData("2", "2.0")]
    [InlineData("1.2.3-rc1", "1.2.3")]
    public void VersionKey_ParsesSemanticVersionCore(string folder, string expected) =>
        Assert.Equal(Version.Parse(expected), ModelRegistry.VersionKey(folder));

    [Fact]
    public void VersionKey_NotAVersion_IsNull() => Assert.Null(ModelRegistry.VersionKey("latest"));
}

using System.Text.Json;
using System.Threading.Channels;
using Microsoft.Extensions.Logging.Abstractions;
using Microsoft.Extensions.Options;
using Microsoft.Extensions.Time.Testing;
using WearableEdge.Clinical.Alerts;
using WearableEdge.Contracts;
using WearableEdge.EdgeService.Alerts;
using WearableEdge.EdgeService.Scoring;
using WearableEdge.EdgeService.Scoring.Models;
using WearableEdge.EdgeService.Storage;
using WearableEdge.EdgeService.Sync;
using WearableEdge.EdgeService.Tests.Scoring;
using WearableEdge.EdgeService.Tests.Sync;

namespace WearableEdge.EdgeService.Tests.Alerts;

public sealed class ModelAlertServiceTests : IDisposable
{
    private static readonly DateTimeOffset T0 = new(2026, 1, 1, 8, 0, 0, TimeSpan.Zero);
    private static readonly ModelProvenance Deterioration = new("deterioration-sepsis-6h", "1.0.0", new string('a', 64), "deterioration", FeatureSetKind.HourlyTrends);
    private static readonly ModelProvenance Fall = new("fall-detection", "1.0.0", new string('b', 64), "fall", FeatureSetKind.MotionWindow);

    private readonly TestDataDirectory _folder = new();
    private readonly FakeTimeProvider _time = new(T0.AddHours(10));
    private readonly EdgeMetrics _metrics = TestMeterFactory.NewMetrics();
    private readonly Channel<ModelScore> _scores = Channel.CreateUnbounded<ModelScore>();

    public void Dispose()
    {
        _metrics.Dispose();
        _folder.Dispose();
    }

    private ModelAlertService NewService(AlertStore? store = null) => new(
        _scores.Reader,
        store!,
        Options.Create(new ModelOptions()),
        Options.Create(new AlertOptions()),
        _metrics,
        _time,
        NullLogger<ModelAlertService>.Instance);

    private static ModelScore Score(ModelProvenance model, DateTimeOffset end, double p, AlertPriority? priority, string patientId = "p-1") => new(
        patientId,
        model,
        end - (model.Kind == FeatureSetKind.MotionWindow ? TimeSpan.FromSeconds(4) : TimeSpan.FromHours(6)),
        end,
        new ModelProbability(p, p - 0.11, p + 0.13),
        priority,
        [new ModelInputValue("spO2_slope_6h", "SpO2 trend", -4, "%/h", "PT6H"), new ModelInputValue("age_years", "Age", 65, "a", "P0D")],
        [
            new ModelExplanation("spO2_slope_6h", "SpO2 trend \u22124.0 %/h", -4, 0, 0.21),
            new ModelExplanation("heartRate_mean_6h", "Heart rate 6 h mean 112 /min", 112, 70, 0.08),
        ],
        ["systolicBp", "age"],
        0.9);

    /// <summary>Evaluates and, as the service does once stored, records the transition.</summary>
    private static AlertTransition? Step(ModelAlertService service, ModelScore score)
    {
        var transition = service.Evaluate(score);
        if (transition is not null)
        {
            service.Committed(score, transition);
        }

        return transition;
    }

    [Fact]
    public void Describe_CarriesProvenanceIntervalWindowInputsAndReason()
    {
        var score = Score(Deterioration, T0, 0.42, AlertPriority.Medium);

        var alert = ModelAlertService.Describe(score, AlertPriority.Medium);

        Assert.Equal(("deterioration", "medium", "model"), (alert.Type, alert.Priority, alert.ScoreSourceKind));
        Assert.Equal(("deterioration-sepsis-6h", "1.0.0", new string('a', 64)), (alert.ScoreSourceId, alert.ScoreSourceVersion, alert.ScoreSourceSha256));
        Assert.Equal((0.42, 0.31, 0.55), (alert.Probability, alert.ProbabilityLower, alert.ProbabilityUpper));
        Assert.Equal((T0.AddHours(-6), T0), (alert.WindowStart, alert.WindowEnd));
        Assert.Equal(["spO2_slope_6h", "age_years"], alert.Features!.Select(f => f.Name));
        Assert.Equal(["spO2_slope_6h", "heartRate_mean_6h"], alert.TopFeatures!.Select(f => f.Name));
        Assert.Equal(["systolicBp", "age"], alert.NotAssessed);
        Assert.Equal(
            "Deterioration risk 42 % (31\u201355 %) from model deterioration-sepsis-6h 1.0.0: SpO2 trend \u22124.0 %/h, Heart rate 6 h mean 112 /min",
            alert.Reason);
    }

    [Fact]
    public void Evaluate_Deterioration_RaisesEscalatesAndResolvesAfterClearDelay()
    {
        var service = NewService();

        var raised = Step(service, Score(Deterioration, T0, 0.6, AlertPriority.Medium));
        var escalated = Step(service, Score(Deterioration, T0.AddHours(1), 0.9, AlertPriority.High));
        var stillHigh = Step(service, Score(Deterioration, T0.AddHours(2), 0.6, AlertPriority.Medium));
        var firstBelow = Step(service, Score(Deterioration, T0.AddHours(3), 0.1, null));
        var secondBelow = Step(service, Score(Deterioration, T0.AddHours(4), 0.1, null));
        var resolved = Step(service, Score(Deterioration, T0.AddHours(5), 0.1, null));

        Assert.Equal((AlertTransition.Raised, "medium"), (raised!.Action, raised.Alert.Priority));
        Assert.Equal((AlertTransition.Escalated, "high", raised.Alert.Id), (escalated!.Action, escalated.Alert.Priority, escalated.Alert.Id));
        Assert.Equal(0.9, escalated.Alert.Probability);
        Assert.Null(stillHigh);
        Assert.Null(firstBelow);
        Assert.Null(secondBelow);
        Assert.Equal((AlertTransition.Resolved, "resolved", raised.Alert.Id), (resolved!.Action, resolved.Alert.Status, resolved.Alert.Id));
        Assert.Equal(T0.AddHours(5), resolved.Alert.ResolvedAt);
    }

    [Fact]
    public void Evaluate_Fall_RaisesAtOnceOncePerRefractoryPeriod()
    {
        var service = NewService();

        var first = Step(service, Score(Fall, T0, 0.7, AlertPriority.Medium));
        var sameFall = Step(service, Score(Fall, T0.AddSeconds(0.5), 0.7, AlertPriority.Medium));
        var worse = Step(service, Score(Fall, T0.AddSeconds(1), 0.95, AlertPriority.High));
        var below = Step(service, Score(Fall, T0.AddSeconds(30), 0.01, null));
        var nextFall = Step(service, Score(Fall, T0.AddSeconds(61), 0.9, AlertPriority.High));

        Assert.Equal((AlertTransition.Raised, T0), (first!.Action, first.Alert.RaisedAt));
        Assert.Null(sameFall);
        Assert.Equal((AlertTransition.Escalated, first.Alert.Id, "high"), (worse!.Action, worse.Alert.Id, worse.Alert.Priority));
        Assert.Null(below);
        Assert.Equal(AlertTransition.Raised, nextFall!.Action);
        Assert.NotEqual(first.Alert.Id, nextFall.Alert.Id);
    }

    [Fact]
    public void Evaluate_OldData_IsMarkedLate()
    {
        var service = NewService();

        var raised = Step(service, Score(Fall, T0, 0.9, AlertPriority.High));

        Assert.True(raised!.Alert.Late);
        Assert.Equal(T0.AddHours(10), raised.Alert.StoredAt);
    }

    [Fact]
    public async Task ExecuteAsync_RealModelScore_StoresAlertWithProvenanceIntervalAndOutboxEntry()
    {
        using var models = new TestDataDirectory();
        using var model = ModelLoader.Load(TestModels.Write(models.Path, TestModels.Fall, "fall-detection", "1.0.0"), 64, _time);
        var (x, y, z) = ModelScoringServiceTests.FallSamples();
        var features = new float[12];
        Clinical.Features.Motion.FallFeatures.Compute(x, y, z, features);
        var score = Assert.Single(ModelScoringService.Score(model, [new ModelScoringService.DueRow("p-7", T0, T0.AddSeconds(4), features, [], 1.0)], emitBelowThreshold: false, _metrics));
        var database = await _folder.MigratedDatabaseAsync();
        var mqtt = new RecordingOutboxTarget("mqtt");
        var store = new AlertStore(database, [mqtt], new OutboxSignal(), _time);
        using var service = NewService(store);
        await service.StartAsync(TestContext.Current.CancellationToken);

        await _scores.Writer.WriteAsync(score, TestContext.Current.CancellationToken);

        IReadOnlyList<AlertMessage> stored = [];
        await Polling.WaitUntilAsync(
            async () => (stored = await store.GetActiveAsync(TestContext.Current.CancellationToken)).Count > 0,
            "the fall alert is in the local store");
        await service.StopAsync(TestContext.Current.CancellationToken);
        var alert = Assert.Single(stored);
        Assert.Equal(("fall", "model", "fall-detection", "1.0.0"), (alert.Type, alert.ScoreSourceKind, alert.ScoreSourceId, alert.ScoreSourceVersion));
        Assert.Equal(model.Manifest.OnnxSha256, alert.ScoreSourceSha256);
        Assert.InRange(alert.Probability!.Value, alert.ProbabilityLower!.Value, alert.ProbabilityUpper!.Value);
        Assert.Equal((T0, T0.AddSeconds(4)), (alert.WindowStart, alert.WindowEnd));
        Assert.Equal(12, alert.Features!.Count);
        Assert.InRange(alert.TopFeatures!.Count, 1, 3);
        Assert.StartsWith("Fall probability ", alert.Reason, StringComparison.Ordinal);
        Assert.Contains("from model fall-detection 1.0.0: ", alert.Reason, StringComparison.Ordinal);
        Assert.Equal(1, await SqlQueries.CountAsync(database, "SELECT COUNT(*) FROM outbox WHERE target = 'mqtt' AND action = 'raised';"));
        TestContext.Current.TestOutputHelper?.WriteLine(JsonSerializer.Serialize(alert, new JsonSerializerOptions(ContractJsonContext.Default.Options) { WriteIndented = true }));
    }
}

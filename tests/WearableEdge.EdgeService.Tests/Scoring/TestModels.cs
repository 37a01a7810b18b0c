using System.Security.Cryptography;
using System.Text.Json;
using Microsoft.ML;
using Microsoft.ML.Data;
using WearableEdge.Clinical.Features;
using WearableEdge.Clinical.Features.Motion;
using WearableEdge.Clinical.Features.Trends;
using WearableEdge.Contracts;
using WearableEdge.EdgeService.Scoring.Models;

namespace WearableEdge.EdgeService.Tests.Scoring;

/// <summary>A small real model made with ML.NET: a bagged FastTree ensemble exported to ONNX, with the ML.NET chain kept for comparison.</summary>
internal sealed record TrainedModel(
    string FeatureSet,
    IReadOnlyList<ModelFeature> Features,
    float[] Centers,
    byte[] Onnx,
    string InputName,
    IReadOnlyList<string> OutputNames,
    MLContext Context,
    ITransformer Chain,
    int Members);

/// <summary>
/// Trains small models for the serving tests, with ML.NET as the training uses it: per
/// ensemble member a FastTree binary classifier on its own subsample, chained with a copy of each
/// member's raw <c>Score</c>, exported with <c>ConvertToOnnx</c> from a schema without the label.
/// The data are synthetic: a known rule over a few features, so explanations have a right answer.
/// </summary>
internal static class TestModels
{
    public const float Platt_A = 1.0f;
    public const float Platt_B = -0.5f;

    private static readonly Lazy<TrainedModel> LazyDeterioration = new(() => Train(DeteriorationFeatures.FeatureSetId, seed: 7));
    private static readonly Lazy<TrainedModel> LazyFall = new(() => Train(FallFeatures.FeatureSetId, seed: 11));
    private static readonly Lazy<TrainedModel> LazyDeteriorationOther = new(() => Train(DeteriorationFeatures.FeatureSetId, seed: 8));

    public static TrainedModel Deterioration => LazyDeterioration.Value;

    /// <summary>Another deterioration model (another seed): a new version for swap tests.</summary>
    public static TrainedModel DeteriorationOther => LazyDeteriorationOther.Value;

    public static TrainedModel Fall => LazyFall.Value;

    /// <summary>The signal: deterioration from heart rate (feature 0) up and SpO2 trend (feature 6) down; a fall from peak acceleration (1) and tilt (11).</summary>
    public static double Signal(string featureSet, ReadOnlySpan<float> row) => featureSet == FallFeatures.FeatureSetId
        ? ((row[1] - 1.2) / 0.5) + ((row[11] - 10) / 30)
        : ((row[0] - 70) / 8) - (row[6] / 1.0);

    public static float[] CentersOf(string featureSet) => featureSet == FallFeatures.FeatureSetId
        ? [0.9f, 1.2f, 1.0f, 0.1f, 0f, 0f, 2f, 5f, 0.1f, 0.05f, 1.0f, 10f]
        : [.. DeteriorationFeatures.Signs.SelectMany(s => new[] { (float)DeteriorationFeatures.ReferenceValue(s), (float)DeteriorationFeatures.ReferenceValue(s), 0f, 0f }), 65f];

    private static float[] SpreadsOf(string featureSet) => featureSet == FallFeatures.FeatureSetId
        ? [0.2f, 0.6f, 0.1f, 0.1f, 0.1f, 0.5f, 1f, 3f, 0.1f, 0.05f, 0.1f, 30f]
        : [.. Enumerable.Range(0, 5).SelectMany(_ => new[] { 8f, 6f, 1f, 2f }), 10f];

    public static TrainedModel Train(string featureSet, int seed, int members = 3)
    {
        FeatureSets.TryGet(featureSet, out var features, out _);
        var width = features.Count;
        var centers = CentersOf(featureSet);
        var spreads = SpreadsOf(featureSet);
        var random = new Random(seed);
        var rows = new List<LabelledRow>();
        for (var i = 0; i < 1_500; i++)
        {
            var values = new float[width];
            for (var k = 0; k < width; k++)
            {
                values[k] = centers[k] + (spreads[k] * (float)Gaussian(random));
            }

            rows.Add(new LabelledRow { Features = values, Label = Signal(featureSet, values) + (0.5 * Gaussian(random)) > 1.0 });
        }

        var context = new MLContext(seed);
        var labelled = SchemaDefinition.Create(typeof(LabelledRow));
        labelled[nameof(LabelledRow.Features)].ColumnType = new VectorDataViewType(NumberDataViewType.Single, width);
        var unlabelled = SchemaDefinition.Create(typeof(FeatureRow));
        unlabelled[nameof(FeatureRow.Features)].ColumnType = new VectorDataViewType(NumberDataViewType.Single, width);

        var all = context.Data.LoadFromEnumerable(rows, labelled);
        var inputOnly = context.Data.LoadFromEnumerable(rows.Select(r => new FeatureRow { Features = r.Features }), unlabelled);
        var parts = new List<ITransformer>();
        IDataView flowing = all;
        var scoreNames = new List<string>();
        for (var m = 0; m < members; m++)
        {
            var subsample = context.Data.LoadFromEnumerable(rows.Where((_, i) => i % members != m), labelled);
            var trainer = context.BinaryClassification.Trainers.FastTree(new Microsoft.ML.Trainers.FastTree.FastTreeBinaryTrainer.Options
            {
                NumberOfTrees = 20,
                NumberOfLeaves = 6,
                MinimumExampleCountPerLeaf = 10,
                LabelColumnName = nameof(LabelledRow.Label),
                FeatureColumnName = nameof(LabelledRow.Features),
                Seed = seed + m,
            });
            var member = trainer.Fit(subsample);
            flowing = member.Transform(flowing);
            var name = $"Score{m}";
            var copy = context.Transforms.CopyColumns(name, "Score").Fit(flowing);
            flowing = copy.Transform(flowing);
            parts.Add(member);
            parts.Add(copy);
            scoreNames.Add(name);
        }

        var chain = new TransformerChain<ITransformer>([.. parts]);
        using var stream = new MemoryStream();
        context.Model.ConvertToOnnx(chain, inputOnly, stream, [.. scoreNames]);
        var onnx = stream.ToArray();

        using var session = new Microsoft.ML.OnnxRuntime.InferenceSession(onnx);
        var outputNames = scoreNames.Select(s => session.OutputMetadata.Keys.Single(k => k == s || k.StartsWith(s + ".", StringComparison.Ordinal))).ToList();
        return new TrainedModel(featureSet, features, centers, onnx, session.InputMetadata.Keys.Single(), outputNames, context, chain, members);
    }

    /// <summary>ML.NET's own member scores for <paramref name="rows"/>, calibrated as the manifest says: mean, min, max.</summary>
    public static ModelProbability[] MlNetProbabilities(TrainedModel model, IReadOnlyList<float[]> rows)
    {
        var schema = SchemaDefinition.Create(typeof(FeatureRow));
        schema[nameof(FeatureRow.Features)].ColumnType = new VectorDataViewType(NumberDataViewType.Single, model.Features.Count);
        var data = model.Context.Data.LoadFromEnumerable(rows.Select(r => new FeatureRow { Features = r }), schema);
        var scored = model.Chain.Transform(data);
        var members = Enumerable.Range(0, model.Members)
            .Select(m => scored.GetColumn<float>($"Score{m}").ToArray())
            .ToArray();
        return [.. Enumerable.Range(0, rows.Count).Select(i =>
        {
            var p = members.Select(s => 1.0 / (1.0 + Math.Exp(-((Platt_A * s[i]) + Platt_B)))).ToArray();
            return new ModelProbability(p.Average(), p.Min(), p.Max());
        })];
    }

    public static ModelManifest Manifest(TrainedModel model, string id, string version) => new()
    {
        SchemaVersion = 1,
        Id = id,
        Version = version,
        Task = model.FeatureSet == FallFeatures.FeatureSetId ? "Test: a fall in the 4 s window." : "Test: sepsis onset within 6 h.",
        AlertType = model.FeatureSet == FallFeatures.FeatureSetId ? "fall" : "deterioration",
        FeatureSet = model.FeatureSet,
        Inputs = new ModelInputs
        {
            TensorName = model.InputName,
            Features = [.. model.Features.Select((f, k) => new ModelInputFeature
            {
                Name = f.Name,
                Unit = f.Unit,
                Window = f.Window,
                Label = f.Label,
                Reference = model.Centers[k],
            })],
        },
        Outputs = new ModelOutputs { ScoreTensorNames = model.OutputNames, Meaning = "FastTree raw margin per member." },
        Calibration = new ModelCalibration { Method = "platt", A = Platt_A, B = Platt_B, FittedOn = "nothing: a test model" },
        Uncertainty = new ModelUncertainty { Method = "subbagged-ensemble", Members = model.Members, Interval = "min-max of member probabilities" },
        Thresholds =
        [
            new ModelThreshold { Priority = "high", Probability = 0.8, ExpectedSensitivity = 0.3, AlertsPerPatientDay = 0.1 },
            new ModelThreshold { Priority = "medium", Probability = 0.5, ExpectedSensitivity = 0.6, AlertsPerPatientDay = 0.5 },
        ],
        TrainingData = new ModelTrainingData { Name = "synthetic test rows", Licence = "none", Citation = "none", Patients = 0, Hours = 0 },
        Evaluation = [new ModelMetric { Name = "auroc", Value = 0.9, Lower = 0.85, Upper = 0.95 }],
        Seed = 7,
        OnnxSha256 = Convert.ToHexStringLower(SHA256.HashData(model.Onnx)),
    };

    /// <summary>Writes <c>&lt;root&gt;/&lt;id&gt;/&lt;version&gt;/</c> with the three files; <paramref name="edit"/> changes the manifest first.</summary>
    public static string Write(string root, TrainedModel model, string id, string version, Func<ModelManifest, ModelManifest>? edit = null)
    {
        var directory = Path.Combine(root, id, version);
        Directory.CreateDirectory(directory);
        var manifest = Manifest(model, id, version);
        manifest = edit?.Invoke(manifest) ?? manifest;
        File.WriteAllBytes(Path.Combine(directory, ModelLoader.OnnxFile), model.Onnx);
        File.WriteAllText(Path.Combine(directory, ModelLoader.ModelCardFile), $"# {id} {version}\n\nA test model on synthetic rows; not for use.\n");
        File.WriteAllText(Path.Combine(directory, ModelLoader.ManifestFile), JsonSerializer.Serialize(manifest, ModelManifestJsonContext.Default.ModelManifest));
        return directory;
    }

    /// <summary>A row of the model's feature centres (its references), with some features set.</summary>
    public static float[] Row(TrainedModel model, params (int Index, float Value)[] set)
    {
        var row = (float[])model.Centers.Clone();
        foreach (var (index, value) in set)
        {
            row[index] = value;
        }

        return row;
    }

    public static IReadOnlyList<float[]> RandomRows(TrainedModel model, int count, int seed)
    {
        var random = new Random(seed);
        var spreads = SpreadsOf(model.FeatureSet);
        return [.. Enumerable.Range(0, count).Select(_ => model.Centers.Select((c, k) => c + (spreads[k] * 1.5f * (float)Gaussian(random))).ToArray())];
    }

    private static double Gaussian(Random random) =>
        Math.Sqrt(-2 * Math.Log(1 - random.NextDouble())) * Math.Cos(2 * Math.PI * random.NextDouble());

    private sealed class LabelledRow
    {
        public float[] Features { get; set; } = [];

        public bool Label { get; set; }
    }

    private sealed class FeatureRow
    {
        public float[] Features { get; set; } = [];
    }
}

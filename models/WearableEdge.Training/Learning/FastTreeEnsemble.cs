using Microsoft.ML;
using Microsoft.ML.Data;
using Microsoft.ML.Trainers.FastTree;

namespace WearableEdge.Training.Learning;

/// <summary>Hyper-parameters of the boosted trees and of the cross-validation.</summary>
/// <param name="Folds">Subject-grouped folds; also the number of ensemble members.</param>
/// <param name="Trees">Boosted trees per member.</param>
/// <param name="Leaves">Leaves per tree.</param>
/// <param name="MinimumRowsPerLeaf">Smallest number of training rows a leaf may hold.</param>
/// <param name="LearningRate">Shrinkage of each tree.</param>
/// <param name="Seed">Seed of ML.NET and of the fold shuffle.</param>
internal sealed record EnsembleOptions(
    int Folds = 5,
    int Trees = 100,
    int Leaves = 20,
    int MinimumRowsPerLeaf = 50,
    double LearningRate = 0.1,
    int Seed = 2019);

/// <summary>
/// The result of subject-grouped K-fold training: K FastTree members (member k never saw fold k),
/// their out-of-fold raw scores, the Platt scaling fitted on those scores, and the calibrated
/// out-of-fold probabilities every evaluation figure is computed from.
/// </summary>
internal sealed class CrossValidatedEnsemble
{
    private CrossValidatedEnsemble(
        MLContext ml, FeatureTable table, EnsembleOptions options, IReadOnlyList<ITransformer> members,
        int[] foldOfSubject, double[] outOfFoldScores, PlattScaling calibration)
    {
        Ml = ml;
        Table = table;
        Options = options;
        Members = members;
        FoldOfSubject = foldOfSubject;
        OutOfFoldScores = outOfFoldScores;
        Calibration = calibration;
        OutOfFoldProbabilities = Array.ConvertAll(outOfFoldScores, calibration.Probability);
    }

    public MLContext Ml { get; }

    public FeatureTable Table { get; }

    public EnsembleOptions Options { get; }

    public IReadOnlyList<ITransformer> Members { get; }

    public int[] FoldOfSubject { get; }

    /// <summary>Raw score of each row from the member that did not train on it.</summary>
    public double[] OutOfFoldScores { get; }

    public PlattScaling Calibration { get; }

    /// <summary>Calibrated probability of each row from the member that did not train on it.</summary>
    public double[] OutOfFoldProbabilities { get; }

    /// <summary>Trains the members. Deterministic: one thread, seeded context, seeded folds.</summary>
    /// <param name="table">The rows.</param>
    /// <param name="stratum">Stratum per subject for the folds (for example 1 when the patient becomes septic).</param>
    /// <param name="options">Trees and folds.</param>
    /// <param name="log">Progress lines (no subject identifiers).</param>
    public static CrossValidatedEnsemble Train(FeatureTable table, IReadOnlyList<int> stratum, EnsembleOptions options, Action<string> log)
    {
        ArgumentNullException.ThrowIfNull(table);
        ArgumentNullException.ThrowIfNull(options);
        ArgumentNullException.ThrowIfNull(log);
        var ml = new MLContext(options.Seed);
        var foldOfSubject = SubjectFolds.Assign(stratum, options.Folds, options.Seed);
        var scores = new double[table.RowCount];
        var members = new List<ITransformer>();
        for (var k = 0; k < options.Folds; k++)
        {
            var trainRows = Enumerable.Range(0, table.RowCount).Where(r => foldOfSubject[table.Subject(r)] != k).ToArray();
            var testRows = Enumerable.Range(0, table.RowCount).Where(r => foldOfSubject[table.Subject(r)] == k).ToArray();
            var trainer = ml.BinaryClassification.Trainers.FastTree(new FastTreeBinaryTrainer.Options
            {
                NumberOfTrees = options.Trees,
                NumberOfLeaves = options.Leaves,
                MinimumExampleCountPerLeaf = options.MinimumRowsPerLeaf,
                LearningRate = options.LearningRate,
                NumberOfThreads = 1,
                FeatureColumnName = ModelRow.FeaturesColumn,
                LabelColumnName = ModelRow.LabelColumn,
            });
            var member = trainer.Fit(ModelRow.Load(ml, table, trainRows, withLabel: true));
            members.Add(member);
            var heldOut = Scores(ml, member, table, testRows);
            for (var i = 0; i < testRows.Length; i++)
            {
                scores[testRows[i]] = heldOut[i];
            }

            log($"member {k + 1}/{options.Folds}: trained on {trainRows.Length} rows, scored {testRows.Length} held-out rows");
        }

        var labels = Enumerable.Range(0, table.RowCount).Select(table.Label).ToArray();
        var calibration = PlattScaling.Fit(scores, labels);
        return new CrossValidatedEnsemble(ml, table, options, members, foldOfSubject, scores, calibration);
    }

    /// <summary>Raw scores of <paramref name="rows"/> from one member, as ML.NET computes them.</summary>
    public static float[] Scores(MLContext ml, ITransformer member, FeatureTable table, IReadOnlyList<int> rows)
    {
        ArgumentNullException.ThrowIfNull(ml);
        ArgumentNullException.ThrowIfNull(member);
        var scored = member.Transform(ModelRow.Load(ml, table, rows, withLabel: false));
        return scored.GetColumn<float>(ScoreColumn).ToArray();
    }

    /// <summary>Name of a member's raw score column in ML.NET.</summary>
    public const string ScoreColumn = "Score";

    /// <summary>Column (and ONNX output) holding member k's raw score.</summary>
    public static string MemberScoreColumn(int k) => $"Score{k}";

    /// <summary>
    /// One transformer chain holding every member, each member's raw score copied to
    /// <see cref="MemberScoreColumn"/> before the next member overwrites <c>Score</c>.
    /// </summary>
    public ITransformer EnsembleChain()
    {
        var rows = Enumerable.Range(0, Math.Min(Table.RowCount, 16)).ToArray();
        IDataView current = ModelRow.Load(Ml, Table, rows, withLabel: false);
        var transformers = new List<ITransformer>();
        for (var k = 0; k < Members.Count; k++)
        {
            current = Members[k].Transform(current);
            transformers.Add(Members[k]);
            var copy = Ml.Transforms.CopyColumns(MemberScoreColumn(k), ScoreColumn).Fit(current);
            current = copy.Transform(current);
            transformers.Add(copy);
        }

        return new TransformerChain<ITransformer>([.. transformers]);
    }

    /// <summary>
    /// Writes the whole ensemble as one ONNX graph whose input is the float vector
    /// <c>Features</c> (no label) and whose outputs are the members' raw scores.
    /// </summary>
    public byte[] ExportOnnx()
    {
        var rows = Enumerable.Range(0, Math.Min(Table.RowCount, 16)).ToArray();
        var input = ModelRow.Load(Ml, Table, rows, withLabel: false);
        using var stream = new MemoryStream();
        var outputs = Enumerable.Range(0, Members.Count).Select(MemberScoreColumn).ToArray();
        Ml.Model.ConvertToOnnx(EnsembleChain(), input, stream, outputs);
        return stream.ToArray();
    }
}

/// <summary>The row ML.NET sees: a fixed-length float vector and, for training only, a label.</summary>
public sealed class ModelRow
{
    public const string FeaturesColumn = "Features";
    public const string LabelColumn = "Label";

    public float[] Features { get; set; } = [];

    public bool Label { get; set; }

    /// <summary>
    /// A data view of <paramref name="rows"/>; without the label column when
    /// <paramref name="withLabel"/> is false, which is the schema ONNX export must see
    /// (FACTS.md: otherwise the label becomes a required input).
    /// </summary>
    internal static IDataView Load(MLContext ml, FeatureTable table, IReadOnlyList<int> rows, bool withLabel)
    {
        var vector = new VectorDataViewType(NumberDataViewType.Single, table.FeatureCount);
        if (withLabel)
        {
            var definition = SchemaDefinition.Create(typeof(ModelRow));
            definition[nameof(Features)].ColumnType = vector;
            return ml.Data.LoadFromEnumerable(rows.Select(r => new ModelRow { Features = table.Row(r).ToArray(), Label = table.Label(r) }).ToList(), definition);
        }

        var unlabelled = SchemaDefinition.Create(typeof(ServingRow));
        unlabelled[nameof(ServingRow.Features)].ColumnType = vector;
        return ml.Data.LoadFromEnumerable(rows.Select(r => new ServingRow { Features = table.Row(r).ToArray() }).ToList(), unlabelled);
    }
}

/// <summary>The serving schema: features only, no label.</summary>
public sealed class ServingRow
{
    public float[] Features { get; set; } = [];
}

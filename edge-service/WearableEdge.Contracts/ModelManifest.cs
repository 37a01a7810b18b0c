namespace WearableEdge.Contracts;

/// <summary>
/// <c>models/&lt;id&gt;/&lt;version&gt;/model.json</c>: everything needed to serve a trained ONNX model
/// and to judge it — what it predicts, which inputs in which order, how its raw outputs become a
/// calibrated probability with an interval, at which thresholds it alerts, what it was trained
/// on and how well it did. Written by <c>models/WearableEdge.Training</c>, read by the service.
/// </summary>
public sealed record ModelManifest
{
    /// <summary>Manifest format version; this is 1.</summary>
    public required int SchemaVersion { get; init; }

    /// <summary>Model id, for example <c>deterioration-sepsis-6h</c>; also the folder name.</summary>
    public required string Id { get; init; }

    /// <summary>Semantic version, for example <c>1.0.0</c>; also the version folder name.</summary>
    public required string Version { get; init; }

    /// <summary>What it predicts, in one sentence.</summary>
    public required string Task { get; init; }

    /// <summary>The alert type a model alert carries, for example <c>deterioration</c> or <c>fall</c>.</summary>
    public required string AlertType { get; init; }

    /// <summary>Feature set id of the Clinical code that computes the inputs, for example <c>deterioration-hourly-v1</c>.</summary>
    public required string FeatureSet { get; init; }

    /// <summary>The model's inputs.</summary>
    public required ModelInputs Inputs { get; init; }

    /// <summary>The model's outputs and what they mean.</summary>
    public required ModelOutputs Outputs { get; init; }

    /// <summary>How a raw output becomes a probability.</summary>
    public required ModelCalibration Calibration { get; init; }

    /// <summary>How the uncertainty interval is computed.</summary>
    public required ModelUncertainty Uncertainty { get; init; }

    /// <summary>Operating thresholds on the calibrated probability, one per alert priority, highest priority first.</summary>
    public required IReadOnlyList<ModelThreshold> Thresholds { get; init; }

    /// <summary>The data the model was trained and evaluated on.</summary>
    public required ModelTrainingData TrainingData { get; init; }

    /// <summary>Evaluation figures by name, for example <c>auroc</c>, each with its 95 % interval.</summary>
    public required IReadOnlyList<ModelMetric> Evaluation { get; init; }

    /// <summary>The random seed training used; same data and seed give a byte-identical <c>model.onnx</c>.</summary>
    public required int Seed { get; init; }

    /// <summary>SHA-256 of <c>model.onnx</c>, lower-case hex.</summary>
    public required string OnnxSha256 { get; init; }
}

/// <summary>The input tensor and the features it holds, in order.</summary>
public sealed record ModelInputs
{
    /// <summary>Name of the single float input tensor, shape [batch, features].</summary>
    public required string TensorName { get; init; }

    /// <summary>The features in tensor order.</summary>
    public required IReadOnlyList<ModelInputFeature> Features { get; init; }
}

/// <summary>One input feature.</summary>
public sealed record ModelInputFeature
{
    public required string Name { get; init; }

    /// <summary>UCUM-style unit.</summary>
    public required string Unit { get; init; }

    /// <summary>Window it is computed over, ISO 8601 duration.</summary>
    public required string Window { get; init; }

    /// <summary>Words a nurse reads.</summary>
    public required string Label { get; init; }

    /// <summary>
    /// Training median, used to explain a prediction: the score change when this feature is set
    /// to its median says how much it pushed the score.
    /// </summary>
    public required double Reference { get; init; }
}

/// <summary>The output tensors.</summary>
public sealed record ModelOutputs
{
    /// <summary>Raw score tensors, one per ensemble member, each shape [batch] or [batch, 1].</summary>
    public required IReadOnlyList<string> ScoreTensorNames { get; init; }

    /// <summary>What the raw score means and how it maps to the predicted event.</summary>
    public required string Meaning { get; init; }
}

/// <summary>Platt scaling: probability = 1 / (1 + exp(−(<see cref="A"/> · score + <see cref="B"/>))).</summary>
public sealed record ModelCalibration
{
    /// <summary><c>platt</c>.</summary>
    public required string Method { get; init; }

    public required double A { get; init; }

    public required double B { get; init; }

    /// <summary>What it was fitted on, for example out-of-fold predictions of patient-grouped cross-validation.</summary>
    public required string FittedOn { get; init; }
}

/// <summary>How the probability interval is made.</summary>
public sealed record ModelUncertainty
{
    /// <summary><c>subbagged-ensemble</c>: members trained on different patient subsets.</summary>
    public required string Method { get; init; }

    /// <summary>Ensemble members in the graph.</summary>
    public required int Members { get; init; }

    /// <summary>How the interval is read from the members' calibrated probabilities.</summary>
    public required string Interval { get; init; }
}

/// <summary>An operating threshold and what evaluation expects of it.</summary>
public sealed record ModelThreshold
{
    /// <summary><c>high</c>, <c>medium</c> or <c>low</c>.</summary>
    public required string Priority { get; init; }

    /// <summary>Alert when the calibrated probability is at or above this.</summary>
    public required double Probability { get; init; }

    /// <summary>Sensitivity at this threshold in evaluation (definition in the model card).</summary>
    public required double ExpectedSensitivity { get; init; }

    /// <summary>Alerts per patient-day at this threshold in evaluation.</summary>
    public required double AlertsPerPatientDay { get; init; }
}

/// <summary>The training data.</summary>
public sealed record ModelTrainingData
{
    public required string Name { get; init; }

    public required string Licence { get; init; }

    public required string Citation { get; init; }

    public required int Patients { get; init; }

    public required double Hours { get; init; }
}

/// <summary>An evaluation figure with its 95 % confidence interval.</summary>
public sealed record ModelMetric
{
    public required string Name { get; init; }

    public required double Value { get; init; }

    public double? Lower { get; init; }

    public double? Upper { get; init; }
}

namespace WearableEdge.Contracts;

/// <summary>
/// <c>wearable-edge/alerts/{patientId}</c>: an alert the service raised, after it was stored.
/// Republished, with the same <see cref="Id"/>, whenever its state changes.
/// </summary>
public sealed record AlertMessage
{
    public required int SchemaVersion { get; init; }
    public required string Id { get; init; }
    public required string PatientId { get; init; }

    /// <summary>Alert type, for example <c>news2</c>.</summary>
    public required string Type { get; init; }

    /// <summary><c>high</c>, <c>medium</c> or <c>low</c> (IEC 60601-1-8 words).</summary>
    public required string Priority { get; init; }

    /// <summary><c>active</c>, <c>acknowledged</c>, <c>silenced</c> or <c>resolved</c> (docs/contract.md, "Alert lifecycle").</summary>
    public required string Status { get; init; }

    /// <summary>Device time at which the condition was confirmed.</summary>
    public required DateTimeOffset RaisedAt { get; init; }

    /// <summary>Gateway time at which the alert was stored.</summary>
    public required DateTimeOffset StoredAt { get; init; }

    /// <summary>Device time at which the alert resolved, if it did.</summary>
    public DateTimeOffset? ResolvedAt { get; init; }

    /// <summary>The score that produced the alert (NEWS2 total for <c>news2</c>).</summary>
    public required double Score { get; init; }

    /// <summary>Why it fired, in words a nurse reads.</summary>
    public required string Reason { get; init; }

    /// <summary>The alert rule that turned the score into this alert, and its version.</summary>
    public required string RuleId { get; init; }
    public required string RuleVersion { get; init; }

    /// <summary>Whether the score came from a clinical <c>rule</c> or a trained <c>model</c>.</summary>
    public required string ScoreSourceKind { get; init; }

    /// <summary>The rule or model that computed the score, for example <c>news2-wearable</c>.</summary>
    public required string ScoreSourceId { get; init; }

    /// <summary>Version of the scoring rule table or model.</summary>
    public required string ScoreSourceVersion { get; init; }

    /// <summary>SHA-256 of the model file; absent for rules.</summary>
    public string? ScoreSourceSha256 { get; init; }

    /// <summary>Calibrated probability (0–1) of the predicted event, for model alerts; absent for rules.</summary>
    public double? Probability { get; init; }

    /// <summary>Lower bound of the probability's uncertainty interval, for model alerts.</summary>
    public double? ProbabilityLower { get; init; }

    /// <summary>Upper bound of the probability's uncertainty interval, for model alerts.</summary>
    public double? ProbabilityUpper { get; init; }

    /// <summary>Fraction (0–1) of the window's sample slots that held data.</summary>
    public required double Completeness { get; init; }

    /// <summary>Inputs the score could not assess (for NEWS2: parameters a wearable does not give).</summary>
    public required IReadOnlyList<string> NotAssessed { get; init; }

    /// <summary>Start and end of the feature window (device time) the score was computed over.</summary>
    public required DateTimeOffset WindowStart { get; init; }
    public required DateTimeOffset WindowEnd { get; init; }

    /// <summary>True when the alert concerns data older than the live threshold (backfilled data).</summary>
    public required bool Late { get; init; }

    /// <summary>The parameters and values that produced the score (rule alerts; empty for model alerts).</summary>
    public required IReadOnlyList<AlertParameter> Parameters { get; init; }

    /// <summary>True for a technical alert (about the wearable, for example <c>device-off</c>), absent or false for a clinical one.</summary>
    public bool? Technical { get; init; }

    /// <summary>Gateway time at which staff acknowledged the alert.</summary>
    public DateTimeOffset? AcknowledgedAt { get; init; }

    /// <summary>Who acknowledged it (user name or app id).</summary>
    public string? AcknowledgedBy { get; init; }

    /// <summary>Gateway time at which a silence ends and the alert re-alerts, while it is silenced.</summary>
    public DateTimeOffset? SilencedUntil { get; init; }

    /// <summary>The reason staff gave for the silence, while it is silenced.</summary>
    public string? SilenceReason { get; init; }

    /// <summary>Device time at which the condition was last seen while the alert was open.</summary>
    public DateTimeOffset? LastSeenAt { get; init; }

    /// <summary>The worst value seen while the alert was open (highest NEWS2 total, lowest SpO2 %, lowest battery %).</summary>
    public double? PeakScore { get; init; }

    /// <summary>Model alerts: every input feature value the model saw, in its input order; absent for rules.</summary>
    public IReadOnlyList<AlertFeature>? Features { get; init; }

    /// <summary>
    /// Model alerts: up to three features that pushed the probability up most, largest first
    /// (occlusion: each set to its training median and scored again); absent for rules.
    /// </summary>
    public IReadOnlyList<AlertFeatureContribution>? TopFeatures { get; init; }
}

/// <summary>One input feature of a model alert.</summary>
public sealed record AlertFeature
{
    /// <summary>Machine name, as in the model manifest, for example <c>spO2_slope_6h</c>.</summary>
    public required string Name { get; init; }

    /// <summary>Words a nurse reads, for example <c>SpO2 trend</c>.</summary>
    public required string Label { get; init; }

    public required double Value { get; init; }

    /// <summary>UCUM-style unit of <see cref="Value"/>; <c>1</c> when dimensionless.</summary>
    public required string Unit { get; init; }

    /// <summary>Window the feature is computed over, ISO 8601 duration.</summary>
    public required string Window { get; init; }
}

/// <summary>A feature that pushed a model's probability up.</summary>
public sealed record AlertFeatureContribution
{
    public required string Name { get; init; }

    /// <summary>The feature and its value in words a nurse reads, for example <c>SpO2 trend −4.0 %/h</c>.</summary>
    public required string Description { get; init; }

    public required double Value { get; init; }

    /// <summary>The training median the value was compared with.</summary>
    public required double Reference { get; init; }

    /// <summary>Probability with the real value minus probability with the median (0–1).</summary>
    public required double ProbabilityChange { get; init; }
}

/// <summary>One input of an alert's score: the measured value, its unit and the points it scored.</summary>
public sealed record AlertParameter
{
    /// <summary>Parameter name, for example <c>respirationRate</c>.</summary>
    public required string Name { get; init; }

    /// <summary>LOINC code of the measurement.</summary>
    public required string Loinc { get; init; }

    public required double Value { get; init; }

    /// <summary>UCUM unit of <see cref="Value"/>.</summary>
    public required string Unit { get; init; }

    /// <summary>Points this parameter contributed to the score.</summary>
    public required int Points { get; init; }
}

/// <summary><c>wearable-edge/dead-letter</c>: a payload the service rejected, and why.</summary>
public sealed record DeadLetterMessage
{
    public required int SchemaVersion { get; init; }

    /// <summary>Topic the payload arrived on.</summary>
    public required string Topic { get; init; }

    /// <summary>Stable machine-readable reason, for example <c>malformed-json</c>.</summary>
    public required string Reason { get; init; }

    /// <summary>Human-readable detail of the rejection.</summary>
    public required string Detail { get; init; }

    /// <summary>Gateway time at which the payload was received.</summary>
    public required DateTimeOffset ReceivedAt { get; init; }

    /// <summary>The raw payload, byte for byte, in base64.</summary>
    public required string PayloadBase64 { get; init; }
}

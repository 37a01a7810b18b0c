using System.Globalization;
using System.Xml;
using Hl7.Fhir.Model;
using Hl7.Fhir.Serialization;
using WearableEdge.Contracts;

namespace WearableEdge.EdgeService.Fhir;

/// <summary>
/// Renders a stored alert as a FHIR R4 resource: a model alert as a <see cref="RiskAssessment"/>,
/// a rule alert (NEWS2 and other rules, technical alerts) as a <see cref="DetectedIssue"/>.
/// Pure: the same alert and subject give the same resource. Called on request only, never on the
/// ingest path (the Firely model is reflection-heavy on first use).
/// </summary>
/// <remarks>The mapping, field by field, is in docs/contract.md ("FHIR R4 rendering").</remarks>
public static class AlertFhirRenderer
{
    /// <summary>Media type of the JSON rendering (FHIR R4 §http, "application/fhir+json").</summary>
    public const string MediaType = "application/fhir+json";

    /// <summary>The resource for <paramref name="alert"/>: RiskAssessment for a model alert, DetectedIssue otherwise.</summary>
    public static DomainResource Render(AlertMessage alert, FhirSubject subject)
    {
        ArgumentNullException.ThrowIfNull(alert);
        return IsModelAlert(alert) ? RenderRiskAssessment(alert, subject) : RenderDetectedIssue(alert, subject);
    }

    /// <summary>The resource for <paramref name="alert"/> as FHIR JSON.</summary>
    public static string RenderJson(AlertMessage alert, FhirSubject subject, bool pretty = true) => Render(alert, subject).ToJson(pretty);

    /// <summary>True when a trained model produced the alert's score.</summary>
    public static bool IsModelAlert(AlertMessage alert)
    {
        ArgumentNullException.ThrowIfNull(alert);
        return string.Equals(alert.ScoreSourceKind, "model", StringComparison.Ordinal);
    }

    /// <summary>
    /// A model alert as a RiskAssessment: <c>prediction.probabilityDecimal</c> holds the calibrated
    /// point probability as a percentage (R4 expresses it in percent, max 100: the comment on
    /// <c>prediction.probability[x]</c> and invariant ras-2); its interval is the
    /// <see cref="FhirCodes.ProbabilityIntervalExtension"/> Range on the prediction, in UCUM <c>%</c> like ras-1 asks of a probabilityRange; <c>basis</c> lists every input feature as a contained Observation;
    /// <c>method</c> and <c>performer</c> name the model, its version and the SHA-256 of its file.
    /// </summary>
    public static RiskAssessment RenderRiskAssessment(AlertMessage alert, FhirSubject subject)
    {
        ArgumentNullException.ThrowIfNull(alert);
        ArgumentNullException.ThrowIfNull(subject);
        var patient = PatientReference(subject);
        var assessment = new RiskAssessment
        {
            Id = alert.Id,
            Identifier = [AlertIdentifier(alert)],
            Status = ObservationStatus.Final,
            Code = AlertTypeConcept(alert),
            Subject = patient,
            Occurrence = new FhirDateTime(alert.WindowEnd),
            Method = new CodeableConcept
            {
                Coding = [new Coding(FhirCodes.ScoreSourceSystem, alert.ScoreSourceId) { Version = alert.ScoreSourceVersion }],
                Text = ModelText(alert),
            },
            Performer = new ResourceReference("#model"),
        };

        assessment.Contained.Add(ScoringDevice(alert));
        var features = alert.Features ?? [];
        for (var i = 0; i < features.Count; i++)
        {
            var observation = FeatureObservation(alert, features[i], patient, $"feature-{i + 1}");
            assessment.Contained.Add(observation);
            assessment.Basis.Add(new ResourceReference("#" + observation.Id) { Display = features[i].Label });
        }

        var prediction = new RiskAssessment.PredictionComponent
        {
            Outcome = AlertTypeConcept(alert),
            Probability = alert.Probability is { } p ? new FhirDecimal(Percent(p)) : null,
            Rationale = alert.TopFeatures is { Count: > 0 } top ? "Raised most by: " + string.Join("; ", top.Select(t => t.Description)) : null,
        };
        if (alert.ProbabilityLower is { } lower && alert.ProbabilityUpper is { } upper)
        {
            prediction.Extension.Add(new Extension(
                FhirCodes.ProbabilityIntervalExtension,
                new Hl7.Fhir.Model.Range { Low = ProbabilityQuantity(lower), High = ProbabilityQuantity(upper) }));
        }

        assessment.Prediction.Add(prediction);
        assessment.Note.Add(new Annotation { Text = alert.Reason });
        assessment.Note.Add(new Annotation { Text = Circumstances(alert) });
        return assessment;
    }

    /// <summary>
    /// A rule alert as a DetectedIssue: severity from the IEC 60601-1-8 priority word,
    /// <c>detail</c> the reason, <c>identified</c> the time raised (a Period to the resolution once
    /// resolved), <c>evidence</c> the rule's inputs as contained vital-signs Observations.
    /// </summary>
    public static DetectedIssue RenderDetectedIssue(AlertMessage alert, FhirSubject subject)
    {
        ArgumentNullException.ThrowIfNull(alert);
        ArgumentNullException.ThrowIfNull(subject);
        var patient = PatientReference(subject);
        var code = AlertTypeConcept(alert);
        code.Coding.Add(new Coding(FhirCodes.AlertRuleSystem, alert.RuleId) { Version = alert.RuleVersion });
        var issue = new DetectedIssue
        {
            Id = alert.Id,
            Identifier = [AlertIdentifier(alert)],
            Status = ObservationStatus.Final,
            Code = code,
            Severity = Severity(alert.Priority),
            Patient = patient,
            Identified = alert.ResolvedAt is { } resolved
                ? new Period(new FhirDateTime(alert.RaisedAt), new FhirDateTime(resolved))
                : new FhirDateTime(alert.RaisedAt),
            Author = new ResourceReference("#rule"),
            Detail = alert.Reason.TrimEnd('.') + ". " + Circumstances(alert),
        };

        issue.Contained.Add(ScoringDevice(alert));
        if (alert.Parameters.Count > 0)
        {
            var evidence = new DetectedIssue.EvidenceComponent();
            for (var i = 0; i < alert.Parameters.Count; i++)
            {
                var observation = ParameterObservation(alert, alert.Parameters[i], patient, $"parameter-{i + 1}");
                issue.Contained.Add(observation);
                evidence.Detail.Add(new ResourceReference("#" + observation.Id) { Display = alert.Parameters[i].Name });
            }

            issue.Evidence.Add(evidence);
        }

        return issue;
    }

    /// <summary>
    /// IEC 60601-1-8 priority word → DetectedIssue.severity: high → high, medium → moderate,
    /// low → low; null (severity left out, it is optional) for any other word, which the detail
    /// text still names, so that a new priority word never makes an alert unreadable.
    /// </summary>
    public static DetectedIssue.DetectedIssueSeverity? Severity(string priority) => priority switch
    {
        "high" => DetectedIssue.DetectedIssueSeverity.High,
        "medium" => DetectedIssue.DetectedIssueSeverity.Moderate,
        "low" => DetectedIssue.DetectedIssueSeverity.Low,
        _ => null,
    };

    /// <summary>
    /// The UCUM code for a unit as the manifests and contracts write it. They use UCUM already, with
    /// two exceptions: <c>g</c> for acceleration in multiples of standard gravity, which in UCUM is
    /// gram (standard gravity is <c>[g]</c>); and <c>Cel/…</c> for a temperature trend, where
    /// <c>Cel</c> is a special unit on an interval scale that UCUM does not combine with others,
    /// while a temperature difference of 1 °C is 1 <c>K</c>.
    /// </summary>
    public static string UcumCode(string unit)
    {
        ArgumentNullException.ThrowIfNull(unit);
        return unit switch
        {
            "g" => "[g]",
            _ when unit.StartsWith("g/", StringComparison.Ordinal) => "[g]" + unit[1..],
            _ when unit.StartsWith("Cel/", StringComparison.Ordinal) => "K" + unit[3..],
            _ => unit,
        };
    }

    private static Identifier AlertIdentifier(AlertMessage alert) => new(FhirCodes.AlertIdSystem, alert.Id);

    private static ResourceReference PatientReference(FhirSubject subject) =>
        new() { Type = "Patient", Identifier = new Identifier(subject.System, subject.Value) };

    private static CodeableConcept AlertTypeConcept(AlertMessage alert) => new()
    {
        Coding = [new Coding(FhirCodes.AlertTypeSystem, alert.Type)],
        Text = alert.Type switch
        {
            "news2" => "NEWS2 (Royal College of Physicians 2017) at or above the alert threshold",
            "deterioration" => "Clinical deterioration",
            "fall" => "Fall",
            var other => other,
        },
    };

    private static string ModelText(AlertMessage alert) => string.Create(
        CultureInfo.InvariantCulture,
        $"Model {alert.ScoreSourceId} {alert.ScoreSourceVersion}, ONNX SHA-256 {alert.ScoreSourceSha256 ?? "unknown"}");

    /// <summary>The rule or model that computed the score, as a contained software Device.</summary>
    private static Device ScoringDevice(AlertMessage alert)
    {
        var isModel = IsModelAlert(alert);
        var device = new Device
        {
            Id = isModel ? "model" : "rule",
            Type = new CodeableConcept { Coding = [new Coding(FhirCodes.ScoreSourceSystem, alert.ScoreSourceId)], Text = isModel ? "Trained model" : "Scoring rule" },
            DeviceName = [new Device.DeviceNameComponent { Name = alert.ScoreSourceId, Type = DeviceNameType.ModelName }],
            Version = [new Device.VersionComponent { Value = alert.ScoreSourceVersion }],
        };
        if (alert.ScoreSourceSha256 is { Length: > 0 } sha)
        {
            device.Identifier.Add(new Identifier(FhirCodes.ModelSha256System, sha));
        }

        return device;
    }

    private static Observation FeatureObservation(AlertMessage alert, AlertFeature feature, ResourceReference patient, string id) => new()
    {
        Id = id,
        Status = ObservationStatus.Final,
        Code = new CodeableConcept
        {
            Coding = [new Coding(FhirCodes.ModelFeatureSystem, feature.Name, feature.Label)],
            Text = feature.Name,
        },
        Subject = patient,
        Effective = FeaturePeriod(alert.WindowEnd, feature.Window),
        Value = new Quantity { Value = ToDecimal(feature.Value), Unit = feature.Unit, System = FhirCodes.Ucum, Code = UcumCode(feature.Unit) },
    };

    /// <summary>
    /// A rule input as an Observation; with a LOINC code it claims the R4 vital-signs profile
    /// (category vital-signs, LOINC code, UCUM quantity, subject, effective period).
    /// </summary>
    private static Observation ParameterObservation(AlertMessage alert, AlertParameter parameter, ResourceReference patient, string id)
    {
        var observation = new Observation
        {
            Id = id,
            Status = ObservationStatus.Final,
            Code = new CodeableConcept { Text = parameter.Name },
            Subject = patient,
            Effective = new Period(new FhirDateTime(alert.WindowStart), new FhirDateTime(alert.WindowEnd)),
            Value = new Quantity { Value = ToDecimal(parameter.Value), Unit = parameter.Unit, System = FhirCodes.Ucum, Code = UcumCode(parameter.Unit) },
            Interpretation = [new CodeableConcept { Text = string.Create(CultureInfo.InvariantCulture, $"{parameter.Points} NEWS2 points") }],
        };
        if (parameter.Loinc.Length > 0)
        {
            observation.Meta = new Meta { Profile = [FhirCodes.VitalSignsProfile] };
            observation.Category.Add(new CodeableConcept(FhirCodes.ObservationCategory, "vital-signs", "Vital Signs", null));
            observation.Code.Coding.Add(new Coding(FhirCodes.Loinc, parameter.Loinc));
            if (parameter.Loinc == FhirCodes.LoincSpO2ByPulseOximetry)
            {
                // The R4 oxygensat profile requires 2708-6; 59408-5 says it was measured by pulse oximetry (FACTS.md).
                observation.Code.Coding.Add(new Coding(FhirCodes.Loinc, FhirCodes.LoincOxygenSaturation));
            }
        }

        return observation;
    }

    /// <summary>The feature's window (ISO 8601 duration) ending at the alert window's end; the end alone when the duration does not parse.</summary>
    private static DataType FeaturePeriod(DateTimeOffset end, string window)
    {
        try
        {
            return new Period(new FhirDateTime(end - XmlConvert.ToTimeSpan(window)), new FhirDateTime(end));
        }
        catch (FormatException)
        {
            return new FhirDateTime(end);
        }
    }

    private static Quantity ProbabilityQuantity(double probability) =>
        new() { Value = Percent(probability), Unit = "%", System = FhirCodes.Ucum, Code = "%" };

    /// <summary>A probability (0–1) in percent, exactly, without trailing zeros that would claim precision: 0.4237 → 42.37, 0.42 → 42.</summary>
    private static decimal Percent(double probability) => ToDecimal(probability) * 100m / 1.0000000000000000000000000000m;

    /// <summary>Priority, status, completeness and the inputs the score could not assess, in one sentence.</summary>
    private static string Circumstances(AlertMessage alert)
    {
        var text = string.Create(
            CultureInfo.InvariantCulture,
            $"Priority {alert.Priority} (IEC 60601-1-8), status {alert.Status}, data completeness {Math.Round(alert.Completeness * 100)} %");
        if (alert.NotAssessed.Count > 0)
        {
            text += "; not assessed: " + string.Join(", ", alert.NotAssessed);
        }

        return alert.Late ? text + "; late (concerns backfilled data)." : text + ".";
    }

    private static decimal ToDecimal(double value) => decimal.Parse(value.ToString("R", CultureInfo.InvariantCulture), NumberStyles.Float, CultureInfo.InvariantCulture);
}

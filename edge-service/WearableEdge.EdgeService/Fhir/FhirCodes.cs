namespace WearableEdge.EdgeService.Fhir;

/// <summary>
/// The code systems, identifier systems and extension the FHIR rendering uses. Standard systems
/// (LOINC, UCUM, HL7 terminology) are the published URIs; the product's own live under
/// <see cref="LocalBase"/>, a canonical base under the reserved <c>.invalid</c> top-level domain
/// (RFC 2606) so that nobody mistakes them for a published implementation guide.
/// </summary>
public static class FhirCodes
{
    /// <summary>Canonical base of the product's own systems and extensions.</summary>
    public const string LocalBase = "https://wearable-edge.invalid/fhir";

    public const string Loinc = "http://loinc.org";
    public const string Ucum = "http://unitsofmeasure.org";
    public const string ObservationCategory = "http://terminology.hl7.org/CodeSystem/observation-category";

    /// <summary>The R4 base vital-signs profile (FHIR R4 §observation-vitalsigns).</summary>
    public const string VitalSignsProfile = "http://hl7.org/fhir/StructureDefinition/vitalsigns";

    /// <summary>The alert's id (<c>AlertMessage.Id</c>), as the resource's business identifier.</summary>
    public const string AlertIdSystem = LocalBase + "/sid/alert-id";

    /// <summary>The patient id as the gateway knows it; only for answers on the gateway itself.</summary>
    public const string PatientIdSystem = LocalBase + "/sid/patient-id";

    /// <summary>The site pseudonym (<c>PatientPseudonymizer</c>); the only patient identifier that may leave the gateway.</summary>
    public const string PatientPseudonymSystem = LocalBase + "/sid/patient-pseudonym";

    /// <summary>SHA-256 of a model's ONNX file, lower-case hex, as an identifier of the model device.</summary>
    public const string ModelSha256System = LocalBase + "/sid/model-sha256";

    /// <summary>Alert types (<c>news2</c>, <c>deterioration</c>, <c>fall</c>, …).</summary>
    public const string AlertTypeSystem = LocalBase + "/CodeSystem/alert-type";

    /// <summary>Alert rules that turn a score into an alert (<c>AlertMessage.RuleId</c>, version in <c>Coding.version</c>).</summary>
    public const string AlertRuleSystem = LocalBase + "/CodeSystem/alert-rule";

    /// <summary>Scoring rules and models (<c>AlertMessage.ScoreSourceId</c>, version in <c>Coding.version</c>).</summary>
    public const string ScoreSourceSystem = LocalBase + "/CodeSystem/score-source";

    /// <summary>Model input features, by their manifest name (<c>AlertFeature.Name</c>).</summary>
    public const string ModelFeatureSystem = LocalBase + "/CodeSystem/model-feature";

    /// <summary>
    /// Extension on <c>RiskAssessment.prediction</c>: the uncertainty interval of the point
    /// probability in <c>probabilityDecimal</c>, as a <c>valueRange</c> of two percentages (UCUM <c>%</c>, 0–100).
    /// </summary>
    public const string ProbabilityIntervalExtension = LocalBase + "/StructureDefinition/probability-interval";

    /// <summary>LOINC 2708-6 (oxygen saturation in arterial blood), the code the R4 oxygensat profile requires beside 59408-5.</summary>
    public const string LoincOxygenSaturation = "2708-6";

    /// <summary>LOINC 59408-5, oxygen saturation by pulse oximetry (FACTS.md).</summary>
    public const string LoincSpO2ByPulseOximetry = "59408-5";
}

using Hl7.Fhir.Model;

namespace WearableEdge.EdgeService.Fhir;

/// <summary>
/// The definition of the <see cref="FhirCodes.ProbabilityIntervalExtension"/> extension: on
/// <c>RiskAssessment.prediction</c>, exactly one <c>valueRange</c>, the uncertainty interval of
/// the point probability in <c>probabilityDecimal</c>, in percent like that probability.
/// R4's <c>probability[x]</c> is a choice of decimal or Range, never both; the decimal keeps the
/// point estimate that thresholds and the ras-2 invariant apply to, this extension keeps the interval.
/// </summary>
public static class ProbabilityIntervalDefinition
{
    /// <summary>The StructureDefinition (differential only; a validator generates the snapshot).</summary>
    /// <returns>A new instance each call.</returns>
    public static StructureDefinition Definition() => new()
    {
        Id = "probability-interval",
        Url = FhirCodes.ProbabilityIntervalExtension,
        Name = "ProbabilityInterval",
        Title = "Uncertainty interval of a RiskAssessment probability",
        Status = PublicationStatus.Draft,
        Description = "The lower and upper bound, in percent (UCUM %), of the uncertainty interval around the point probability "
            + "in RiskAssessment.prediction.probabilityDecimal (for WearableEdge models: the method named under uncertainty in the model manifest and its model card).",
        FhirVersion = FHIRVersion.N4_0_1,
        Kind = StructureDefinition.StructureDefinitionKind.ComplexType,
        Abstract = false,
        Context = [new StructureDefinition.ContextComponent { Type = StructureDefinition.ExtensionContextType.Element, Expression = "RiskAssessment.prediction" }],
        Type = "Extension",
        BaseDefinition = "http://hl7.org/fhir/StructureDefinition/Extension",
        Derivation = StructureDefinition.TypeDerivationRule.Constraint,
        Differential = new StructureDefinition.DifferentialComponent
        {
            Element =
            [
                new ElementDefinition("Extension")
                {
                    ElementId = "Extension",
                    Short = "Uncertainty interval of the probability, in percent",
                    Definition = "Lower and upper bound of the uncertainty interval around probabilityDecimal, in percent (0–100).",
                    Min = 0,
                    Max = "1",
                },
                new ElementDefinition("Extension.extension") { ElementId = "Extension.extension", Max = "0" },
                new ElementDefinition("Extension.url") { ElementId = "Extension.url", Fixed = new FhirUri(FhirCodes.ProbabilityIntervalExtension) },
                new ElementDefinition("Extension.value[x]")
                {
                    ElementId = "Extension.value[x]",
                    Min = 1,
                    Type = [new ElementDefinition.TypeRefComponent { Code = "Range" }],
                },
            ],
        },
    };
}

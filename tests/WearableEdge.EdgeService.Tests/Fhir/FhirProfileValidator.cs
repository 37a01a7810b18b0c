using Firely.Fhir.Validation;
using Hl7.Fhir.Model;
using Hl7.Fhir.Specification.Source;
using Hl7.Fhir.Specification.Terminology;
using WearableEdge.EdgeService.Fhir;

namespace WearableEdge.EdgeService.Tests.Fhir;

/// <summary>
/// Firely's profile validator (Firely.Fhir.Validation) over the R4 specification shipped in
/// Hl7.Fhir.Specification.Data.R4, offline: structure, cardinality, invariants (ras-2, dom-3,
/// obs-6, …), required bindings, and every profile a resource declares (vital signs), plus the
/// product's own probability-interval extension. Loading the specification takes seconds, once.
/// </summary>
internal static class FhirProfileValidator
{
    private static readonly Lazy<Validator> Instance = new(Create);
    private static readonly Lock Gate = new();

    /// <summary>The validator's verdict on <paramref name="resource"/> against the R4 base definition and its declared profiles.</summary>
    public static OperationOutcome Validate(Resource resource)
    {
        lock (Gate)
        {
            return Instance.Value.Validate(resource);
        }
    }

    /// <summary>Errors and warnings, one per line, for an assertion message.</summary>
    public static IReadOnlyList<string> Problems(OperationOutcome outcome) =>
        [.. outcome.Issue
            .Where(i => i.Severity is OperationOutcome.IssueSeverity.Error or OperationOutcome.IssueSeverity.Fatal or OperationOutcome.IssueSeverity.Warning)
            .Select(i => $"{i.Severity} {i.Code}: {i.Details?.Text} at {string.Join(", ", i.Expression)}")];

    private static Validator Create()
    {
        // The core definitions come from the specification as published (with snapshots); only the
        // product's own extension goes through the snapshot generator.
        var core = ZipSource.CreateValidationSource();
        var extension = new SnapshotSource(new MultiResolver(new LocalDefinitions(ProbabilityIntervalDefinition.Definition()), core));
        var resolver = new CachedResolver(new MultiResolver(core, extension));
        return new Validator(resolver, LocalTerminologyService.CreateDefaultForCore(resolver));
    }

    /// <summary>Conformance resources held in memory, resolved by canonical URL.</summary>
    private sealed class LocalDefinitions(params StructureDefinition[] definitions) : IResourceResolver
    {
        public Resource? ResolveByUri(string uri) => ResolveByCanonicalUri(uri);

        public Resource? ResolveByCanonicalUri(string uri) => definitions.FirstOrDefault(d => d.Url == uri.Split('|')[0]);
    }
}

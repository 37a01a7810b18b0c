using WearableEdge.EdgeService.Sync;

namespace WearableEdge.EdgeService.Fhir;

/// <summary>
/// Whom a rendered resource is about: a Patient referenced by identifier (no Patient resource
/// exists on the gateway). On the gateway's own HTTP API the local patient id is used; anything
/// that leaves the gateway must be rendered with <see cref="Pseudonymous"/>.
/// </summary>
/// <param name="System">Identifier system: <see cref="FhirCodes.PatientIdSystem"/> or <see cref="FhirCodes.PatientPseudonymSystem"/>.</param>
/// <param name="Value">The patient id or its pseudonym.</param>
public sealed record FhirSubject(string System, string Value)
{
    /// <summary>The patient id as the gateway knows it (answers on the gateway only).</summary>
    public static FhirSubject Local(string patientId)
    {
        ArgumentException.ThrowIfNullOrEmpty(patientId);
        return new FhirSubject(FhirCodes.PatientIdSystem, patientId);
    }

    /// <summary>The site pseudonym of <paramref name="patientId"/>, for anything published upstream.</summary>
    public static FhirSubject Pseudonymous(PatientPseudonymizer pseudonymizer, string patientId)
    {
        ArgumentNullException.ThrowIfNull(pseudonymizer);
        return new FhirSubject(FhirCodes.PatientPseudonymSystem, pseudonymizer.Pseudonymize(patientId));
    }
}

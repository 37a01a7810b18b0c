using System.Text;
using Hl7.Fhir.Model;
using Hl7.Fhir.Serialization;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Routing;
using WearableEdge.EdgeService.Fhir;

using WearableEdge.EdgeService.Storage;

namespace WearableEdge.EdgeService.Api;

/// <summary><c>GET /api/alerts/{id}/fhir</c>: a stored alert as a FHIR R4 resource (docs/contract.md, "FHIR R4 rendering").</summary>
public static class FhirEndpoints
{
    public static IEndpointRouteBuilder MapFhirEndpoints(this IEndpointRouteBuilder endpoints)
    {
        ArgumentNullException.ThrowIfNull(endpoints);
        endpoints.MapGet("/api/alerts/{id}/fhir", AlertAsFhirAsync);
        return endpoints;
    }

    /// <summary>
    /// RiskAssessment (model alert) or DetectedIssue (rule alert) as <c>application/fhir+json</c>;
    /// 404 with an OperationOutcome for an unknown id. The subject is the local patient id: this
    /// answer stays on the gateway (upstream renderings use <see cref="FhirSubject.Pseudonymous"/>).
    /// </summary>
    private static async Task<IResult> AlertAsFhirAsync(string id, AlertStore alerts, CancellationToken cancellationToken)
    {
        var alert = await alerts.GetAsync(id, cancellationToken).ConfigureAwait(false);
        if (alert is null)
        {
            var outcome = new OperationOutcome
            {
                Issue =
                [
                    new OperationOutcome.IssueComponent
                    {
                        Severity = OperationOutcome.IssueSeverity.Error,
                        Code = OperationOutcome.IssueType.NotFound,
                        Diagnostics = "No alert has this id.",
                    },
                ],
            };
            return Results.Text(outcome.ToJson(), AlertFhirRenderer.MediaType, Encoding.UTF8, StatusCodes.Status404NotFound);
        }

        return Results.Text(AlertFhirRenderer.RenderJson(alert, FhirSubject.Local(alert.PatientId)), AlertFhirRenderer.MediaType, Encoding.UTF8);
    }
}

using System.Net;
using Hl7.Fhir.Model;
using Hl7.Fhir.Serialization;
using Hl7.Fhir.Validation;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Routing;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Time.Testing;
using WearableEdge.EdgeService.Api;
using WearableEdge.EdgeService.Fhir;
using WearableEdge.EdgeService.Storage;
using WearableEdge.EdgeService.Sync;
using Task = System.Threading.Tasks.Task;

namespace WearableEdge.EdgeService.Tests.Fhir;

/// <summary>
/// <c>GET /api/alerts/{id}/fhir</c> over real HTTP against alerts committed to a real SQLite store.
/// The app here maps only the FHIR endpoint (authentication is the host's concern, tested with
/// the host); a second test checks that the real host registers and maps it.
/// </summary>
public sealed class FhirEndpointsTests : IDisposable
{
    private static readonly FhirJsonDeserializer Strict = new(new DeserializerSettings().UsingMode(DeserializationMode.Strict));

    private readonly TestDataDirectory _folder = new();

    public void Dispose() => _folder.Dispose();

    private async Task<WebApplication> StartAsync(params Contracts.AlertMessage[] alerts)
    {
        var database = await _folder.MigratedDatabaseAsync();
        var store = new AlertStore(database, [], new OutboxSignal(), new FakeTimeProvider(TestAlerts.T0));
        foreach (var alert in alerts)
        {
            await store.RecordAsync(TestAlerts.Raised(alert), TestContext.Current.CancellationToken);
        }

        var builder = WebApplication.CreateSlimBuilder();
        builder.WebHost.UseUrls("http://127.0.0.1:0");
        builder.Logging.ClearProviders();
        builder.Services.AddSingleton(store);
        var app = builder.Build();
        app.MapFhirEndpoints();
        await app.StartAsync(TestContext.Current.CancellationToken);
        return app;
    }

    [Fact]
    public async Task Get_ModelAlert_IsValidRiskAssessmentAsFhirJson()
    {
        await using var app = await StartAsync(FhirTestAlerts.Deterioration(id: "al-m1"), TestAlerts.Alert(id: "al-r1"));
        using var http = new HttpClient { BaseAddress = new Uri(app.ListeningAddresses()[0]) };

        using var response = await http.GetAsync("/api/alerts/al-m1/fhir", TestContext.Current.CancellationToken);

        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        Assert.Equal("application/fhir+json", response.Content.Headers.ContentType?.MediaType);
        var assessment = Strict.Deserialize<RiskAssessment>(await response.Content.ReadAsStringAsync(TestContext.Current.CancellationToken));
        Assert.Empty(assessment.Validate());
        Assert.Equal("al-m1", assessment.Id);
        Assert.Equal(42m, Assert.IsType<FhirDecimal>(assessment.Prediction.Single().Probability).Value);
        Assert.Equal((FhirCodes.PatientIdSystem, "bed-07"), (assessment.Subject!.Identifier!.System, assessment.Subject.Identifier.Value));
    }

    [Fact]
    public async Task Get_RuleAlert_IsValidDetectedIssue()
    {
        await using var app = await StartAsync(TestAlerts.Alert(id: "al-r1", priority: "high"));
        using var http = new HttpClient { BaseAddress = new Uri(app.ListeningAddresses()[0]) };

        var json = await http.GetStringAsync("/api/alerts/al-r1/fhir", TestContext.Current.CancellationToken);

        var issue = Strict.Deserialize<DetectedIssue>(json);
        Assert.Empty(issue.Validate());
        Assert.Equal(DetectedIssue.DetectedIssueSeverity.High, issue.Severity);
    }

    [Fact]
    public async Task Get_UnknownId_Is404WithOperationOutcome()
    {
        await using var app = await StartAsync(TestAlerts.Alert(id: "al-r1"));
        using var http = new HttpClient { BaseAddress = new Uri(app.ListeningAddresses()[0]) };

        using var response = await http.GetAsync("/api/alerts/al-nope/fhir", TestContext.Current.CancellationToken);

        Assert.Equal(HttpStatusCode.NotFound, response.StatusCode);
        Assert.Equal("application/fhir+json", response.Content.Headers.ContentType?.MediaType);
        var outcome = Strict.Deserialize<OperationOutcome>(await response.Content.ReadAsStringAsync(TestContext.Current.CancellationToken));
        Assert.Equal(OperationOutcome.IssueType.NotFound, Assert.Single(outcome.Issue).Code);
    }

    [Fact]
    public async Task Host_RegistersReaderAndMapsFhirRoute()
    {
        string[] args = ["--urls=http://127.0.0.1:0", "--Mqtt:EmbeddedPort=0", "--Logging:LogLevel:Default=None", $"--Storage:DataDirectory={_folder.Path}"];
        await using var app = EdgeServiceHost.Build(args);

        Assert.NotNull(app.Services.GetService<AlertStore>());
        var routes = ((IEndpointRouteBuilder)app).DataSources.SelectMany(d => d.Endpoints).OfType<RouteEndpoint>().Select(e => e.RoutePattern.RawText);
        Assert.Contains("/api/alerts/{id}/fhir", routes);
    }
}

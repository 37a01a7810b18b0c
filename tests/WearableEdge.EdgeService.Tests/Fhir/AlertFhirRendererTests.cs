using FhirMetricService = Fhir.Metrics.FhirMetricService;
using UCUM = Fhir.Metrics.UCUM;
using Hl7.Fhir.Model;
using Hl7.Fhir.Serialization;
using Hl7.Fhir.Validation;
using WearableEdge.Contracts;
using WearableEdge.EdgeService.Fhir;
using WearableEdge.EdgeService.Sync;

namespace WearableEdge.EdgeService.Tests.Fhir;

/// <summary>
/// The FHIR rendering, checked the way a receiving system would: the JSON is parsed back with
/// Firely's deserializer in strict mode, validated with Firely's POCO validation (cardinality,
/// required elements, primitive formats, bound codes), and its codes, units and provenance read back.
/// </summary>
public sealed class AlertFhirRendererTests
{
    private static readonly FhirSubject Bed07 = FhirSubject.Local("bed-07");

    private static readonly FhirJsonDeserializer Strict = new(new DeserializerSettings().UsingMode(DeserializationMode.Strict));

    /// <summary>Renders, serializes, parses back strictly and validates; the parsed resource.</summary>
    private static T RoundTrip<T>(AlertMessage alert, FhirSubject? subject = null)
        where T : Resource
    {
        var json = AlertFhirRenderer.RenderJson(alert, subject ?? Bed07);
        var parsed = Strict.Deserialize<T>(json);
        AssertValid(parsed);
        return parsed;
    }

    /// <summary>No issue from the POCO validation, and no error or warning from the profile validator.</summary>
    private static void AssertValid(Resource resource)
    {
        var problems = resource.Validate();
        Assert.True(problems.Count == 0, string.Join("\n", problems.Select(p => p.Message)));
        var profileProblems = FhirProfileValidator.Problems(FhirProfileValidator.Validate(resource));
        Assert.True(profileProblems.Count == 0, string.Join("\n", profileProblems));
    }

    private static IEnumerable<Quantity> Quantities(DomainResource resource) =>
        resource.Contained.OfType<Observation>().Select(o => Assert.IsType<Quantity>(o.Value));

    /// <summary>
    /// True when Firely's UCUM library (Fhir.Metrics) knows the code. It cannot canonicalize the
    /// special (interval-scale) unit Cel, so that one is checked by parsing it alone.
    /// </summary>
    private static bool IsUcum(string? code) =>
        FhirMetricService.Instance.Value.TryCanonicalize(("1", code!, FhirCodes.Ucum), out _)
        || (code == "Cel" && UCUM.Load().Metric(code).ToString() == "Cel");

    [Fact]
    public void Render_ModelAlert_IsRiskAssessment()
    {
        Assert.IsType<RiskAssessment>(AlertFhirRenderer.Render(FhirTestAlerts.Deterioration(), Bed07));
    }

    [Fact]
    public void Render_RuleAlert_IsDetectedIssue()
    {
        Assert.IsType<DetectedIssue>(AlertFhirRenderer.Render(TestAlerts.Alert(), Bed07));
    }

    [Fact]
    public void RiskAssessment_ParsedStrictly_IsValidAndFinal()
    {
        var assessment = RoundTrip<RiskAssessment>(FhirTestAlerts.Deterioration());

        Assert.Equal(ObservationStatus.Final, assessment.Status);
        Assert.Equal("al-model-1", Assert.Single(assessment.Identifier, i => i.System == FhirCodes.AlertIdSystem).Value);
        Assert.Equal(TestAlerts.T0, Assert.IsType<FhirDateTime>(assessment.Occurrence).ToDateTimeOffset(TimeSpan.Zero));
    }

    [Fact]
    public void RiskAssessment_Probability_IsPercentDecimalWithIntervalRangeExtension()
    {
        var prediction = Assert.Single(RoundTrip<RiskAssessment>(FhirTestAlerts.Deterioration()).Prediction);

        // R4 expresses probabilityDecimal in percent (max 100, ras-2); AlertMessage holds 0.42.
        var probability = Assert.IsType<FhirDecimal>(prediction.Probability).Value!.Value;
        Assert.Equal(42m, probability);
        var range = Assert.IsType<Hl7.Fhir.Model.Range>(prediction.GetExtensionValue<DataType>(FhirCodes.ProbabilityIntervalExtension));
        Assert.Equal(31m, range.Low!.Value);
        Assert.Equal(55m, range.High!.Value);
        Assert.All(new[] { range.Low!, range.High! }, q => Assert.Equal((FhirCodes.Ucum, "%"), (q.System, q.Code)));
        Assert.InRange(probability, range.Low.Value!.Value, range.High.Value!.Value);
        Assert.Equal("deterioration", Assert.Single(prediction.Outcome!.Coding).Code);
    }

    [Theory]
    [InlineData(0.4237, 0.0001, 0.9999, "42.37", "0.01", "99.99")]
    [InlineData(1.0, 0.0, 1.0, "100", "0", "100")]
    [InlineData(0.42, 0.31, 0.55, "42", "31", "55")]
    public void RiskAssessment_Probability_IsExactPercentWithinZeroToHundred(double p, double lower, double upper, string percent, string low, string high)
    {
        var alert = FhirTestAlerts.Deterioration() with { Probability = p, ProbabilityLower = lower, ProbabilityUpper = upper };

        var prediction = Assert.Single(RoundTrip<RiskAssessment>(alert).Prediction);

        var value = Assert.IsType<FhirDecimal>(prediction.Probability).Value!.Value;
        Assert.Equal(decimal.Parse(percent, System.Globalization.CultureInfo.InvariantCulture), value);
        Assert.InRange(value, 0m, 100m);
        var range = Assert.IsType<Hl7.Fhir.Model.Range>(prediction.GetExtensionValue<DataType>(FhirCodes.ProbabilityIntervalExtension));
        Assert.Equal(decimal.Parse(low, System.Globalization.CultureInfo.InvariantCulture), range.Low!.Value);
        Assert.Equal(decimal.Parse(high, System.Globalization.CultureInfo.InvariantCulture), range.High!.Value);

        // Written as the rounded value, with no trailing zeros claiming more precision.
        Assert.Contains($"\"probabilityDecimal\":{percent},", AlertFhirRenderer.RenderJson(alert, Bed07, pretty: false), StringComparison.Ordinal);
    }

    [Fact]
    public void RiskAssessment_WithoutInterval_HasNoIntervalExtension()
    {
        var alert = FhirTestAlerts.Deterioration() with { ProbabilityLower = null, ProbabilityUpper = null };

        var prediction = Assert.Single(RoundTrip<RiskAssessment>(alert).Prediction);

        Assert.Null(prediction.GetExtension(FhirCodes.ProbabilityIntervalExtension));
        Assert.Equal(42m, Assert.IsType<FhirDecimal>(prediction.Probability).Value);
    }

    [Fact]
    public void RiskAssessment_Provenance_NamesModelIdVersionAndSha256()
    {
        var assessment = RoundTrip<RiskAssessment>(FhirTestAlerts.Deterioration());

        var method = Assert.Single(assessment.Method!.Coding);
        Assert.Equal((FhirCodes.ScoreSourceSystem, "deterioration-sepsis-6h", "1.0.0"), (method.System, method.Code, method.Version));
        Assert.Contains(FhirTestAlerts.Sha256, assessment.Method!.Text, StringComparison.Ordinal);
        Assert.Equal("#model", assessment.Performer!.Reference);
        var device = Assert.Single(assessment.Contained.OfType<Device>());
        Assert.Equal("model", device.Id);
        Assert.Equal(FhirTestAlerts.Sha256, Assert.Single(device.Identifier, i => i.System == FhirCodes.ModelSha256System).Value);
        Assert.Equal("1.0.0", Assert.Single(device.Version).Value);
        Assert.Equal("deterioration-sepsis-6h", Assert.Single(device.DeviceName).Name);
    }

    [Fact]
    public void RiskAssessment_Basis_IsOneContainedObservationPerFeature()
    {
        var alert = FhirTestAlerts.Deterioration();
        var assessment = RoundTrip<RiskAssessment>(alert);

        Assert.Equal(alert.Features!.Count, assessment.Basis.Count);
        foreach (var (reference, feature) in assessment.Basis.Zip(alert.Features))
        {
            var observation = Assert.Single(assessment.Contained.OfType<Observation>(), o => "#" + o.Id == reference.Reference);
            Assert.Equal(feature.Name, observation.Code!.Text);
            Assert.Equal((FhirCodes.ModelFeatureSystem, feature.Name), (observation.Code!.Coding[0].System, observation.Code!.Coding[0].Code));
            Assert.Equal((decimal)feature.Value, Assert.IsType<Quantity>(observation.Value).Value);
            Assert.Equal("bed-07", observation.Subject!.Identifier!.Value);
        }

        var spO2Trend = assessment.Contained.OfType<Observation>().Single(o => o.Code!.Text == "spO2_slope_6h");
        var period = Assert.IsType<Period>(spO2Trend.Effective);
        Assert.Equal(TestAlerts.T0.AddHours(-6), period.StartElement!.ToDateTimeOffset(TimeSpan.Zero));
        Assert.Equal(TestAlerts.T0, period.EndElement!.ToDateTimeOffset(TimeSpan.Zero));
    }

    [Fact]
    public void RiskAssessment_FeatureUnits_AreUcumCodes()
    {
        var assessment = RoundTrip<RiskAssessment>(FhirTestAlerts.Deterioration());

        Assert.All(Quantities(assessment), q =>
        {
            Assert.Equal(FhirCodes.Ucum, q.System);
            Assert.True(IsUcum(q.Code), $"{q.Code} is not UCUM");
        });
        Assert.Equal("K/h", Quantities(assessment).Single(q => q.Unit == "Cel/h").Code);
    }

    [Fact]
    public void RiskAssessment_EveryShippedModel_IsValidWithUcumUnitsAndItsSha256()
    {
        var manifests = FhirTestAlerts.ShippedManifests();
        if (manifests.Count == 0)
        {
            Assert.Skip($"No model.json under {Path.Combine(AppContext.BaseDirectory, "models")}.");
        }

        foreach (var manifest in manifests)
        {
            var assessment = RoundTrip<RiskAssessment>(FhirTestAlerts.FromManifest(manifest));

            Assert.Equal(manifest.Inputs.Features.Count, assessment.Basis.Count);
            Assert.Equal(manifest.OnnxSha256, assessment.Contained.OfType<Device>().Single().Identifier.Single().Value);
            Assert.All(Quantities(assessment), q => Assert.True(IsUcum(q.Code), $"{manifest.Id}: {q.Code} is not UCUM"));
        }
    }

    [Fact]
    public void UcumCode_AccelerationInG_IsStandardGravityNotGram()
    {
        Assert.Equal("[g]", AlertFhirRenderer.UcumCode("g"));
        Assert.Equal("[g]/s", AlertFhirRenderer.UcumCode("g/s"));
        Assert.Equal("/min", AlertFhirRenderer.UcumCode("/min"));
        Assert.True(FhirMetricService.Instance.Value.TryCanonicalize(("1", "[g]", FhirCodes.Ucum), out var gravity));
        Assert.Equal("m.s-2", gravity!.Value.Item2);
    }

    [Fact]
    public void DetectedIssue_ParsedStrictly_IsValidWithRuleCodeAndReason()
    {
        var alert = TestAlerts.Alert();
        var issue = RoundTrip<DetectedIssue>(alert);

        Assert.Equal(ObservationStatus.Final, issue.Status);
        Assert.Contains(issue.Code!.Coding, c => c.System == FhirCodes.AlertTypeSystem && c.Code == "news2");
        Assert.Contains(issue.Code!.Coding, c => c.System == FhirCodes.AlertRuleSystem && c.Code == "news2-alert" && c.Version == "1");
        Assert.StartsWith(alert.Reason, issue.Detail, StringComparison.Ordinal);
        Assert.Contains("not assessed: systolicBp, consciousness", issue.Detail, StringComparison.Ordinal);
        Assert.Equal(TestAlerts.T0, Assert.IsType<FhirDateTime>(issue.Identified).ToDateTimeOffset(TimeSpan.Zero));
        Assert.Equal("bed-07", issue.Patient!.Identifier!.Value);
        Assert.Equal(FhirCodes.PatientIdSystem, issue.Patient!.Identifier!.System);
        var rule = Assert.Single(issue.Contained.OfType<Device>());
        Assert.Equal(("news2-wearable", "2017"), (rule.DeviceName[0].Name, rule.Version[0].Value));
        Assert.Empty(rule.Identifier);
    }

    [Theory]
    [InlineData("high", DetectedIssue.DetectedIssueSeverity.High)]
    [InlineData("medium", DetectedIssue.DetectedIssueSeverity.Moderate)]
    [InlineData("low", DetectedIssue.DetectedIssueSeverity.Low)]
    public void DetectedIssue_Severity_MapsIecPriorityWord(string priority, DetectedIssue.DetectedIssueSeverity expected)
    {
        Assert.Equal(expected, RoundTrip<DetectedIssue>(TestAlerts.Alert(priority: priority)).Severity);
    }

    [Fact]
    public void DetectedIssue_UnknownPriorityWord_LeavesSeverityOutAndStaysValid()
    {
        var issue = RoundTrip<DetectedIssue>(TestAlerts.Alert(priority: "informational"));

        Assert.Null(issue.Severity);
        Assert.Contains("Priority informational", issue.Detail, StringComparison.Ordinal);
    }

    [Fact]
    public void DetectedIssue_Evidence_IsVitalSignsObservationsWithLoincAndUcum()
    {
        var alert = TestAlerts.Alert();
        var issue = RoundTrip<DetectedIssue>(alert);

        var references = Assert.Single(issue.Evidence).Detail;
        Assert.Equal(alert.Parameters.Count, references.Count);
        foreach (var (reference, parameter) in references.Zip(alert.Parameters))
        {
            var observation = Assert.Single(issue.Contained.OfType<Observation>(), o => "#" + o.Id == reference.Reference);
            Assert.Equal(FhirCodes.VitalSignsProfile, Assert.Single(observation.Meta!.Profile));
            Assert.Equal("vital-signs", Assert.Single(observation.Category).Coding.Single().Code);
            Assert.Contains(observation.Code!.Coding, c => c.System == FhirCodes.Loinc && c.Code == parameter.Loinc);
            var quantity = Assert.IsType<Quantity>(observation.Value);
            Assert.Equal(((decimal)parameter.Value, FhirCodes.Ucum, parameter.Unit), (quantity.Value!.Value, quantity.System, quantity.Code));
            Assert.True(IsUcum(quantity.Code), quantity.Code);
            Assert.NotNull(observation.Subject);
            Assert.IsType<Period>(observation.Effective);
        }

        var spO2 = issue.Contained.OfType<Observation>().Single(o => o.Code!.Text == "spO2");
        Assert.Equal(["59408-5", "2708-6"], spO2.Code!.Coding.Select(c => c.Code));
    }

    [Fact]
    public void DetectedIssue_EveryVitalSign_HasItsLoincAndUcumCode()
    {
        var alert = TestAlerts.Alert() with
        {
            Parameters = [.. Clinical.Samples.VitalSignCodes.All.Select(sign => new AlertParameter
            {
                Name = Clinical.Samples.VitalSignCodes.Name(sign),
                Loinc = Clinical.Samples.VitalSignCodes.Loinc(sign),
                Value = 37.5,
                Unit = Clinical.Samples.VitalSignCodes.Ucum(sign),
                Points = 0,
            })],
        };

        var issue = RoundTrip<DetectedIssue>(alert);

        string[] loinc = ["8867-4", "59408-5", "9279-1", "8310-5", "8480-6"];
        Assert.All(loinc, code => Assert.Contains(issue.Contained.OfType<Observation>(), o => o.Code!.Coding.Any(c => c.System == FhirCodes.Loinc && c.Code == code)));
        Assert.All(Quantities(issue), q => Assert.True(IsUcum(q.Code), q.Code));
    }

    [Fact]
    public void DetectedIssue_Resolved_IdentifiedIsPeriodToResolution()
    {
        var alert = TestAlerts.Alert(status: "resolved") with { ResolvedAt = TestAlerts.T0.AddMinutes(40) };

        var period = Assert.IsType<Period>(RoundTrip<DetectedIssue>(alert).Identified);

        Assert.Equal(TestAlerts.T0, period.StartElement!.ToDateTimeOffset(TimeSpan.Zero));
        Assert.Equal(TestAlerts.T0.AddMinutes(40), period.EndElement!.ToDateTimeOffset(TimeSpan.Zero));
    }

    [Fact]
    public void DetectedIssue_TechnicalAlertWithoutParameters_HasNoEvidenceAndIsValid()
    {
        var alert = TestAlerts.Alert() with { Type = "no-data", Parameters = [] };

        var issue = RoundTrip<DetectedIssue>(alert);

        Assert.Empty(issue.Evidence);
    }

    [Fact]
    public void Render_PseudonymousSubject_CarriesNoPatientId()
    {
        var pseudonymizer = new PatientPseudonymizer("0123456789abcdef0123456789abcdef"u8.ToArray());
        var subject = FhirSubject.Pseudonymous(pseudonymizer, "bed-07");

        var json = AlertFhirRenderer.RenderJson(FhirTestAlerts.Deterioration(), subject);

        Assert.DoesNotContain("bed-07", json, StringComparison.Ordinal);
        var assessment = Strict.Deserialize<RiskAssessment>(json);
        Assert.Equal((FhirCodes.PatientPseudonymSystem, pseudonymizer.Pseudonymize("bed-07")), (assessment.Subject!.Identifier!.System, assessment.Subject.Identifier.Value));
    }

    [Fact]
    public void Validate_RenderedResourceMissingRequiredStatus_ReportsIt()
    {
        // The validation above must be able to fail: a required element removed is reported.
        var issue = AlertFhirRenderer.RenderDetectedIssue(TestAlerts.Alert(), Bed07);
        issue.Status = null;

        Assert.NotEmpty(issue.Validate());
    }

    [Fact]
    public void ProfileValidator_ProbabilityOver100_FailsRas2()
    {
        // The profile validation must be able to fail: R4 invariant ras-2 (probabilityDecimal <= 100).
        var assessment = AlertFhirRenderer.RenderRiskAssessment(FhirTestAlerts.Deterioration(), Bed07);
        assessment.Prediction[0].Probability = new FhirDecimal(142m);

        var problems = FhirProfileValidator.Problems(FhirProfileValidator.Validate(assessment));

        Assert.Contains(problems, p => p.Contains("ras-2", StringComparison.Ordinal));
    }

    [Fact]
    public void ProfileValidator_VitalSignWithoutCategory_FailsVitalSignsProfile()
    {
        var issue = AlertFhirRenderer.RenderDetectedIssue(TestAlerts.Alert(), Bed07);
        issue.Contained.OfType<Observation>().First().Category.Clear();

        var problems = FhirProfileValidator.Problems(FhirProfileValidator.Validate(issue));

        Assert.Contains(problems, p => p.Contains("category", StringComparison.Ordinal));
    }

    [Fact]
    public void ProfileValidator_IntervalExtensionWithoutRange_FailsItsDefinition()
    {
        var assessment = AlertFhirRenderer.RenderRiskAssessment(FhirTestAlerts.Deterioration(), Bed07);
        assessment.Prediction[0].Extension[0].Value = new FhirString("31-55");

        var problems = FhirProfileValidator.Problems(FhirProfileValidator.Validate(assessment));

        Assert.Contains(problems, p => p.StartsWith("Error", StringComparison.Ordinal));
    }

    [Fact]
    public void Deserialize_StrictMode_RejectsUnknownElement()
    {
        // Strict parsing must be able to fail too: an element R4 does not define is an error.
        var json = AlertFhirRenderer.RenderJson(TestAlerts.Alert(), Bed07).Replace("\"severity\"", "\"severityLevel\"", StringComparison.Ordinal);

        Assert.ThrowsAny<Exception>(() => Strict.Deserialize<DetectedIssue>(json));
    }
}

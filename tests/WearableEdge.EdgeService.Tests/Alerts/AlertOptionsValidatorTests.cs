using Microsoft.Extensions.Options;
using WearableEdge.EdgeService.Alerts;

namespace WearableEdge.EdgeService.Tests.Alerts;

public sealed class AlertOptionsValidatorTests
{
    private static ValidateOptionsResult Validate(AlertOptions options) => new AlertOptionsValidator().Validate(null, options);

    [Fact]
    public void Validate_Defaults_Succeeds() => Assert.True(Validate(new AlertOptions()).Succeeded);

    [Theory]
    [InlineData(2.0)]
    [InlineData(-0.1)]
    [InlineData(double.NaN)]
    public void Validate_MinimumCoverageNotAFraction_NamesAlertsMinimumCoverage(double coverage)
    {
        var result = Validate(new AlertOptions { MinimumCoverage = coverage });

        Assert.StartsWith("Alerts:MinimumCoverage", Assert.Single(result.Failures!), StringComparison.Ordinal);
    }

    [Theory]
    [InlineData(0.0)]
    [InlineData(1.0)]
    public void Validate_MinimumCoverageAtBounds_Succeeds(double coverage) =>
        Assert.True(Validate(new AlertOptions { MinimumCoverage = coverage }).Succeeded);

    [Fact]
    public void Validate_NegativeConditionDelay_NamesAlertsConditionDelay() =>
        Assert.StartsWith(
            "Alerts:ConditionDelay",
            Assert.Single(Validate(new AlertOptions { ConditionDelay = TimeSpan.FromSeconds(-1) }).Failures!),
            StringComparison.Ordinal);

    [Fact]
    public void Validate_ZeroLateAfter_NamesAlertsLateAfter() =>
        Assert.StartsWith("Alerts:LateAfter", Assert.Single(Validate(new AlertOptions { LateAfter = TimeSpan.Zero }).Failures!), StringComparison.Ordinal);
}

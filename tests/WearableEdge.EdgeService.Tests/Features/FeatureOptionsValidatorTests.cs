using Microsoft.Extensions.Options;
using WearableEdge.Clinical.Features;
using WearableEdge.EdgeService.Features;

namespace WearableEdge.EdgeService.Tests.Features;

public sealed class FeatureOptionsValidatorTests
{
    private static ValidateOptionsResult Validate(FeatureOptions options) => new FeatureOptionsValidator().Validate(null, options);

    [Fact]
    public void Validate_Defaults_SucceedsAndMatchesDefaultWindowSpec()
    {
        var options = new FeatureOptions();

        Assert.True(Validate(options).Succeeded);
        Assert.Equal(WindowSpec.Default, options.ToWindowSpec());
    }

    [Fact]
    public void Validate_ZeroHop_NamesFeaturesHop()
    {
        var result = Validate(new FeatureOptions { Hop = TimeSpan.Zero });

        Assert.Contains(result.Failures!, f => f.StartsWith("Features:Hop", StringComparison.Ordinal));
    }

    [Fact]
    public void Validate_WindowShorterThanHop_NamesFeaturesWindowLength() =>
        Assert.StartsWith(
            "Features:WindowLength",
            Assert.Single(Validate(new FeatureOptions { WindowLength = TimeSpan.FromSeconds(10), Hop = TimeSpan.FromSeconds(20), SampleInterval = TimeSpan.FromSeconds(1) }).Failures!),
            StringComparison.Ordinal);

    [Fact]
    public void Validate_NegativeLateness_NamesFeaturesAllowedLateness() =>
        Assert.StartsWith(
            "Features:AllowedLateness",
            Assert.Single(Validate(new FeatureOptions { AllowedLateness = TimeSpan.FromSeconds(-1) }).Failures!),
            StringComparison.Ordinal);

    [Fact]
    public void Validate_SampleIntervalLongerThanWindow_NamesFeaturesSampleInterval() =>
        Assert.StartsWith(
            "Features:SampleInterval",
            Assert.Single(Validate(new FeatureOptions { SampleInterval = TimeSpan.FromMinutes(2) }).Failures!),
            StringComparison.Ordinal);

    [Fact]
    public void Validate_AnyValidOptions_GiveAConstructibleWindowSpec()
    {
        // What the validator lets through must not make WindowSpec throw later, in the pipeline.
        var options = new FeatureOptions
        {
            WindowLength = TimeSpan.FromSeconds(5),
            Hop = TimeSpan.FromSeconds(5),
            AllowedLateness = TimeSpan.Zero,
            SampleInterval = TimeSpan.FromSeconds(5),
        };

        Assert.True(Validate(options).Succeeded);
        Assert.Equal(1, options.ToWindowSpec().ExpectedSamples);
    }
}

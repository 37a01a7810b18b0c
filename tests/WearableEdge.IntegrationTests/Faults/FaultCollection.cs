using Xunit;

namespace WearableEdge.IntegrationTests.Faults;

/// <summary>
/// The fault tests run one at a time and after every other test class: they start several real
/// processes each and measure back-off gaps and drain times, which a busy 2-core machine would blur.
/// </summary>
[CollectionDefinition(Name, DisableParallelization = true)]
public sealed class FaultCollection
{
    public const string Name = "Faults";
}

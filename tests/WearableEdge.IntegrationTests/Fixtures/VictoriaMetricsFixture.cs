using Xunit;

namespace WearableEdge.IntegrationTests.Fixtures;

/// <summary>
/// One VictoriaMetrics server shared by the tests of a class (<c>IClassFixture&lt;VictoriaMetricsFixture&gt;</c>).
/// Tests sharing it should write distinct measurement names or tags. Tests that stop or restart the
/// server start their own <see cref="VictoriaMetricsProcess"/> instead.
/// </summary>
public sealed class VictoriaMetricsFixture : IAsyncLifetime
{
    private VictoriaMetricsProcess? _store;

    public VictoriaMetricsProcess Store => _store ?? throw new InvalidOperationException("The fixture has not been initialized.");

    public async ValueTask InitializeAsync() =>
        _store = await VictoriaMetricsProcess.StartAsync(TestContext.Current.CancellationToken);

    public async ValueTask DisposeAsync()
    {
        if (_store is not null)
        {
            await _store.DisposeAsync();
        }
    }
}

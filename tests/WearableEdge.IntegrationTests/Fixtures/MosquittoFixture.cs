using Xunit;

namespace WearableEdge.IntegrationTests.Fixtures;

/// <summary>
/// One Mosquitto broker shared by the tests of a class (<c>IClassFixture&lt;MosquittoFixture&gt;</c>).
/// Tests that stop or restart the broker start their own <see cref="MosquittoProcess"/> instead,
/// so they do not disturb their neighbours.
/// </summary>
public sealed class MosquittoFixture : IAsyncLifetime
{
    private MosquittoProcess? _broker;

    public MosquittoProcess Broker => _broker ?? throw new InvalidOperationException("The fixture has not been initialized.");

    public async ValueTask InitializeAsync() =>
        _broker = await MosquittoProcess.StartAsync(TestContext.Current.CancellationToken);

    public async ValueTask DisposeAsync()
    {
        if (_broker is not null)
        {
            await _broker.DisposeAsync();
        }
    }
}

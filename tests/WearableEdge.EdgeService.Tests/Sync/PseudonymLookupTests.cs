using System.Text;
using WearableEdge.Clinical.Samples;
using WearableEdge.EdgeService.Storage;
using WearableEdge.EdgeService.Sync;

namespace WearableEdge.EdgeService.Tests.Sync;

public sealed class PseudonymLookupTests : IDisposable
{
    private static readonly PatientPseudonymizer Pseudonymizer = new(Encoding.UTF8.GetBytes("lookup-test-site-key-0123"));

    private readonly TestDataDirectory _folder = new();

    public void Dispose() => _folder.Dispose();

    [Fact]
    public async Task ResolveAsync_PseudonymOfStoredPatient_ReturnsThePatientId()
    {
        var ct = TestContext.Current.CancellationToken;
        var database = await _folder.MigratedDatabaseAsync();
        await new SampleStore(database).AppendAsync(
            [new WearableSample("bed-12", "dev-1", TestAlerts.T0, new VitalSigns(HeartRate: 70)),
             new WearableSample("bed-14", "dev-2", TestAlerts.T0, new VitalSigns(HeartRate: 71))],
            TestAlerts.T0,
            ct);

        Assert.Equal("bed-14", await PseudonymLookup.ResolveAsync(database, Pseudonymizer, Pseudonymizer.Pseudonymize("bed-14"), ct));
    }

    [Fact]
    public async Task ResolveAsync_PseudonymUnderAnotherKey_ReturnsNull()
    {
        var ct = TestContext.Current.CancellationToken;
        var database = await _folder.MigratedDatabaseAsync();
        await new SampleStore(database).AppendAsync([new WearableSample("bed-12", "dev-1", TestAlerts.T0, new VitalSigns(HeartRate: 70))], TestAlerts.T0, ct);
        var otherSite = new PatientPseudonymizer(Encoding.UTF8.GetBytes("another-site-key-987654321"));

        Assert.Null(await PseudonymLookup.ResolveAsync(database, Pseudonymizer, otherSite.Pseudonymize("bed-12"), ct));
    }
}

using Microsoft.Extensions.Time.Testing;
using WearableEdge.EdgeService.Devices;

namespace WearableEdge.EdgeService.Tests.Devices;

public sealed class DeviceRegistryTests : IDisposable
{
    private static readonly DateTimeOffset Admission = new(2026, 3, 1, 8, 0, 0, TimeSpan.Zero);
    private readonly TestDataDirectory _folder = new();
    private readonly FakeTimeProvider _time = new(Admission.AddHours(6));

    public void Dispose() => _folder.Dispose();

    private async Task<DeviceRegistry> NewRegistryAsync()
    {
        var registry = new DeviceRegistry(await _folder.MigratedDatabaseAsync(), _time);
        await registry.LoadAsync(TestContext.Current.CancellationToken);
        return registry;
    }

    [Fact]
    public async Task PatientAt_SwappedWearable_ResolvesEachDeviceBySampleTime()
    {
        var ct = TestContext.Current.CancellationToken;
        var registry = await NewRegistryAsync();
        await registry.RegisterAsync("watch-a", "admin", ct);
        await registry.RegisterAsync("watch-b", "admin", ct);
        await registry.AssignAsync("watch-a", "P-1", Admission, ct);
        var swap = Admission.AddHours(3);
        await registry.UnassignAsync("watch-a", swap, ct);
        await registry.AssignAsync("watch-b", "P-1", swap, ct);

        // The old device's late upload, stamped before the swap, still belongs to P-1.
        Assert.Equal("P-1", registry.PatientAt("watch-a", swap.AddMinutes(-1)));
        // After the swap the old device belongs to no one; the new one to the same patient.
        Assert.Null(registry.PatientAt("watch-a", swap.AddMinutes(1)));
        Assert.Equal("P-1", registry.PatientAt("watch-b", swap));
        Assert.Null(registry.PatientAt("watch-b", swap.AddMilliseconds(-1)));
        Assert.Null(registry.PatientAt("watch-a", Admission.AddSeconds(-1)));
        Assert.Null(registry.PatientAt("never-registered", swap));
    }

    [Fact]
    public async Task AssignAsync_ReassignedToAnotherPatient_EndsTheOpenAssignmentAtTheChange()
    {
        var ct = TestContext.Current.CancellationToken;
        var registry = await NewRegistryAsync();
        await registry.RegisterAsync("watch-a", "admin", ct);
        await registry.AssignAsync("watch-a", "P-1", Admission, ct);
        var change = Admission.AddHours(2);

        await registry.AssignAsync("watch-a", "P-2", change, ct);

        Assert.Equal("P-1", registry.PatientAt("watch-a", change.AddTicks(-TimeSpan.TicksPerMillisecond)));
        Assert.Equal("P-2", registry.PatientAt("watch-a", change));
        var device = Assert.Single(registry.Devices);
        Assert.Equal([change, null], device.Assignments.Select(a => a.ValidTo));
    }

    [Fact]
    public async Task AssignAsync_UnregisteredDevice_ReturnsFalseAndAssignsNothing()
    {
        var registry = await NewRegistryAsync();

        Assert.False(await registry.AssignAsync("ghost", "P-1", Admission, TestContext.Current.CancellationToken));
        Assert.Null(registry.PatientAt("ghost", Admission));
        Assert.Empty(registry.Devices);
    }

    [Fact]
    public async Task LoadAsync_NewInstanceOnSameStore_SeesAssignmentsAndConsent()
    {
        var ct = TestContext.Current.CancellationToken;
        var first = await NewRegistryAsync();
        await first.RegisterAsync("watch-a", "admin", ct);
        await first.AssignAsync("watch-a", "P-1", Admission, ct);
        await first.UnassignAsync("watch-a", Admission.AddHours(1), ct);
        await first.RecordConsentAsync("P-1", "monitoring", "admin", ct);

        var second = await NewRegistryAsync();

        Assert.Equal("P-1", second.PatientAt("watch-a", Admission.AddMinutes(30)));
        Assert.Null(second.PatientAt("watch-a", Admission.AddHours(2)));
        Assert.True(second.HasConsent("P-1"));
        Assert.Equal(first.Devices.Single().Assignments, second.Devices.Single().Assignments);
    }

    [Fact]
    public async Task WithdrawConsentAsync_AfterRecord_EndsConsentAndKeepsTheHistory()
    {
        var ct = TestContext.Current.CancellationToken;
        var registry = await NewRegistryAsync();
        Assert.False(registry.HasConsent("P-1"));
        await registry.RecordConsentAsync("P-1", "monitoring", "privacy-officer", ct);
        Assert.True(registry.HasConsent("P-1"));
        _time.Advance(TimeSpan.FromHours(1));

        var view = await registry.WithdrawConsentAsync("P-1", "nurse-lee", ct);

        Assert.False(view.Active);
        Assert.False(registry.HasConsent("P-1"));
        var record = Assert.Single(view.Records);
        Assert.Equal("privacy-officer", record.RecordedBy);
        Assert.Equal("nurse-lee", record.WithdrawnBy);
        Assert.Equal(_time.GetUtcNow(), record.WithdrawnAt);
        Assert.False((await NewRegistryAsync()).HasConsent("P-1"));
    }

    [Fact]
    public async Task SeedAsync_TwiceWithChangesInBetween_AddsOnlyWhatTheStoreLacks()
    {
        var ct = TestContext.Current.CancellationToken;
        var registry = await NewRegistryAsync();
        var seed = new DeviceSeed(
            [new DeviceSeedEntry("watch-a", "P-1", null), new DeviceSeedEntry("watch-b", null, null)],
            [new ConsentSeedEntry("P-1", null, null)]);
        await registry.SeedAsync(seed, ct);
        await registry.WithdrawConsentAsync("P-1", "admin", ct);
        await registry.AssignAsync("watch-a", "P-9", Admission, ct);

        await registry.SeedAsync(seed, ct);

        // A restart with the same seed does not undo a withdrawal or an admin's reassignment.
        Assert.False(registry.HasConsent("P-1"));
        Assert.Equal("P-9", registry.PatientAt("watch-a", Admission));
        Assert.Equal(["watch-a", "watch-b"], registry.Devices.Select(d => d.DeviceId));
        Assert.Null(registry.PatientAt("watch-b", Admission));
        Assert.Equal("P-1", registry.PatientAt("watch-a", DateTimeOffset.UnixEpoch));
    }

    [Theory]
    [InlineData("""{"devices":[{"patientId":"P-1"}]}""")]
    [InlineData("""{"consents":[{"patientId":"P 1"}]}""")]
    [InlineData("""{"devices":[""")]
    public async Task ReadSeedAsync_InvalidFile_FailsNamingTheKey(string json)
    {
        var path = Path.Combine(_folder.Path, "seed.json");
        await File.WriteAllTextAsync(path, json, TestContext.Current.CancellationToken);

        var error = await Assert.ThrowsAsync<InvalidOperationException>(() => DeviceRegistryLoader.ReadSeedAsync(path, TestContext.Current.CancellationToken));

        Assert.Contains("Devices:SeedFile", error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public async Task ReadSeedAsync_DocumentedExample_ReadsDevicesAndConsents()
    {
        var path = Path.Combine(_folder.Path, "seed.json");
        await File.WriteAllTextAsync(
            path,
            """{"devices":[{"deviceId":"dev-001","patientId":"P-1"},{"deviceId":"dev-002"}],"consents":[{"patientId":"P-1","scope":"monitoring","recordedBy":"admission"}]}""",
            TestContext.Current.CancellationToken);

        var seed = await DeviceRegistryLoader.ReadSeedAsync(path, TestContext.Current.CancellationToken);

        Assert.Equal(["P-1", null], seed.Devices!.Select(d => d.PatientId));
        Assert.Equal("admission", Assert.Single(seed.Consents!).RecordedBy);
    }
}

using Microsoft.Extensions.Options;
using Microsoft.Extensions.Time.Testing;
using WearableEdge.Clinical.Samples;
using WearableEdge.EdgeService.Devices;
using WearableEdge.EdgeService.Ingest;

namespace WearableEdge.EdgeService.Tests.Devices;

public sealed class DeviceGateTests : IDisposable
{
    private static readonly DateTimeOffset Swap = new(2026, 3, 1, 12, 0, 0, TimeSpan.Zero);
    private readonly TestDataDirectory _folder = new();
    private readonly FakeTimeProvider _time = new(Swap.AddHours(1));
    private readonly EdgeMetrics _metrics = TestMeterFactory.NewMetrics();

    public void Dispose()
    {
        _metrics.Dispose();
        _folder.Dispose();
    }

    /// <summary>watch-a on P-1 until the swap, watch-b on P-1 after it; watch-c on P-2 (no consent).</summary>
    private async Task<DeviceGate> NewGateAsync(DeviceRegistryMode mode)
    {
        var ct = TestContext.Current.CancellationToken;
        var registry = new DeviceRegistry(await _folder.MigratedDatabaseAsync(), _time);
        await registry.LoadAsync(ct);
        foreach (var device in new[] { "watch-a", "watch-b", "watch-c" })
        {
            await registry.RegisterAsync(device, "admin", ct);
        }

        await registry.AssignAsync("watch-a", "P-1", Swap.AddHours(-4), ct);
        await registry.UnassignAsync("watch-a", Swap, ct);
        await registry.AssignAsync("watch-b", "P-1", Swap, ct);
        await registry.AssignAsync("watch-c", "P-2", Swap.AddHours(-4), ct);
        await registry.RecordConsentAsync("P-1", "monitoring", "admin", ct);
        return new DeviceGate(registry, Options.Create(new DeviceOptions { Registry = mode }), _metrics, _time);
    }

    private static DecodedPayload.Vitals Vitals(string topicPatient, string device, params DateTimeOffset[] times) =>
        new(topicPatient, device, [.. times.Select(t => new WearableSample(topicPatient, device, t, new VitalSigns(HeartRate: 80)))]);

    [Fact]
    public async Task Admit_Off_PassesUnknownDevicesUnchanged()
    {
        var gate = await NewGateAsync(DeviceRegistryMode.Off);
        var vitals = Vitals("bed-7", "never-registered", Swap);

        Assert.Same(vitals, gate.Admit(vitals));
        Assert.False(gate.Enforced);
    }

    [Fact]
    public async Task Admit_OldDeviceLateSamplesAndNewDevice_BothGoToTheSamePatient()
    {
        var gate = await NewGateAsync(DeviceRegistryMode.Enforce);

        var late = Assert.IsType<DecodedPayload.Vitals>(gate.Admit(Vitals("whatever", "watch-a", Swap.AddMinutes(-20), Swap.AddMinutes(-10))));
        var fresh = Assert.IsType<DecodedPayload.Vitals>(gate.Admit(Vitals("whatever", "watch-b", Swap.AddMinutes(5))));

        Assert.All(late.Samples.Concat(fresh.Samples), s => Assert.Equal("P-1", s.PatientId));
        Assert.Equal("P-1", late.PatientId);
        Assert.Equal(2, late.Samples.Count);
    }

    [Fact]
    public async Task Admit_UnknownOrUnassignedDevice_RejectsAsUnknownDevice()
    {
        var gate = await NewGateAsync(DeviceRegistryMode.Enforce);

        var unknown = Assert.IsType<DecodedPayload.Rejected>(gate.Admit(Vitals("P-1", "never-registered", Swap)));
        // watch-a after the swap is registered but worn by no one.
        var unassigned = Assert.IsType<DecodedPayload.Rejected>(gate.Admit(Vitals("P-1", "watch-a", Swap.AddMinutes(1))));

        Assert.Equal(DeviceRejectReason.UnknownDevice, unknown.Reason);
        Assert.Equal(DeviceRejectReason.UnknownDevice, unassigned.Reason);
    }

    [Fact]
    public async Task Admit_PatientWithoutConsent_RejectsAsNoConsentWithoutPatientId()
    {
        var gate = await NewGateAsync(DeviceRegistryMode.Enforce);

        var rejected = Assert.IsType<DecodedPayload.Rejected>(gate.Admit(Vitals("P-2", "watch-c", Swap)));

        Assert.Equal(DeviceRejectReason.NoConsent, rejected.Reason);
        Assert.DoesNotContain("P-2", rejected.Detail, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Admit_BatchAcrossTheSwap_KeepsAssignedSamplesAndCountsTheRest()
    {
        var gate = await NewGateAsync(DeviceRegistryMode.Enforce);

        var admitted = Assert.IsType<DecodedPayload.Vitals>(gate.Admit(Vitals("P-1", "watch-a", Swap.AddMinutes(-1), Swap.AddMinutes(1), Swap.AddMinutes(2))));

        Assert.Equal([Swap.AddMinutes(-1)], admitted.Samples.Select(s => s.DeviceTime));
        Assert.Equal(2, _metrics.Family("samples")[DeviceRejectReason.UnknownDevice]);
    }

    [Fact]
    public async Task Admit_MotionAndDeviceStatus_ResolvedByTheirDeviceTime()
    {
        var gate = await NewGateAsync(DeviceRegistryMode.Enforce);
        var motion = new DecodedPayload.Motion("topic", "watch-b", Swap.AddMinutes(1), 1, 0.1, 25, [0f], [0f], [1f]);
        var status = new DecodedPayload.Device("topic", new WearableEdge.Contracts.DeviceStatus { SchemaVersion = 1, DeviceId = "watch-a", Ts = Swap.AddMinutes(1), BatteryPercent = 80, WearStatus = WearableEdge.Contracts.WearStatus.Unknown, SignalQuality = 0.9 });

        Assert.Equal("P-1", Assert.IsType<DecodedPayload.Motion>(gate.Admit(motion)).PatientId);
        Assert.Equal(DeviceRejectReason.UnknownDevice, Assert.IsType<DecodedPayload.Rejected>(gate.Admit(status)).Reason);
    }
}

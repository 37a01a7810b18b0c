using WearableEdge.Clinical.Samples;
using WearableEdge.EdgeService.Storage;

namespace WearableEdge.EdgeService.Tests.Storage;

public sealed class SampleStoreTests : IDisposable
{
    private static readonly DateTimeOffset Arrived = new(2025, 3, 1, 9, 0, 0, TimeSpan.Zero);

    private readonly TestDataDirectory _folder = new();

    public void Dispose() => _folder.Dispose();

    private static WearableSample Sample(double seconds, VitalSigns vitals, string patientId = "p-001") =>
        new(patientId, "dev-" + patientId, TestAlerts.T0.AddSeconds(seconds), vitals);

    private static List<WearableSample> HeartRates(int fromSecond, int count) =>
        [.. Enumerable.Range(fromSecond, count).Select(s => Sample(s, new VitalSigns(HeartRate: 60 + s)))];

    private async Task<(EdgeDatabase Database, SampleStore Store)> NewStoreAsync()
    {
        var database = await _folder.MigratedDatabaseAsync();
        return (database, new SampleStore(database));
    }

    [Fact]
    public async Task AppendAsync_AllVitals_StoresOneRowWithEveryColumn()
    {
        var (database, store) = await NewStoreAsync();
        var sample = Sample(5.25, new VitalSigns(HeartRate: 88, SpO2: 95, RespirationRate: 18, Temperature: 37.2, SystolicBp: 121));

        await store.AppendAsync([sample], Arrived, TestContext.Current.CancellationToken);

        Assert.Equal(1, await SqlQueries.CountAsync(
            database,
            """
            SELECT COUNT(*) FROM samples WHERE patient_id = 'p-001' AND device_id = 'dev-p-001' AND ts = $ts AND received_at = $received
              AND heart_rate = 88 AND spo2 = 95 AND respiration_rate = 18 AND temperature = 37.2 AND systolic_bp = 121;
            """,
            ("$ts", sample.DeviceTime.ToUnixTimeMilliseconds()),
            ("$received", Arrived.ToUnixTimeMilliseconds())));
    }

    [Fact]
    public async Task AppendAsync_AbsentVitals_AreStoredAsNull()
    {
        var (database, store) = await NewStoreAsync();

        await store.AppendAsync([Sample(0, new VitalSigns(HeartRate: 72))], Arrived, TestContext.Current.CancellationToken);

        Assert.Equal(1, await SqlQueries.CountAsync(
            database,
            "SELECT COUNT(*) FROM samples WHERE heart_rate = 72 AND spo2 IS NULL AND respiration_rate IS NULL AND temperature IS NULL AND systolic_bp IS NULL;"));
    }

    [Fact]
    public async Task AppendAsync_Batch_StoresEverySampleAndCountAgrees()
    {
        var (database, store) = await NewStoreAsync();
        var ct = TestContext.Current.CancellationToken;

        await store.AppendAsync(HeartRates(0, 25), Arrived, ct);
        await store.AppendAsync([], Arrived, ct);

        Assert.Equal(25, await store.CountAsync(ct));
        Assert.Equal(25, await SqlQueries.CountAsync(database, "SELECT COUNT(DISTINCT ts) FROM samples;"));
        Assert.Equal(84, await SqlQueries.CountAsync(database, "SELECT MAX(heart_rate) FROM samples;"));
    }

    [Fact]
    public async Task PurgeAsync_OldSamples_DeletesAtMostBatchOldestArrivalFirst()
    {
        var (database, store) = await NewStoreAsync();
        var ct = TestContext.Current.CancellationToken;
        // Arrival order is the opposite of device order: a backfill of older device times came last.
        await store.AppendAsync(HeartRates(100, 4), Arrived.AddHours(-3), ct);
        await store.AppendAsync(HeartRates(0, 4), Arrived.AddHours(-2), ct);
        await store.AppendAsync(HeartRates(200, 4), Arrived, ct);
        var cutoff = Arrived.AddHours(-1);

        var first = await store.PurgeAsync(cutoff, batchSize: 5, ct);

        Assert.Equal(5, first);
        Assert.Equal(0, await SqlQueries.CountAsync(database, "SELECT COUNT(*) FROM samples WHERE received_at = $r;", ("$r", Arrived.AddHours(-3).ToUnixTimeMilliseconds())));
        Assert.Equal(3, await SqlQueries.CountAsync(database, "SELECT COUNT(*) FROM samples WHERE received_at = $r;", ("$r", Arrived.AddHours(-2).ToUnixTimeMilliseconds())));
        Assert.Equal(3, await store.PurgeAsync(cutoff, batchSize: 5, ct));
        Assert.Equal(0, await store.PurgeAsync(cutoff, batchSize: 5, ct));
        Assert.Equal(4, await store.CountAsync(ct));
        Assert.Equal(4, await SqlQueries.CountAsync(database, "SELECT COUNT(*) FROM samples WHERE received_at = $r;", ("$r", Arrived.ToUnixTimeMilliseconds())));
    }

    [Fact]
    public async Task PurgeAsync_CutoffIsExclusive_KeepsSamplesThatArrivedAtCutoff()
    {
        var (_, store) = await NewStoreAsync();
        var ct = TestContext.Current.CancellationToken;
        await store.AppendAsync(HeartRates(0, 3), Arrived, ct);

        Assert.Equal(0, await store.PurgeAsync(Arrived, batchSize: 100, ct));
        Assert.Equal(3, await store.PurgeAsync(Arrived.AddMilliseconds(1), batchSize: 100, ct));
        Assert.Equal(0, await store.CountAsync(ct));
    }

    [Fact]
    public async Task AppendAsync_PatientsAcrossBatchesAndARestart_EachListedOnceInSamplePatientsWithFirstArrival()
    {
        var (database, store) = await NewStoreAsync();
        var ct = TestContext.Current.CancellationToken;
        await store.AppendAsync([Sample(0, new VitalSigns(HeartRate: 70)), Sample(1, new VitalSigns(HeartRate: 71))], Arrived, ct);
        await store.AppendAsync([Sample(2, new VitalSigns(HeartRate: 72)), Sample(2, new VitalSigns(HeartRate: 80), "p-002")], Arrived.AddSeconds(1), ct);

        // A restarted service knows nothing yet: it reads the list back and adds only the new patient.
        var restarted = new SampleStore(database);
        await restarted.AppendAsync([Sample(3, new VitalSigns(HeartRate: 73)), Sample(3, new VitalSigns(HeartRate: 90), "p-003")], Arrived.AddSeconds(2), ct);

        Assert.Equal(3, await SqlQueries.CountAsync(database, "SELECT COUNT(*) FROM sample_patients;"));
        Assert.Equal(Arrived.ToUnixTimeMilliseconds(), await SqlQueries.CountAsync(database, "SELECT first_seen_at FROM sample_patients WHERE patient_id = 'p-001';"));
        Assert.Equal(Arrived.AddSeconds(2).ToUnixTimeMilliseconds(), await SqlQueries.CountAsync(database, "SELECT first_seen_at FROM sample_patients WHERE patient_id = 'p-003';"));
        Assert.Equal(6, await SqlQueries.CountAsync(database, "SELECT COUNT(*) FROM samples;"));
    }
}

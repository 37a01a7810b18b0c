using Microsoft.Extensions.Options;
using WearableEdge.Contracts;
using WearableEdge.EdgeService.Storage;
using WearableEdge.EdgeService.Sync;

// Writes alerts to the service's SQLite store in a tight loop, through the service's own
// EdgeDatabase and AlertStore, until it is killed. The power-loss test SIGKILLs it at a random
// instant and checks that the file is intact and that every alert reported here was kept.
//
// Usage: WearableEdge.StoreWriter <data folder>
// Prints "ready" once the store is migrated, then the id of each alert after its commit returned.
if (args.Length != 1 || string.IsNullOrWhiteSpace(args[0]))
{
    await Console.Error.WriteLineAsync("usage: WearableEdge.StoreWriter <data folder>");
    return 2;
}

var stdout = new StreamWriter(Console.OpenStandardOutput()) { AutoFlush = true };
var database = new EdgeDatabase(Options.Create(new StorageOptions { DataDirectory = args[0] }));
await database.MigrateAsync();
var store = new AlertStore(database, targets: [], new OutboxSignal(), TimeProvider.System);
await stdout.WriteLineAsync("ready");

// Ids unique across runs on the same folder, so every commit adds a row and the count can only grow.
var run = Guid.NewGuid().ToString("N")[..12];
var deviceTime = new DateTimeOffset(2026, 1, 1, 8, 0, 0, TimeSpan.Zero);
for (var n = 0L; ; n++)
{
    var at = deviceTime.AddSeconds(n);
    var alert = new AlertMessage
    {
        SchemaVersion = ContractVersion.V1,
        Id = $"al-{run}-{n}",
        PatientId = $"patient-{(n % 30) + 1:000}",
        Type = "news2",
        Priority = "medium",
        Status = "active",
        RaisedAt = at,
        StoredAt = TimeProvider.System.GetUtcNow(),
        Score = 5,
        Reason = "store writer: power-loss test",
        RuleId = "news2-band",
        RuleVersion = "1.0.0",
        ScoreSourceKind = "rule",
        ScoreSourceId = "news2-wearable",
        ScoreSourceVersion = "store-writer",
        Completeness = 1,
        NotAssessed = ["airOrOxygen", "consciousness"],
        WindowStart = at.AddMinutes(-1),
        WindowEnd = at,
        Late = false,
        Parameters = [new AlertParameter { Name = "spO2", Loinc = "59408-5", Value = 87, Unit = "%", Points = 3 }],
    };
    await store.RecordAsync(new AlertTransition(alert, AlertTransition.Raised, at));

    // Only after RecordAsync returned (the transaction committed with synchronous=FULL).
    await stdout.WriteLineAsync(alert.Id);
}

using Microsoft.Extensions.Options;
using WearableEdge.Contracts;
using WearableEdge.EdgeService.Ingest;

namespace WearableEdge.EdgeService.Tests.Ingest;

/// <summary>The dead-letter queue holds at most 1,000 letters and at most <c>Ingest:DeadLetterMaxBytes</c> bytes.</summary>
public sealed class DeadLetterBudgetTests : IDisposable
{
    private readonly EdgeMetrics _metrics = TestMeterFactory.NewMetrics();
    private readonly TestDataDirectory _folder = new();

    public void Dispose()
    {
        _metrics.Dispose();
        _folder.Dispose();
    }

    private DeadLetterQueue Queue(int maxBytes) => new(_metrics, Options.Create(new DeadLetterOptions { DeadLetterMaxBytes = maxBytes }));

    private static DeadLetterMessage Letter(int payloadBytes, int n = 0) => new()
    {
        SchemaVersion = ContractVersion.V1,
        Topic = "wearables/p-001/vitals",
        Reason = "malformed-json",
        Detail = $"letter {n:D4}",
        ReceivedAt = DateTimeOffset.UnixEpoch,
        PayloadBase64 = Convert.ToBase64String(new byte[payloadBytes]),
    };

    private long Dropped => _metrics.Family("dead_letters_unpublished").Values.Sum();

    [Fact]
    public void Enqueue_MalformedPayloadsJustUnderTheIngestLimit_BytesStayWithinTheBudget()
    {
        const int budget = 4 * 1024 * 1024;
        var queue = Queue(budget);
        // A malformed payload under Ingest:MaxPayloadBytes is dead-lettered whole: 1,000 of them would hold ~530 MB.
        var letterSize = DeadLetterQueue.SizeOf(Letter(250_000));
        for (var i = 0; i < 1_000; i++)
        {
            queue.Enqueue(Letter(250_000, i));
            Assert.InRange(queue.Bytes, 0, budget);
        }

        Assert.Equal(budget / letterSize, queue.Count);
        Assert.Equal(queue.Count * letterSize, queue.Bytes);
        Assert.Equal(1_000 - queue.Count, Dropped);
    }

    [Fact]
    public async Task ReadAll_DrainsOldestKeptFirst_AndReleasesTheBytes()
    {
        var ct = TestContext.Current.CancellationToken;
        var queue = Queue(DeadLetterOptions.MinBytes);
        var perLetter = DeadLetterQueue.SizeOf(Letter(10_000));
        for (var i = 0; i < 10; i++)
        {
            queue.Enqueue(Letter(10_000, i));
        }

        var kept = (int)(DeadLetterOptions.MinBytes / perLetter);
        Assert.Equal(kept, queue.Count);
        var read = new List<string>();
        await foreach (var letter in queue.ReadAllAsync(ct))
        {
            read.Add(letter.Detail);
            if (queue.Count == 0)
            {
                break;
            }
        }

        Assert.Equal(Enumerable.Range(10 - kept, kept).Select(i => $"letter {i:D4}"), read);
        Assert.Equal(0, queue.Bytes);
    }

    [Fact]
    public void Enqueue_SmallLetters_CountBoundStillHolds()
    {
        var queue = Queue(DeadLetterOptions.MaxBytes);
        for (var i = 0; i < 1_500; i++)
        {
            queue.Enqueue(Letter(100, i));
        }

        Assert.Equal(DeadLetterQueue.Capacity, queue.Count);
        Assert.Equal(DeadLetterQueue.Capacity * DeadLetterQueue.SizeOf(Letter(100)), queue.Bytes);
        Assert.Equal(500, Dropped);
    }

    [Fact]
    public void Enqueue_LetterLargerThanTheBudget_KeepsOnlyThePayloadHead()
    {
        var queue = Queue(DeadLetterOptions.MinBytes);
        queue.Enqueue(Letter(200_000));

        Assert.True(queue.Reader.TryPeek(out var kept));
        Assert.Equal(PayloadLimitOptions.DeadLetterPrefixBytes, Convert.FromBase64String(kept.PayloadBase64).Length);
        Assert.InRange(queue.Bytes, 1, DeadLetterOptions.MinBytes);
    }

    [Theory]
    [InlineData(1024, false)]
    [InlineData(DeadLetterOptions.MinBytes, true)]
    [InlineData(4 * 1024 * 1024, true)]
    [InlineData(DeadLetterOptions.MaxBytes + 1, false)]
    public void Validator_NamesTheKey(int bytes, bool valid)
    {
        var result = new DeadLetterOptionsValidator().Validate(null, new DeadLetterOptions { DeadLetterMaxBytes = bytes });

        Assert.Equal(valid, result.Succeeded);
        if (!valid)
        {
            Assert.Contains("Ingest:DeadLetterMaxBytes", result.FailureMessage, StringComparison.Ordinal);
        }
    }

    [Fact]
    public async Task StartAsync_DeadLetterBudgetTooSmall_IsConfigurationErrorNamingTheKey()
    {
        string[] args = ["--Ingest:DeadLetterMaxBytes=10", "--urls=http://127.0.0.1:0", "--Mqtt:EmbeddedPort=0", "--Logging:LogLevel:Default=None", $"--Storage:DataDirectory={_folder.Path}"];
        var app = EdgeServiceHost.Build(args);
        await using (app)
        {
            var error = await Assert.ThrowsAnyAsync<Exception>(() => app.StartAsync(TestContext.Current.CancellationToken));
            Assert.True(EdgeServiceHost.IsConfigurationError(error, out var message), error.ToString());
            Assert.Contains("Ingest:DeadLetterMaxBytes", message, StringComparison.Ordinal);
        }
    }
}

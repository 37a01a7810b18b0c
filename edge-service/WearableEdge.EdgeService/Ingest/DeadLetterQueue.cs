using System.Text.Json;
using System.Threading.Channels;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;
using WearableEdge.Contracts;

namespace WearableEdge.EdgeService.Ingest;

/// <summary>The dead-letter queue's memory bound. Section <c>Ingest</c>, key <c>DeadLetterMaxBytes</c>.</summary>
public sealed class DeadLetterOptions
{
    public const string SectionName = "Ingest";

    /// <summary>Smallest budget accepted: room for a few dozen ordinary letters.</summary>
    public const int MinBytes = 64 * 1024;

    /// <summary>Largest budget accepted.</summary>
    public const int MaxBytes = 256 * 1024 * 1024;

    /// <summary>
    /// Most bytes the dead letters waiting for publication may hold in memory, counted as
    /// <see cref="DeadLetterQueue.SizeOf"/> does (2 bytes per character of topic, reason, detail and
    /// base64 payload, plus 64 per letter). Default 4 MiB: 1,000 letters with a 1 KiB payload take about 3 MB.
    /// </summary>
    public int DeadLetterMaxBytes { get; set; } = 4 * 1024 * 1024;
}

internal sealed class DeadLetterOptionsValidator : IValidateOptions<DeadLetterOptions>
{
    public ValidateOptionsResult Validate(string? name, DeadLetterOptions options) =>
        options.DeadLetterMaxBytes is < DeadLetterOptions.MinBytes or > DeadLetterOptions.MaxBytes
            ? ValidateOptionsResult.Fail($"Ingest:DeadLetterMaxBytes must be {DeadLetterOptions.MinBytes}–{DeadLetterOptions.MaxBytes}, not {options.DeadLetterMaxBytes}")
            : ValidateOptionsResult.Success;
}

/// <summary>
/// Rejected payloads waiting to be published on <c>wearable-edge/dead-letter</c>. Bounded twice: at
/// most <see cref="Capacity"/> letters and at most <see cref="DeadLetterOptions.DeadLetterMaxBytes"/>
/// bytes. Under a flood of garbage the oldest dead letters are dropped from publishing (counted
/// <c>dead_letters_unpublished</c>), but every rejection is still counted by reason, and ingest
/// never waits on it. A letter larger than the whole budget on its own keeps only the first
/// <see cref="PayloadLimitOptions.DeadLetterPrefixBytes"/> bytes of its payload. Dead letters live in
/// memory only; nothing of them is written to the gateway's disk.
/// </summary>
public sealed class DeadLetterQueue
{
    /// <summary>Dead letters held while the broker is unreachable.</summary>
    public const int Capacity = 1_000;

    private readonly EdgeMetrics _metrics;
    private readonly long _maxBytes;
    private readonly Lock _gate = new();
    private readonly Channel<DeadLetterMessage> _queue;
    private long _bytes;

    /// <summary>A queue with the default byte budget.</summary>
    public DeadLetterQueue(EdgeMetrics metrics)
        : this(metrics, Options.Create(new DeadLetterOptions()))
    {
    }

    /// <summary>A queue with the configured byte budget.</summary>
    public DeadLetterQueue(EdgeMetrics metrics, IOptions<DeadLetterOptions> options)
    {
        ArgumentNullException.ThrowIfNull(options);
        _metrics = metrics;
        _maxBytes = options.Value.DeadLetterMaxBytes;
        _queue = Channel.CreateBounded<DeadLetterMessage>(
            new BoundedChannelOptions(Capacity) { FullMode = BoundedChannelFullMode.DropOldest },
            dropped =>
            {
                Interlocked.Add(ref _bytes, -SizeOf(dropped));
                metrics.DeadLetterDropped();
            });
    }

    /// <summary>Bytes the waiting letters hold now.</summary>
    public long Bytes => Interlocked.Read(ref _bytes);

    /// <summary>Letters waiting now.</summary>
    public int Count => _queue.Reader.Count;

    /// <summary>What a letter is counted as: 2 bytes per character of its strings (UTF-16), plus 64 for the object.</summary>
    public static long SizeOf(DeadLetterMessage message)
    {
        ArgumentNullException.ThrowIfNull(message);
        return 64 + (2L * (message.Topic.Length + message.Reason.Length + message.Detail.Length + message.PayloadBase64.Length));
    }

    public void Enqueue(DeadLetterMessage message)
    {
        ArgumentNullException.ThrowIfNull(message);
        if (SizeOf(message) > _maxBytes)
        {
            // The first DeadLetterPrefixBytes bytes: decode just enough whole base64 groups (4 characters per 3 bytes).
            var chars = Math.Min(((PayloadLimitOptions.DeadLetterPrefixBytes + 2) / 3) * 4, message.PayloadBase64.Length);
            var head = Convert.FromBase64String(message.PayloadBase64[..chars]);
            message = message with { PayloadBase64 = Convert.ToBase64String(head.AsSpan(0, Math.Min(head.Length, PayloadLimitOptions.DeadLetterPrefixBytes))) };
        }

        var size = SizeOf(message);
        lock (_gate)
        {
            // Make room under the byte budget, oldest first; the letter count is the channel's own bound.
            while (Interlocked.Read(ref _bytes) + size > _maxBytes && _queue.Reader.TryRead(out var oldest))
            {
                Interlocked.Add(ref _bytes, -SizeOf(oldest));
                _metrics.DeadLetterDropped();
            }

            Interlocked.Add(ref _bytes, size);
            _queue.Writer.TryWrite(message);
        }
    }

    /// <summary>The raw channel, for tests that look at a letter: reading it here skips the byte count.</summary>
    internal ChannelReader<DeadLetterMessage> Reader => _queue.Reader;

    /// <summary>The next letter to publish, once one is waiting.</summary>
    internal async IAsyncEnumerable<DeadLetterMessage> ReadAllAsync([System.Runtime.CompilerServices.EnumeratorCancellation] CancellationToken cancellationToken = default)
    {
        while (await _queue.Reader.WaitToReadAsync(cancellationToken).ConfigureAwait(false))
        {
            DeadLetterMessage? message;
            lock (_gate)
            {
                if (!_queue.Reader.TryRead(out message))
                {
                    continue;
                }

                Interlocked.Add(ref _bytes, -SizeOf(message));
            }

            yield return message;
        }
    }
}

/// <summary>Publishes dead letters at QoS 1; waits for the connection while the broker is down.</summary>
internal sealed class DeadLetterPublisher(
    DeadLetterQueue queue,
    MqttGatewayClient client,
    EdgeMetrics metrics,
    TimeProvider timeProvider,
    ILogger<DeadLetterPublisher> logger) : BackgroundService
{
    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        await foreach (var message in queue.ReadAllAsync(stoppingToken).ConfigureAwait(false))
        {
            var payload = JsonSerializer.SerializeToUtf8Bytes(message, ContractJsonContext.Default.DeadLetterMessage);
            for (var attempt = 1; !stoppingToken.IsCancellationRequested; attempt++)
            {
                try
                {
                    await client.PublishAsync(Topics.DeadLetter, payload, stoppingToken).ConfigureAwait(false);
                    break;
                }
                catch (Exception e) when (e is not OperationCanceledException)
                {
                    if (attempt >= 30)
                    {
                        metrics.DeadLetterDropped();
                        Log.DeadLetterNotPublished(logger, message.Reason);
                        break;
                    }

                    await Task.Delay(TimeSpan.FromSeconds(1), timeProvider, stoppingToken).ConfigureAwait(false);
                }
            }
        }
    }
}

using System.Text.Json;
using System.Threading.Channels;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;
using WearableEdge.Contracts;

namespace WearableEdge.EdgeService.Ingest;

/// <summary>
/// Rejected payloads waiting to be published on <c>wearable-edge/dead-letter</c>. Bounded: under a
/// flood of garbage the oldest dead letters are dropped from publishing, but every rejection is
/// still counted by reason, and ingest never waits on it.
/// </summary>
public sealed class DeadLetterQueue(EdgeMetrics metrics)
{
    /// <summary>Dead letters held while the broker is unreachable.</summary>
    public const int Capacity = 1_000;

    private readonly Channel<DeadLetterMessage> _queue = Channel.CreateBounded<DeadLetterMessage>(
        new BoundedChannelOptions(Capacity) { FullMode = BoundedChannelFullMode.DropOldest, SingleReader = true },
        _ => metrics.DeadLetterDropped());

    public void Enqueue(DeadLetterMessage message) => _queue.Writer.TryWrite(message);

    internal ChannelReader<DeadLetterMessage> Reader => _queue.Reader;
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
        await foreach (var message in queue.Reader.ReadAllAsync(stoppingToken).ConfigureAwait(false))
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

using WearableEdge.DeviceSim.Generation;

namespace WearableEdge.DeviceSim.Publishing;

/// <summary>Where generated messages go: the MQTT broker in a run, a list in a unit test.</summary>
internal interface IMessageSink : IAsyncDisposable
{
    /// <summary>Connects, retrying until it succeeds or <paramref name="cancellationToken"/> is cancelled.</summary>
    Task ConnectAsync(CancellationToken cancellationToken);

    /// <summary>Publishes one message; completes when the broker acknowledged it (QoS 1).</summary>
    Task PublishAsync(OutgoingMessage message, CancellationToken cancellationToken);

    /// <summary>
    /// Publishes messages in order per patient; completes when the broker acknowledged them all. A sink
    /// with several connections publishes on them side by side; this default publishes one by one.
    /// </summary>
    async Task PublishAllAsync(IReadOnlyList<OutgoingMessage> messages, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(messages);
        foreach (var message in messages)
        {
            await PublishAsync(message, cancellationToken).ConfigureAwait(false);
        }
    }
}

using System.Collections.Concurrent;
using System.Threading.Channels;
using WearableEdge.Contracts;

namespace WearableEdge.EdgeService.Alerts;

/// <summary>
/// In-process fan-out of stored alerts to live listeners (the SSE stream). <see cref="Storage.AlertStore"/>
/// publishes each alert after its transaction committed, so a listener never sees an alert that
/// is not in the store. Each listener has its own bounded queue; a listener too slow to keep up
/// loses its oldest pending alerts (counted), never blocks the store.
/// </summary>
public sealed class AlertFeed
{
    /// <summary>Alerts a listener may have pending before the oldest is dropped.</summary>
    public const int ListenerCapacity = 256;

    private readonly ConcurrentDictionary<AlertFeedListener, byte> _listeners = new();

    private long _dropped;

    /// <summary>Alerts dropped because a listener was too slow, since start.</summary>
    public long Dropped => Interlocked.Read(ref _dropped);

    /// <summary>Listeners connected now.</summary>
    public int ListenerCount => _listeners.Count;

    /// <summary>A new listener; dispose it to stop listening.</summary>
    public AlertFeedListener Listen()
    {
        var listener = new AlertFeedListener(this);
        _listeners[listener] = 0;
        return listener;
    }

    /// <summary>Hands <paramref name="alert"/> to every listener. Call only after the alert is committed.</summary>
    public void Publish(AlertMessage alert)
    {
        ArgumentNullException.ThrowIfNull(alert);
        foreach (var listener in _listeners.Keys)
        {
            if (!listener.Offer(alert))
            {
                Interlocked.Increment(ref _dropped);
            }
        }
    }

    internal void Remove(AlertFeedListener listener) => _listeners.TryRemove(listener, out _);
}

/// <summary>One listener of the <see cref="AlertFeed"/>.</summary>
public sealed class AlertFeedListener : IDisposable
{
    private readonly AlertFeed _feed;
    private readonly Channel<AlertMessage> _queue = Channel.CreateBounded<AlertMessage>(new BoundedChannelOptions(AlertFeed.ListenerCapacity)
    {
        FullMode = BoundedChannelFullMode.DropOldest,
        SingleReader = true,
    });

    internal AlertFeedListener(AlertFeed feed) => _feed = feed;

    /// <summary>Alerts in the order they were stored.</summary>
    public ChannelReader<AlertMessage> Alerts => _queue.Reader;

    internal bool Offer(AlertMessage alert)
    {
        var full = _queue.Reader.Count >= AlertFeed.ListenerCapacity;
        _queue.Writer.TryWrite(alert);
        return !full;
    }

    public void Dispose()
    {
        _feed.Remove(this);
        _queue.Writer.TryComplete();
    }
}

using WearableEdge.DeviceSim.Generation;
using WearableEdge.DeviceSim.Publishing;

namespace WearableEdge.DeviceSim.Tests;

/// <summary>A sink that keeps what it is given and completes a wait once a condition on it holds.</summary>
internal sealed class RecordingSink : IMessageSink
{
    private readonly Lock _gate = new();
    private readonly List<OutgoingMessage> _messages = [];
    private (Func<IReadOnlyList<OutgoingMessage>, bool> Condition, TaskCompletionSource Done)? _wait;

    public bool Connected { get; private set; }

    public bool Disposed { get; private set; }

    public IReadOnlyList<OutgoingMessage> Messages
    {
        get
        {
            lock (_gate)
            {
                return [.. _messages];
            }
        }
    }

    public Task ConnectAsync(CancellationToken cancellationToken)
    {
        Connected = true;
        return Task.CompletedTask;
    }

    public Task PublishAsync(OutgoingMessage message, CancellationToken cancellationToken)
    {
        lock (_gate)
        {
            _messages.Add(message);
            if (_wait is { } wait && wait.Condition(_messages))
            {
                wait.Done.TrySetResult();
            }
        }

        return Task.CompletedTask;
    }

    /// <summary>Completes when <paramref name="condition"/> holds over the messages so far; fails after 10 s.</summary>
    public Task WaitUntil(Func<IReadOnlyList<OutgoingMessage>, bool> condition)
    {
        var done = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        lock (_gate)
        {
            if (condition(_messages))
            {
                return Task.CompletedTask;
            }

            _wait = (condition, done);
        }

        return done.Task.WaitAsync(TimeSpan.FromSeconds(10));
    }

    public ValueTask DisposeAsync()
    {
        Disposed = true;
        return ValueTask.CompletedTask;
    }
}

using System.Collections.Concurrent;

namespace RapidSms.Backends.Email.Tests.Infrastructure;

/// <summary>
/// Keeps every incoming message; answers "echo X" with X; holds a message whose text is "hold" until
/// <see cref="Release"/> is called.
/// </summary>
public sealed class RecordingApp : AppBase
{
    private readonly ConcurrentQueue<IncomingMessage> _received = new();
    private readonly SemaphoreSlim _arrived = new(0);
    private readonly TaskCompletionSource _holding = new(TaskCreationOptions.RunContinuationsAsynchronously);
    private readonly TaskCompletionSource _release = new(TaskCreationOptions.RunContinuationsAsynchronously);

    public IReadOnlyList<IncomingMessage> Received => [.. _received];

    /// <summary>Completes when a "hold" message reached the app.</summary>
    public Task Holding => _holding.Task;

    public void Release() => _release.TrySetResult();

    public override async ValueTask<bool> HandleAsync(IncomingMessage message, CancellationToken cancellationToken)
    {
        if (message.Text == "hold")
        {
            _holding.TrySetResult();
            await _release.Task.WaitAsync(cancellationToken);
        }

        if (message.Text.StartsWith("echo ", StringComparison.Ordinal))
        {
            message.Respond(message.Text["echo ".Length..]);
        }

        _received.Enqueue(message);
        _arrived.Release();
        return true;
    }

    /// <summary>Waits until at least <paramref name="count"/> messages arrived.</summary>
    public async Task<IReadOnlyList<IncomingMessage>> WaitForAsync(int count, CancellationToken cancellationToken)
    {
        while (_received.Count < count)
        {
            await _arrived.WaitAsync(cancellationToken);
        }

        return Received;
    }
}

namespace RapidSms.Tests.Shared;

/// <summary>Records incoming messages and delivery reports; answers "echo X" with "X" through the same backend.</summary>
public sealed class RecordingApp : AppBase, IDeliveryReportObserver
{
    private readonly Lock _gate = new();
    private readonly List<IncomingMessage> _received = [];
    private readonly List<DeliveryReport> _reports = [];
    private readonly List<(Func<bool> Ready, TaskCompletionSource Signal)> _waiters = [];

    public Func<IncomingMessage, bool>? Reject { get; set; }

    /// <summary>Awaited before a message is recorded: lets a test keep the router busy with it.</summary>
    public Func<IncomingMessage, Task>? Hold { get; set; }

    public IReadOnlyList<IncomingMessage> Received
    {
        get
        {
            lock (_gate)
            {
                return [.. _received];
            }
        }
    }

    public IReadOnlyList<DeliveryReport> Reports
    {
        get
        {
            lock (_gate)
            {
                return [.. _reports];
            }
        }
    }

    public override async ValueTask<bool> HandleAsync(IncomingMessage message, CancellationToken cancellationToken)
    {
        if (Hold is { } hold)
        {
            await hold(message);
        }

        if (Reject?.Invoke(message) == true)
        {
            throw new InvalidOperationException("rejected by the test");
        }

        if (message.Text.StartsWith("echo ", StringComparison.Ordinal))
        {
            message.Respond(message.Text[5..]);
        }

        lock (_gate)
        {
            _received.Add(message);
        }

        Signal();
        return true;
    }

    public ValueTask OnDeliveryReportAsync(DeliveryReport report, CancellationToken cancellationToken)
    {
        lock (_gate)
        {
            _reports.Add(report);
        }

        Signal();
        return ValueTask.CompletedTask;
    }

    public Task<IReadOnlyList<IncomingMessage>> WaitForReceivedAsync(int count, CancellationToken cancellationToken) =>
        WaitAsync(() => _received.Count >= count, () => Received, cancellationToken);

    public Task<IReadOnlyList<DeliveryReport>> WaitForReportsAsync(int count, CancellationToken cancellationToken) =>
        WaitAsync(() => _reports.Count >= count, () => Reports, cancellationToken);

    private async Task<IReadOnlyList<T>> WaitAsync<T>(Func<bool> ready, Func<IReadOnlyList<T>> result, CancellationToken cancellationToken)
    {
        var signal = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        lock (_gate)
        {
            if (ready())
            {
                return result();
            }

            _waiters.Add((ready, signal));
        }

        await signal.Task.WaitAsync(cancellationToken);
        return result();
    }

    private void Signal()
    {
        List<TaskCompletionSource> ready = [];
        lock (_gate)
        {
            for (var i = _waiters.Count - 1; i >= 0; i--)
            {
                if (_waiters[i].Ready())
                {
                    ready.Add(_waiters[i].Signal);
                    _waiters.RemoveAt(i);
                }
            }
        }

        ready.ForEach(s => s.TrySetResult());
    }
}

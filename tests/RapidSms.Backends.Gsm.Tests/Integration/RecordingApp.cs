using System.Collections.Concurrent;

namespace RapidSms.Backends.Gsm.Tests.Integration;

/// <summary>Records what arrives and what is reported; "echo X" is answered with X through the same backend.</summary>
internal sealed class RecordingApp : AppBase, IDeliveryReportObserver
{
    private readonly Lock _gate = new();
    private readonly List<IncomingMessage> _received = [];
    private readonly List<DeliveryReport> _reports = [];
    private readonly List<(Func<bool> Condition, TaskCompletionSource Signal)> _waiters = [];

    /// <summary>Runs inside the handle phase before the message counts as received (to hold the router).</summary>
    public Func<IncomingMessage, Task>? OnHandle { get; set; }

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
        if (OnHandle is { } hook)
        {
            await hook(message);
        }

        if (message.Text.StartsWith("echo ", StringComparison.Ordinal))
        {
            message.Respond(message.Text[5..]);
        }

        lock (_gate)
        {
            _received.Add(message);
            Signal();
        }

        return true;
    }

    public ValueTask OnDeliveryReportAsync(DeliveryReport report, CancellationToken cancellationToken)
    {
        lock (_gate)
        {
            _reports.Add(report);
            Signal();
        }

        return ValueTask.CompletedTask;
    }

    public Task WaitForReceivedAsync(int count, CancellationToken cancellationToken) => WaitUntilAsync(() => _received.Count >= count, cancellationToken);

    public Task WaitForReportsAsync(int count, CancellationToken cancellationToken) => WaitUntilAsync(() => _reports.Count >= count, cancellationToken);

    private async Task WaitUntilAsync(Func<bool> condition, CancellationToken cancellationToken)
    {
        var signal = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        lock (_gate)
        {
            if (condition())
            {
                return;
            }

            _waiters.Add((condition, signal));
        }

        await signal.Task.WaitAsync(cancellationToken);
    }

    private void Signal()
    {
        for (var i = _waiters.Count - 1; i >= 0; i--)
        {
            if (_waiters[i].Condition())
            {
                _waiters[i].Signal.TrySetResult();
                _waiters.RemoveAt(i);
            }
        }
    }
}

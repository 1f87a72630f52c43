namespace RapidSms.Backends.Smpp.Session;

/// <summary>
/// Pauses the whole bind after a throttling answer and lets the PDUs that were throttled go first when it
/// resumes, so order is kept: new PDUs wait while any throttled one is still waiting to be sent again.
/// </summary>
internal sealed class SendGate : IDisposable
{
    private readonly TimeProvider _time;
    private readonly Lock _gate = new();
    private readonly ITimer _timer;
    private TaskCompletionSource _changed = new(TaskCreationOptions.RunContinuationsAsynchronously);
    private long _resumeAt;
    private int _priority;
    private volatile bool _open = true;

    public SendGate(TimeProvider time)
    {
        _time = time;
        _timer = time.CreateTimer(_ => Signal(), null, Timeout.InfiniteTimeSpan, Timeout.InfiniteTimeSpan);
    }

    /// <summary>Whether the bind is paused now.</summary>
    public bool IsPaused
    {
        get
        {
            lock (_gate)
            {
                return _resumeAt > _time.GetTimestamp();
            }
        }
    }

    /// <summary>Waits until a PDU may be written: not paused, and (unless it is a throttled one) no throttled PDU is waiting.</summary>
    public async ValueTask WaitAsync(bool priority, CancellationToken cancellationToken)
    {
        if (_open)
        {
            return;
        }

        while (true)
        {
            Task changed;
            TimeSpan wait;
            lock (_gate)
            {
                var now = _time.GetTimestamp();
                if (_resumeAt <= now && (priority || _priority == 0))
                {
                    return;
                }

                changed = _changed.Task;
                wait = _resumeAt > now ? _time.GetElapsedTime(now, _resumeAt) : Timeout.InfiniteTimeSpan;
            }

            if (wait != Timeout.InfiniteTimeSpan)
            {
                _timer.Change(wait, Timeout.InfiniteTimeSpan);
            }

            await changed.WaitAsync(cancellationToken).ConfigureAwait(false);
        }
    }

    /// <summary>Pauses the bind for <paramref name="pause"/> and marks one throttled PDU as waiting to go first.</summary>
    public void Throttle(TimeSpan pause)
    {
        lock (_gate)
        {
            var until = _time.GetTimestamp() + (long)(pause.TotalSeconds * _time.TimestampFrequency);
            _resumeAt = Math.Max(_resumeAt, until);
            _priority++;
            _open = false;
        }

        _timer.Change(pause, Timeout.InfiniteTimeSpan);
    }

    /// <summary>A throttled PDU was sent again (or given up): new PDUs may follow once none is left.</summary>
    public void PriorityDone()
    {
        lock (_gate)
        {
            _priority--;
        }

        Signal();
    }

    public void Dispose() => _timer.Dispose();

    private void Signal()
    {
        TaskCompletionSource changed;
        lock (_gate)
        {
            changed = _changed;
            _changed = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
            if (_priority == 0 && _resumeAt <= _time.GetTimestamp())
            {
                _open = true;
            }
        }

        changed.TrySetResult();
    }
}

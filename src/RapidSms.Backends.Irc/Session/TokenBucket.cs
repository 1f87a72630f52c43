namespace RapidSms.Backends.Irc.Session;

/// <summary>
/// Flood control for outgoing lines: a bucket of <c>burst</c> tokens, refilled at one token per
/// <c>interval</c>. Each line takes a token, waiting on the clock when the bucket is empty. Waiters are
/// served one at a time in the order they asked.
/// </summary>
internal sealed class TokenBucket : IDisposable
{
    private readonly int _burst;
    private readonly TimeSpan _interval;
    private readonly TimeProvider _time;
    private readonly SemaphoreSlim _queue = new(1, 1);
    private double _tokens;
    private long _updated;

    public TokenBucket(int burst, TimeSpan interval, TimeProvider time)
    {
        ArgumentOutOfRangeException.ThrowIfLessThan(burst, 1);
        ArgumentOutOfRangeException.ThrowIfLessThan(interval, TimeSpan.Zero);
        _burst = burst;
        _interval = interval;
        _time = time;
        _tokens = burst;
        _updated = time.GetTimestamp();
    }

    /// <summary>How many lines went out only after waiting for a token.</summary>
    public long Delayed { get; private set; }

    /// <summary>Takes a token, waiting until one is available.</summary>
    public async ValueTask TakeAsync(CancellationToken cancellationToken)
    {
        if (_interval == TimeSpan.Zero)
        {
            return;
        }

        await _queue.WaitAsync(cancellationToken).ConfigureAwait(false);
        try
        {
            var waited = false;
            while (true)
            {
                Refill();
                if (_tokens >= 1)
                {
                    _tokens -= 1;
                    if (waited)
                    {
                        Delayed++;
                    }

                    return;
                }

                var wait = TimeSpan.FromTicks((long)Math.Ceiling((1 - _tokens) * _interval.Ticks));
                waited = true;
                await Task.Delay(wait, _time, cancellationToken).ConfigureAwait(false);
            }
        }
        finally
        {
            _queue.Release();
        }
    }

    /// <summary>Fills the bucket: a new connection starts with the full burst.</summary>
    public void Reset()
    {
        _tokens = _burst;
        _updated = _time.GetTimestamp();
    }

    public void Dispose() => _queue.Dispose();

    private void Refill()
    {
        var now = _time.GetTimestamp();
        var elapsed = _time.GetElapsedTime(_updated, now);
        _updated = now;
        _tokens = Math.Min(_burst, _tokens + (elapsed.Ticks / (double)_interval.Ticks));
    }
}

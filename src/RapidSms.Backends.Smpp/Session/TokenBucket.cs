namespace RapidSms.Backends.Smpp.Session;

/// <summary>A token bucket that spaces PDUs to a rate; a burst of at most a tenth of a second's worth passes at once.</summary>
internal sealed class TokenBucket
{
    private readonly TimeProvider _time;
    private readonly double _rate;
    private readonly double _capacity;
    private readonly Lock _gate = new();
    private double _tokens;
    private long _last;

    public TokenBucket(double ratePerSecond, TimeProvider time)
    {
        _time = time;
        _rate = ratePerSecond;
        _capacity = Math.Max(1, ratePerSecond / 10);
        _tokens = _capacity;
        _last = time.GetTimestamp();
    }

    /// <summary>Takes a token, waiting until one is due.</summary>
    public ValueTask TakeAsync(CancellationToken cancellationToken)
    {
        TimeSpan wait;
        lock (_gate)
        {
            var now = _time.GetTimestamp();
            _tokens = Math.Min(_capacity, _tokens + (_time.GetElapsedTime(_last, now).TotalSeconds * _rate));
            _last = now;
            _tokens -= 1;
            if (_tokens >= 0)
            {
                return ValueTask.CompletedTask;
            }

            wait = TimeSpan.FromSeconds(-_tokens / _rate);
        }

        return new ValueTask(Task.Delay(wait, _time, cancellationToken));
    }
}

using System.Globalization;

namespace RapidSms.Testing;

/// <summary>
/// A clock for tests that moves only when told to: <see cref="Advance"/> or <see cref="SetUtcNow"/>.
/// Timers created through it (and so <c>Task.Delay(delay, timeProvider)</c>,
/// <c>new CancellationTokenSource(delay, timeProvider)</c> and every component that takes a
/// <see cref="TimeProvider"/>) fire when the clock is moved past their due time.
/// </summary>
/// <remarks>
/// <para>Moving the clock fires due timers one at a time, earliest first (timers due at the same moment
/// in the order they were scheduled), on the thread that moved the clock, with no lock held: a callback
/// may create, change or dispose timers and read the clock, which then shows the timer's due time. A
/// periodic timer fires once per period that fits in the jump.</para>
/// <para>A timer whose due time is zero fires at once, on the thread that created or changed it.</para>
/// <para>The clock never goes backwards, so timestamps from <see cref="GetTimestamp"/> are monotonic.</para>
/// </remarks>
/// <example>
/// <code>
/// var time = new ManualTimeProvider();
/// var delay = Task.Delay(TimeSpan.FromSeconds(5), time);
/// time.Advance(TimeSpan.FromSeconds(5)); // delay is now complete
/// </code>
/// </example>
public sealed class ManualTimeProvider : TimeProvider
{
    /// <summary>Where a clock created without a start time starts: 2000-01-01T00:00:00Z.</summary>
    public static readonly DateTimeOffset DefaultStartTime = new(2000, 1, 1, 0, 0, 0, TimeSpan.Zero);

    private readonly Lock _gate = new();
    private readonly List<ManualTimer> _scheduled = [];
    private readonly List<(int Count, TaskCompletionSource Signal)> _timerWaiters = [];
    private long _nowTicks;
    private long _sequence;
    private TimeZoneInfo _localTimeZone;

    /// <summary>Creates a clock at <see cref="DefaultStartTime"/> whose local time zone is UTC.</summary>
    public ManualTimeProvider()
        : this(DefaultStartTime)
    {
    }

    /// <summary>Creates a clock at a given time.</summary>
    /// <param name="startTime">The time to start at; it is converted to UTC.</param>
    /// <param name="localTimeZone">What <see cref="LocalTimeZone"/> returns; <see langword="null"/> for UTC, so tests do not depend on the machine.</param>
    public ManualTimeProvider(DateTimeOffset startTime, TimeZoneInfo? localTimeZone = null)
    {
        Start = startTime.ToUniversalTime();
        _nowTicks = Start.UtcTicks;
        _localTimeZone = localTimeZone ?? TimeZoneInfo.Utc;
    }

    /// <summary>The time the clock started at, in UTC.</summary>
    public DateTimeOffset Start { get; }

    /// <summary>The local time zone, as set by the constructor or <see cref="SetLocalTimeZone"/>. Defaults to UTC.</summary>
    public override TimeZoneInfo LocalTimeZone => Volatile.Read(ref _localTimeZone);

    /// <summary>The frequency of <see cref="GetTimestamp"/>: one tick per 100 ns (<see cref="TimeSpan.TicksPerSecond"/>).</summary>
    public override long TimestampFrequency => TimeSpan.TicksPerSecond;

    /// <summary>How many timers are scheduled to fire (created or changed with a finite due time and not yet fired, if one-shot, or disposed).</summary>
    public int ScheduledTimerCount
    {
        get
        {
            lock (_gate)
            {
                return _scheduled.Count;
            }
        }
    }

    /// <summary>The current time, in UTC.</summary>
    public override DateTimeOffset GetUtcNow() => new(Interlocked.Read(ref _nowTicks), TimeSpan.Zero);

    /// <summary>A timestamp that moves with the clock: <see cref="DateTimeOffset.UtcTicks"/> of the current time.</summary>
    public override long GetTimestamp() => Interlocked.Read(ref _nowTicks);

    /// <summary>Moves the clock forward, firing the timers that fall due on the way.</summary>
    /// <param name="delta">How far to move; zero fires only timers already due.</param>
    /// <exception cref="ArgumentOutOfRangeException"><paramref name="delta"/> is negative.</exception>
    public void Advance(TimeSpan delta)
    {
        ArgumentOutOfRangeException.ThrowIfLessThan(delta, TimeSpan.Zero);
        long target;
        lock (_gate)
        {
            target = _nowTicks + delta.Ticks;
        }

        RunTo(target);
    }

    /// <summary>Moves the clock to a given time, firing the timers that fall due on the way.</summary>
    /// <param name="value">The new time; it is converted to UTC.</param>
    /// <exception cref="ArgumentOutOfRangeException"><paramref name="value"/> is earlier than the current time.</exception>
    public void SetUtcNow(DateTimeOffset value)
    {
        var target = value.UtcTicks;
        lock (_gate)
        {
            if (target < _nowTicks)
            {
                throw new ArgumentOutOfRangeException(
                    nameof(value),
                    value,
                    $"The clock only moves forward: it is already {GetUtcNow():O}.");
            }
        }

        RunTo(target);
    }

    /// <summary>Changes what <see cref="LocalTimeZone"/> returns.</summary>
    /// <param name="localTimeZone">The new local time zone.</param>
    public void SetLocalTimeZone(TimeZoneInfo localTimeZone)
    {
        ArgumentNullException.ThrowIfNull(localTimeZone);
        Volatile.Write(ref _localTimeZone, localTimeZone);
    }

    /// <summary>
    /// Waits until at least <paramref name="count"/> timers are scheduled: call it before
    /// <see cref="Advance"/> when the code under test starts its delay on another task, so the clock
    /// does not move before the delay exists.
    /// </summary>
    /// <param name="count">How many scheduled timers to wait for.</param>
    /// <param name="cancellationToken">Gives up waiting; pass a token with a timeout.</param>
    public Task WaitForScheduledTimersAsync(int count, CancellationToken cancellationToken = default)
    {
        ArgumentOutOfRangeException.ThrowIfNegative(count);
        TaskCompletionSource signal;
        lock (_gate)
        {
            if (_scheduled.Count >= count)
            {
                return Task.CompletedTask;
            }

            signal = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
            _timerWaiters.Add((count, signal));
        }

        return WaitForSignalAsync((count, signal), cancellationToken);
    }

    /// <summary>Creates a timer driven by this clock.</summary>
    /// <param name="callback">Called when the timer fires, on the thread that moved the clock.</param>
    /// <param name="state">Passed to <paramref name="callback"/>.</param>
    /// <param name="dueTime">When to fire first; <see cref="Timeout.InfiniteTimeSpan"/> to create it stopped.</param>
    /// <param name="period">The interval between later firings; <see cref="Timeout.InfiniteTimeSpan"/> or zero for a one-shot timer.</param>
    /// <returns>The timer; dispose it to stop it.</returns>
    public override ITimer CreateTimer(TimerCallback callback, object? state, TimeSpan dueTime, TimeSpan period)
    {
        ArgumentNullException.ThrowIfNull(callback);
        var timer = new ManualTimer(this, callback, state, ExecutionContext.Capture());
        Change(timer, dueTime, period);
        return timer;
    }

    /// <summary>Returns the current time in ISO 8601 form.</summary>
    public override string ToString() => GetUtcNow().ToString("O", CultureInfo.InvariantCulture);

    private async Task WaitForSignalAsync((int Count, TaskCompletionSource Signal) waiter, CancellationToken cancellationToken)
    {
        try
        {
            await waiter.Signal.Task.WaitAsync(cancellationToken).ConfigureAwait(false);
        }
        catch (OperationCanceledException)
        {
            lock (_gate)
            {
                _timerWaiters.Remove(waiter);
            }

            throw;
        }
    }

    private static void Validate(TimeSpan value, string name)
    {
        // The range System.Threading.Timer accepts: -1 ms (infinite) up to 0xFFFFFFFE ms.
        if (value != Timeout.InfiniteTimeSpan && (value < TimeSpan.Zero || value.TotalMilliseconds > 0xFFFFFFFE))
        {
            throw new ArgumentOutOfRangeException(name, value, "Expected Timeout.InfiniteTimeSpan, or between zero and 4294967294 milliseconds.");
        }
    }

    private bool Change(ManualTimer timer, TimeSpan dueTime, TimeSpan period)
    {
        Validate(dueTime, nameof(dueTime));
        Validate(period, nameof(period));
        List<TaskCompletionSource>? ready = null;
        bool fireNow;
        lock (_gate)
        {
            if (timer.IsDisposed)
            {
                return false;
            }

            _scheduled.Remove(timer);
            fireNow = false;
            if (dueTime != Timeout.InfiniteTimeSpan)
            {
                timer.DueTicks = _nowTicks + dueTime.Ticks;
                timer.PeriodTicks = period == Timeout.InfiniteTimeSpan ? 0 : period.Ticks;
                timer.Sequence = ++_sequence;
                _scheduled.Add(timer);
                fireNow = dueTime == TimeSpan.Zero;
                ready = TakeReadyTimerWaiters();
            }
        }

        ready?.ForEach(s => s.TrySetResult());
        if (fireNow)
        {
            RunTo(Interlocked.Read(ref _nowTicks));
        }

        return true;
    }

    private void Remove(ManualTimer timer)
    {
        lock (_gate)
        {
            timer.IsDisposed = true;
            _scheduled.Remove(timer);
        }
    }

    private List<TaskCompletionSource>? TakeReadyTimerWaiters()
    {
        List<TaskCompletionSource>? ready = null;
        for (var i = _timerWaiters.Count - 1; i >= 0; i--)
        {
            if (_scheduled.Count >= _timerWaiters[i].Count)
            {
                (ready ??= []).Add(_timerWaiters[i].Signal);
                _timerWaiters.RemoveAt(i);
            }
        }

        return ready;
    }

    private void RunTo(long targetTicks)
    {
        while (true)
        {
            ManualTimer? due = null;
            lock (_gate)
            {
                foreach (var timer in _scheduled)
                {
                    if (timer.DueTicks <= targetTicks
                        && (due is null || timer.DueTicks < due.DueTicks || (timer.DueTicks == due.DueTicks && timer.Sequence < due.Sequence)))
                    {
                        due = timer;
                    }
                }

                if (due is null)
                {
                    if (targetTicks > _nowTicks)
                    {
                        Interlocked.Exchange(ref _nowTicks, targetTicks);
                    }

                    return;
                }

                // The clock shows the timer's due time while its callback runs.
                if (due.DueTicks > _nowTicks)
                {
                    Interlocked.Exchange(ref _nowTicks, due.DueTicks);
                }

                if (due.PeriodTicks > 0)
                {
                    due.DueTicks += due.PeriodTicks;
                    due.Sequence = ++_sequence;
                }
                else
                {
                    _scheduled.Remove(due);
                }
            }

            due.Fire();
        }
    }

    private sealed class ManualTimer(ManualTimeProvider owner, TimerCallback callback, object? state, ExecutionContext? context) : ITimer
    {
        private static readonly ContextCallback RunCallback = static s =>
        {
            var timer = (ManualTimer)s!;
            timer._callback(timer._state);
        };

        private readonly TimerCallback _callback = callback;
        private readonly object? _state = state;

        // Guarded by the owner's lock.
        public long DueTicks { get; set; }

        public long PeriodTicks { get; set; }

        public long Sequence { get; set; }

        public bool IsDisposed { get; set; }

        public bool Change(TimeSpan dueTime, TimeSpan period) => owner.Change(this, dueTime, period);

        public void Dispose() => owner.Remove(this);

        public ValueTask DisposeAsync()
        {
            Dispose();
            return ValueTask.CompletedTask;
        }

        public void Fire()
        {
            if (context is null)
            {
                _callback(_state);
            }
            else
            {
                ExecutionContext.Run(context, RunCallback, this);
            }
        }
    }
}

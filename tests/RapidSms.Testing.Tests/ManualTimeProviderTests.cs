using RapidSms.Testing;

namespace RapidSms.Testing.Tests;

public sealed class ManualTimeProviderTests
{
    private static readonly TimeSpan TestTimeout = TimeSpan.FromSeconds(10);

    [Fact]
    public void GetUtcNow_NewProvider_ReturnsFixedDefaultStart()
    {
        var time = new ManualTimeProvider();

        time.GetUtcNow().Should().Be(new DateTimeOffset(2000, 1, 1, 0, 0, 0, TimeSpan.Zero));
        time.GetUtcNow().Offset.Should().Be(TimeSpan.Zero);
        time.Start.Should().Be(ManualTimeProvider.DefaultStartTime);
        time.LocalTimeZone.Should().Be(TimeZoneInfo.Utc);
    }

    [Fact]
    public void GetUtcNow_StartTimeWithOffset_ReturnsSameInstantInUtc()
    {
        var start = new DateTimeOffset(2024, 3, 1, 15, 0, 0, TimeSpan.FromHours(3));

        var time = new ManualTimeProvider(start);

        time.GetUtcNow().Should().Be(start);
        time.GetUtcNow().Offset.Should().Be(TimeSpan.Zero);
        time.GetUtcNow().Hour.Should().Be(12);
    }

    [Fact]
    public void Advance_ByDelta_MovesClockAndTimestampsTogether()
    {
        var time = new ManualTimeProvider();
        var startStamp = time.GetTimestamp();

        time.Advance(TimeSpan.FromMinutes(90));

        time.GetUtcNow().Should().Be(ManualTimeProvider.DefaultStartTime.AddMinutes(90));
        time.GetElapsedTime(startStamp).Should().Be(TimeSpan.FromMinutes(90));
        (time.GetTimestamp() - startStamp).Should().Be(TimeSpan.FromMinutes(90).Ticks * time.TimestampFrequency / TimeSpan.TicksPerSecond);
    }

    [Fact]
    public void Advance_NegativeDelta_Throws()
    {
        var time = new ManualTimeProvider();

        var act = () => time.Advance(TimeSpan.FromTicks(-1));

        act.Should().Throw<ArgumentOutOfRangeException>();
    }

    [Fact]
    public void SetUtcNow_EarlierThanNow_ThrowsAndKeepsTime()
    {
        var time = new ManualTimeProvider();
        time.Advance(TimeSpan.FromHours(1));

        var act = () => time.SetUtcNow(ManualTimeProvider.DefaultStartTime);

        act.Should().Throw<ArgumentOutOfRangeException>().WithMessage("*only moves forward*");
        time.GetUtcNow().Should().Be(ManualTimeProvider.DefaultStartTime.AddHours(1));
    }

    [Fact]
    public void SetUtcNow_LaterTime_FiresTimersDueOnTheWay()
    {
        var time = new ManualTimeProvider();
        var fired = 0;
        using var timer = time.CreateTimer(_ => fired++, null, TimeSpan.FromDays(1), Timeout.InfiniteTimeSpan);

        time.SetUtcNow(new DateTimeOffset(2000, 1, 3, 0, 0, 0, TimeSpan.FromHours(2)));

        fired.Should().Be(1);
        time.GetUtcNow().Should().Be(new DateTimeOffset(2000, 1, 2, 22, 0, 0, TimeSpan.Zero));
    }

    [Fact]
    public void CreateTimer_AdvancedShortOfDueTime_DoesNotFire()
    {
        var time = new ManualTimeProvider();
        var fired = 0;
        using var timer = time.CreateTimer(_ => fired++, null, TimeSpan.FromSeconds(10), Timeout.InfiniteTimeSpan);

        time.Advance(TimeSpan.FromSeconds(9.999));

        fired.Should().Be(0);
        time.ScheduledTimerCount.Should().Be(1);
    }

    [Fact]
    public void CreateTimer_AdvancedPastDueTime_FiresOnceWithStateAtDueTime()
    {
        var time = new ManualTimeProvider();
        var calls = new List<(object? State, DateTimeOffset At)>();
        using var timer = time.CreateTimer(s => calls.Add((s, time.GetUtcNow())), "state", TimeSpan.FromSeconds(10), Timeout.InfiniteTimeSpan);

        time.Advance(TimeSpan.FromSeconds(25));
        time.Advance(TimeSpan.FromSeconds(25));

        calls.Should().ContainSingle();
        calls[0].State.Should().Be("state");
        calls[0].At.Should().Be(ManualTimeProvider.DefaultStartTime.AddSeconds(10));
        time.GetUtcNow().Should().Be(ManualTimeProvider.DefaultStartTime.AddSeconds(50));
        time.ScheduledTimerCount.Should().Be(0);
    }

    [Fact]
    public void CreateTimer_Periodic_FiresOncePerPeriodInOneAdvance()
    {
        var time = new ManualTimeProvider();
        var firedAt = new List<DateTimeOffset>();
        using var timer = time.CreateTimer(_ => firedAt.Add(time.GetUtcNow()), null, TimeSpan.FromSeconds(1), TimeSpan.FromSeconds(2));

        time.Advance(TimeSpan.FromSeconds(6));

        firedAt.Should().Equal(
            ManualTimeProvider.DefaultStartTime.AddSeconds(1),
            ManualTimeProvider.DefaultStartTime.AddSeconds(3),
            ManualTimeProvider.DefaultStartTime.AddSeconds(5));
        time.ScheduledTimerCount.Should().Be(1);
    }

    [Fact]
    public void CreateTimer_SeveralDue_FireInDueOrderThenCreationOrder()
    {
        var time = new ManualTimeProvider();
        var order = new List<string>();
        using var late = time.CreateTimer(_ => order.Add("late"), null, TimeSpan.FromSeconds(3), Timeout.InfiniteTimeSpan);
        using var first = time.CreateTimer(_ => order.Add("first"), null, TimeSpan.FromSeconds(1), Timeout.InfiniteTimeSpan);
        using var second = time.CreateTimer(_ => order.Add("second"), null, TimeSpan.FromSeconds(1), Timeout.InfiniteTimeSpan);

        time.Advance(TimeSpan.FromSeconds(5));

        order.Should().Equal("first", "second", "late");
    }

    [Fact]
    public void CreateTimer_ZeroDueTime_FiresAtOnce()
    {
        var time = new ManualTimeProvider();
        var fired = 0;

        using var timer = time.CreateTimer(_ => fired++, null, TimeSpan.Zero, Timeout.InfiniteTimeSpan);

        fired.Should().Be(1);
    }

    [Fact]
    public void CreateTimer_InfiniteDueTime_NeverFires()
    {
        var time = new ManualTimeProvider();
        var fired = 0;
        using var timer = time.CreateTimer(_ => fired++, null, Timeout.InfiniteTimeSpan, TimeSpan.FromSeconds(1));

        time.Advance(TimeSpan.FromDays(1));

        fired.Should().Be(0);
        time.ScheduledTimerCount.Should().Be(0);
    }

    [Fact]
    public void Change_NewDueTime_ReschedulesFromNow()
    {
        var time = new ManualTimeProvider();
        var fired = 0;
        using var timer = time.CreateTimer(_ => fired++, null, TimeSpan.FromSeconds(5), Timeout.InfiniteTimeSpan);
        time.Advance(TimeSpan.FromSeconds(4));

        timer.Change(TimeSpan.FromSeconds(5), Timeout.InfiniteTimeSpan).Should().BeTrue();
        time.Advance(TimeSpan.FromSeconds(4));
        fired.Should().Be(0);
        time.Advance(TimeSpan.FromSeconds(1));

        fired.Should().Be(1);
    }

    [Fact]
    public void Change_InfiniteDueTime_StopsPeriodicTimer()
    {
        var time = new ManualTimeProvider();
        var fired = 0;
        using var timer = time.CreateTimer(_ => fired++, null, TimeSpan.FromSeconds(1), TimeSpan.FromSeconds(1));
        time.Advance(TimeSpan.FromSeconds(2));

        timer.Change(Timeout.InfiniteTimeSpan, Timeout.InfiniteTimeSpan);
        time.Advance(TimeSpan.FromSeconds(10));

        fired.Should().Be(2);
    }

    [Fact]
    public void Dispose_ScheduledTimer_NeverFiresAndChangeReturnsFalse()
    {
        var time = new ManualTimeProvider();
        var fired = 0;
        var timer = time.CreateTimer(_ => fired++, null, TimeSpan.FromSeconds(1), TimeSpan.FromSeconds(1));

        timer.Dispose();
        time.Advance(TimeSpan.FromSeconds(10));

        fired.Should().Be(0);
        timer.Change(TimeSpan.FromSeconds(1), Timeout.InfiniteTimeSpan).Should().BeFalse();
        time.ScheduledTimerCount.Should().Be(0);
    }

    [Fact]
    public void Advance_CallbackDisposesItsOwnPeriodicTimer_StopsIt()
    {
        var time = new ManualTimeProvider();
        var fired = 0;
        ITimer? timer = null;
        timer = time.CreateTimer(_ =>
        {
            if (++fired == 2)
            {
                timer!.Dispose();
            }
        }, null, TimeSpan.FromSeconds(1), TimeSpan.FromSeconds(1));

        time.Advance(TimeSpan.FromSeconds(10));

        fired.Should().Be(2);
    }

    [Fact]
    public void Advance_CallbackUsesProviderFromAnotherThread_DoesNotDeadlock()
    {
        // Callbacks run with no lock held: another thread can create timers while one runs.
        var time = new ManualTimeProvider();
        var otherThreadDone = false;
        using var timer = time.CreateTimer(_ =>
        {
            var other = Task.Run(() => time.CreateTimer(_ => { }, null, TimeSpan.FromSeconds(1), Timeout.InfiniteTimeSpan));
            otherThreadDone = other.Wait(TestTimeout);
        }, null, TimeSpan.FromSeconds(1), Timeout.InfiniteTimeSpan);

        time.Advance(TimeSpan.FromSeconds(1));

        otherThreadDone.Should().BeTrue();
        time.ScheduledTimerCount.Should().Be(1);
    }

    [Fact]
    public async Task TaskDelay_WithProvider_CompletesOnlyWhenAdvancedFarEnough()
    {
        var time = new ManualTimeProvider();

        var delay = Task.Delay(TimeSpan.FromSeconds(5), time);
        time.Advance(TimeSpan.FromSeconds(4));
        delay.IsCompleted.Should().BeFalse();
        time.Advance(TimeSpan.FromSeconds(1));

        await delay.WaitAsync(TestTimeout);
        delay.IsCompletedSuccessfully.Should().BeTrue();
    }

    [Fact]
    public async Task TaskDelay_CancelledBeforeDue_IsCancelledAndTimerReleased()
    {
        var time = new ManualTimeProvider();
        using var cancel = new CancellationTokenSource();

        var delay = Task.Delay(TimeSpan.FromSeconds(5), time, cancel.Token);
        await cancel.CancelAsync();

        var act = () => delay.WaitAsync(TestTimeout);
        await act.Should().ThrowAsync<TaskCanceledException>();
        time.ScheduledTimerCount.Should().Be(0);
    }

    [Fact]
    public void CancellationTokenSource_WithDelay_CancelsOnlyWhenAdvanced()
    {
        var time = new ManualTimeProvider();
        using var cts = new CancellationTokenSource(TimeSpan.FromSeconds(30), time);

        time.Advance(TimeSpan.FromSeconds(29));
        cts.IsCancellationRequested.Should().BeFalse();
        time.Advance(TimeSpan.FromSeconds(1));

        cts.IsCancellationRequested.Should().BeTrue();
    }

    [Fact]
    public async Task WaitForScheduledTimersAsync_DelayStartedOnAnotherTask_CompletesOnceTimerExists()
    {
        var time = new ManualTimeProvider();
        using var timeout = new CancellationTokenSource(TestTimeout);
        using var go = new SemaphoreSlim(0);
        var worker = Task.Run(async () =>
        {
            await go.WaitAsync(timeout.Token);
            await Task.Delay(TimeSpan.FromMinutes(1), time, timeout.Token);
            return time.GetUtcNow();
        });

        var waiting = time.WaitForScheduledTimersAsync(1, timeout.Token);
        waiting.IsCompleted.Should().BeFalse();
        go.Release();
        await waiting;
        time.Advance(TimeSpan.FromMinutes(1));

        (await worker).Should().Be(ManualTimeProvider.DefaultStartTime.AddMinutes(1));
    }

    [Fact]
    public async Task WaitForScheduledTimersAsync_Cancelled_Throws()
    {
        var time = new ManualTimeProvider();
        using var cancel = new CancellationTokenSource();

        var waiting = time.WaitForScheduledTimersAsync(1, cancel.Token);
        await cancel.CancelAsync();

        await waiting.Invoking(t => t).Should().ThrowAsync<OperationCanceledException>();
    }

    [Fact]
    public void SetLocalTimeZone_OtherZone_ChangesLocalNow()
    {
        var zone = TimeZoneInfo.CreateCustomTimeZone("UTC+03", TimeSpan.FromHours(3), "UTC+03", "UTC+03");
        var time = new ManualTimeProvider();

        time.SetLocalTimeZone(zone);

        time.LocalTimeZone.Should().Be(zone);
        time.GetLocalNow().Offset.Should().Be(TimeSpan.FromHours(3));
        time.GetLocalNow().Hour.Should().Be(3);
    }
}

using RapidSms.Backends.Irc.Session;
using RapidSms.Testing;

namespace RapidSms.Backends.Irc.Tests.Session;

public sealed class TokenBucketTests
{
    [Fact]
    public async Task TakeAsync_WithinTheBurst_DoesNotWait()
    {
        var time = new ManualTimeProvider();
        using var bucket = new TokenBucket(3, TimeSpan.FromSeconds(2), time);

        for (var i = 0; i < 3; i++)
        {
            await bucket.TakeAsync(CancellationToken.None);
        }

        bucket.Delayed.Should().Be(0);
    }

    [Fact]
    public async Task TakeAsync_BeyondTheBurst_WaitsOneIntervalPerLine()
    {
        var time = new ManualTimeProvider();
        using var timeout = new CancellationTokenSource(TimeSpan.FromSeconds(10));
        using var bucket = new TokenBucket(2, TimeSpan.FromSeconds(2), time);
        await bucket.TakeAsync(timeout.Token);
        await bucket.TakeAsync(timeout.Token);

        var third = bucket.TakeAsync(timeout.Token).AsTask();
        await time.WaitForScheduledTimersAsync(1, timeout.Token);
        third.IsCompleted.Should().BeFalse();
        time.Advance(TimeSpan.FromSeconds(1.9));
        third.IsCompleted.Should().BeFalse();
        time.Advance(TimeSpan.FromSeconds(0.1));
        await third;

        bucket.Delayed.Should().Be(1);
    }

    [Fact]
    public async Task TakeAsync_AfterAQuietSpell_RefillsUpToTheBurstOnly()
    {
        var time = new ManualTimeProvider();
        using var timeout = new CancellationTokenSource(TimeSpan.FromSeconds(10));
        using var bucket = new TokenBucket(3, TimeSpan.FromSeconds(1), time);
        for (var i = 0; i < 3; i++)
        {
            await bucket.TakeAsync(timeout.Token);
        }

        time.Advance(TimeSpan.FromMinutes(5));
        for (var i = 0; i < 3; i++)
        {
            await bucket.TakeAsync(timeout.Token);
        }

        var fourth = bucket.TakeAsync(timeout.Token).AsTask();
        await time.WaitForScheduledTimersAsync(1, timeout.Token);

        fourth.IsCompleted.Should().BeFalse("a long pause refills three tokens, not three hundred");
        time.Advance(TimeSpan.FromSeconds(1));
        await fourth;
    }

    [Fact]
    public async Task TakeAsync_ZeroInterval_NeverWaits()
    {
        var time = new ManualTimeProvider();
        using var bucket = new TokenBucket(1, TimeSpan.Zero, time);

        for (var i = 0; i < 100; i++)
        {
            await bucket.TakeAsync(CancellationToken.None);
        }

        bucket.Delayed.Should().Be(0);
    }

    [Fact]
    public async Task TakeAsync_Cancelled_ThrowsAndLetsTheNextWaiterThrough()
    {
        var time = new ManualTimeProvider();
        using var timeout = new CancellationTokenSource(TimeSpan.FromSeconds(10));
        using var bucket = new TokenBucket(1, TimeSpan.FromSeconds(1), time);
        await bucket.TakeAsync(timeout.Token);
        using var cancel = new CancellationTokenSource();

        var cancelled = bucket.TakeAsync(cancel.Token).AsTask();
        await time.WaitForScheduledTimersAsync(1, timeout.Token);
        await cancel.CancelAsync();
        await cancelled.Invoking(t => t).Should().ThrowAsync<OperationCanceledException>();

        var next = bucket.TakeAsync(timeout.Token).AsTask();
        await time.WaitForScheduledTimersAsync(1, timeout.Token);
        time.Advance(TimeSpan.FromSeconds(1));
        await next;
    }
}

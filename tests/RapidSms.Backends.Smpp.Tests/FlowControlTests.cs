using RapidSms.Backends.Smpp.Session;
using RapidSms.Testing;

namespace RapidSms.Backends.Smpp.Tests;

/// <summary>The throttling gate and the token bucket, on fake time.</summary>
public sealed class FlowControlTests
{
    [Fact]
    public async Task SendGate_Throttled_ThrottledPduGoesFirstThenTheRest()
    {
        var time = new ManualTimeProvider();
        using var gate = new SendGate(time);
        gate.Throttle(TimeSpan.FromSeconds(1));

        var throttled = gate.WaitAsync(priority: true, CancellationToken.None).AsTask();
        var next = gate.WaitAsync(priority: false, CancellationToken.None).AsTask();
        throttled.IsCompleted.Should().BeFalse("the bind is paused");

        time.Advance(TimeSpan.FromSeconds(1));
        await throttled.WaitAsync(TimeSpan.FromSeconds(10));
        next.IsCompleted.Should().BeFalse("the throttled PDU has not been sent again yet");

        gate.PriorityDone();
        await next.WaitAsync(TimeSpan.FromSeconds(10));
        gate.WaitAsync(priority: false, CancellationToken.None).AsTask().IsCompletedSuccessfully.Should().BeTrue("the gate is open again");
    }

    [Fact]
    public async Task SendGate_WaitCancelled_Throws()
    {
        var time = new ManualTimeProvider();
        using var gate = new SendGate(time);
        gate.Throttle(TimeSpan.FromSeconds(1));
        using var cancel = new CancellationTokenSource();

        var waiting = gate.WaitAsync(priority: false, cancel.Token).AsTask();
        await cancel.CancelAsync();

        await waiting.Invoking(t => t).Should().ThrowAsync<OperationCanceledException>();
    }

    [Fact]
    public async Task TokenBucket_TenPerSecond_SecondTokenDueAfterATenth()
    {
        var time = new ManualTimeProvider();
        var bucket = new TokenBucket(10, time);

        bucket.TakeAsync(CancellationToken.None).AsTask().IsCompletedSuccessfully.Should().BeTrue();
        var second = bucket.TakeAsync(CancellationToken.None).AsTask();
        second.IsCompleted.Should().BeFalse();

        time.Advance(TimeSpan.FromMilliseconds(100));
        await second.WaitAsync(TimeSpan.FromSeconds(10));
    }
}

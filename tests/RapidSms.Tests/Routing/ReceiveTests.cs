using System.Collections.Concurrent;
using RapidSms.Tests.Infrastructure;

namespace RapidSms.Tests.Routing;

public sealed class ReceiveTests
{
    private static readonly TimeSpan Timeout = TimeSpan.FromSeconds(30);

    /// <summary>An app that blocks in handle until released, recording concurrency and order.</summary>
    private sealed class GateApp : AppBase
    {
        private int _current;

        public ConcurrentQueue<string> Order { get; } = new();

        public int MaxConcurrent;

        public Func<IncomingMessage, CancellationToken, Task> Gate { get; set; } = (_, _) => Task.CompletedTask;

        public override async ValueTask<bool> HandleAsync(IncomingMessage message, CancellationToken cancellationToken)
        {
            var now = Interlocked.Increment(ref _current);
            InterlockedMax(ref MaxConcurrent, now);
            try
            {
                await Gate(message, cancellationToken);
                Order.Enqueue($"{message.Connection.Identity}:{message.Text}");
            }
            finally
            {
                Interlocked.Decrement(ref _current);
            }

            return true;
        }

        private static void InterlockedMax(ref int target, int value)
        {
            int seen;
            while ((seen = Volatile.Read(ref target)) < value && Interlocked.CompareExchange(ref target, value, seen) != seen)
            {
            }
        }
    }

    private static (RouterFixture, GateApp) Create(Action<RapidSmsOptions> options)
    {
        var app = new GateApp();
        return (RouterFixture.WithApps(_ => [app], options), app);
    }

    [Fact]
    public async Task Receive_FromOneConnection_IsProcessedInArrivalOrder_EvenWithConcurrency()
    {
        var (fixture, app) = Create(o => o.MaxConcurrentMessages = 16);
        await using var _ = fixture;
        var backend = fixture.Backend("a");

        // Early messages take longer; without per-connection ordering later ones would overtake them.
        app.Gate = (m, token) => Task.Delay(TimeSpan.FromMilliseconds(m.Text == "0" ? 50 : 1), token);
        var tasks = Enumerable.Range(0, 50).Select(i => backend.InjectAsync("+1", i.ToString()).AsTask()).ToArray();
        await Task.WhenAll(tasks).WaitAsync(Timeout);

        app.Order.Should().Equal(Enumerable.Range(0, 50).Select(i => $"+1:{i}"));
    }

    [Fact]
    public async Task Receive_FromManyConnections_RunsConcurrently_UpToTheLimit()
    {
        var (fixture, app) = Create(o => o.MaxConcurrentMessages = 4);
        await using var _ = fixture;
        var release = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        var arrived = 0;
        var fourArrived = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        app.Gate = (_, _) =>
        {
            if (Interlocked.Increment(ref arrived) == 4)
            {
                fourArrived.TrySetResult();
            }

            return release.Task;
        };

        var tasks = Enumerable.Range(0, 12).Select(i => fixture.Backend("a").InjectAsync($"+{i}", "x").AsTask()).ToArray();
        await fourArrived.Task.WaitAsync(Timeout);
        release.SetResult();
        await Task.WhenAll(tasks).WaitAsync(Timeout);

        app.MaxConcurrent.Should().Be(4);
        app.Order.Should().HaveCount(12);
    }

    [Fact]
    public async Task Receive_WhenFull_WaitsForRoom_BackPressure()
    {
        var (fixture, app) = Create(o =>
        {
            o.Capacity = 2;
            o.MaxConcurrentMessages = 2;
        });
        await using var _ = fixture;
        var release = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        var inside = 0;
        var twoInside = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        app.Gate = (_, _) =>
        {
            if (Interlocked.Increment(ref inside) == 2)
            {
                twoInside.TrySetResult();
            }

            return release.Task;
        };
        var first = fixture.Backend("a").InjectAsync("+1", "1").AsTask();
        var second = fixture.Backend("a").InjectAsync("+2", "2").AsTask();
        await twoInside.Task.WaitAsync(Timeout);

        // The router is full: a third message waits, and gives up when its token is cancelled.
        using var cts = new CancellationTokenSource();
        var third = fixture.Backend("a").InjectAsync("+3", "3", cts.Token).AsTask();
        await Task.Yield();
        third.IsCompleted.Should().BeFalse();
        await cts.CancelAsync();
        await FluentActions.Awaiting(() => third).Should().ThrowAsync<OperationCanceledException>();

        var fourth = fixture.Backend("a").InjectAsync("+4", "4").AsTask();
        fourth.IsCompleted.Should().BeFalse();
        release.SetResult();
        await Task.WhenAll(first, second, fourth).WaitAsync(Timeout);
        app.Order.Should().BeEquivalentTo("+1:1", "+2:2", "+4:4");
    }

    [Fact]
    public async Task Receive_CompletesOnlyAfterResponsesWereSent()
    {
        var journal = new List<string>();
        var app = new RecordingApp("app", journal)
        {
            OnHandle = m =>
            {
                m.Respond("pong");
                return true;
            },
        };
        await using var fixture = RouterFixture.WithApps(_ => [app]);

        var message = await fixture.ReceiveAsync("ping");

        fixture.Backend("a").Calls.Should().ContainSingle().Which.Message.InResponseTo.Should().BeSameAs(message);
    }

    [Fact]
    public async Task Receive_AfterClose_ThrowsRouterClosed_SoTheBackendDoesNotAcknowledge()
    {
        await using var fixture = RouterFixture.WithApps(_ => []);
        ((MessageRouter)fixture.Router).Close();

        var act = async () => await fixture.ReceiveAsync("late");

        (await act.Should().ThrowAsync<RouterClosedException>()).Which.Message.Should().Contain("do not acknowledge");
    }

    [Fact]
    public async Task Drain_WaitsForMessagesInFlight()
    {
        var (fixture, app) = Create(o => o.MaxConcurrentMessages = 4);
        await using var _ = fixture;
        var release = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        var entered = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        app.Gate = (_, _) =>
        {
            entered.TrySetResult();
            return release.Task;
        };
        var inFlight = fixture.Backend("a").InjectAsync("+1", "slow").AsTask();
        await entered.Task.WaitAsync(Timeout);

        var router = (MessageRouter)fixture.Router;
        var drain = router.DrainAsync(CancellationToken.None);
        drain.IsCompleted.Should().BeFalse();
        router.InFlight.Should().Be(1);

        release.SetResult();
        await drain.WaitAsync(Timeout);
        await inFlight.WaitAsync(Timeout);
        app.Order.Should().Equal("+1:slow");
    }

    [Fact]
    public async Task Drain_WhenTimeRunsOut_CancelsWhatIsLeft()
    {
        var (fixture, app) = Create(o => o.MaxConcurrentMessages = 4);
        await using var _ = fixture;
        var entered = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        app.Gate = (_, token) =>
        {
            entered.TrySetResult();
            return Task.Delay(Timeout.Multiply(10), token);
        };
        var inFlight = fixture.Backend("a").InjectAsync("+1", "stuck").AsTask();
        await entered.Task.WaitAsync(Timeout);

        using var cts = new CancellationTokenSource();
        var drain = ((MessageRouter)fixture.Router).DrainAsync(cts.Token);
        await cts.CancelAsync();

        await FluentActions.Awaiting(() => drain).Should().ThrowAsync<OperationCanceledException>();

        // The app saw the router's cancellation; the backend's receive fails, so it does not acknowledge
        // and the outside world delivers the message again.
        await FluentActions.Awaiting(() => inFlight.WaitAsync(Timeout)).Should().ThrowAsync<OperationCanceledException>();
        app.Order.Should().BeEmpty();
    }

    [Fact]
    public async Task DeliveryReports_ReachObservingAppsAndObservers_ExceptionsIsolated()
    {
        var seen = new List<string>();
        var throwing = new ObservingApp("throwing", seen, fail: true);
        var observing = new ObservingApp("observing", seen, fail: false);
        await using var fixture = RouterFixture.Create(rapid => rapid
            .AddApp(throwing)
            .AddApp(observing)
            .AddBackend("a", b => b.Use<TestBackend, TestBackendOptions>()));
        var report = new DeliveryReport("a", "+1", DeliveryStatus.Delivered, DateTimeOffset.UnixEpoch) { MessageId = "m1", BackendMessageId = "smsc-7" };

        await fixture.Backend("a").ReportAsync(report);

        seen.Should().Equal("throwing:m1", "observing:m1");
        report.IsFinal.Should().BeTrue();
    }

    private sealed class ObservingApp(string name, List<string> seen, bool fail) : AppBase, IDeliveryReportObserver
    {
        public override string Name => name;

        public ValueTask OnDeliveryReportAsync(DeliveryReport report, CancellationToken cancellationToken)
        {
            seen.Add($"{name}:{report.MessageId}");
            return fail ? throw new InvalidOperationException("observer bug") : ValueTask.CompletedTask;
        }
    }
}

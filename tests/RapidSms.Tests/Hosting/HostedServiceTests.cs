using RapidSms.Testing;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;
using RapidSms.Tests.Infrastructure;

namespace RapidSms.Tests.Hosting;

public sealed class HostedServiceTests
{
    private static readonly TimeSpan Timeout = TimeSpan.FromSeconds(30);

    private static IHost Build(Action<IRapidSmsBuilder> configure)
    {
        var builder = Host.CreateEmptyApplicationBuilder(new HostApplicationBuilderSettings());
        builder.Services.AddRapidSms(rapid =>
        {
            rapid.ConfigureRouter(o =>
            {
                o.BackendRestartDelay = TimeSpan.Zero;
                o.SendRetryDelay = TimeSpan.Zero;
            });
            configure(rapid);
        });
        return builder.Build();
    }

    [Fact]
    public async Task Host_StartsAndStopsEveryBackend()
    {
        using var host = Build(rapid => rapid
            .AddBackend("a", b => b.Use<TestBackend, TestBackendOptions>())
            .AddBackend("b", b => b.Use<TestBackend, TestBackendOptions>()));
        var router = host.Services.GetRequiredService<IRouter>();

        await host.StartAsync();
        router.Backends.Cast<TestBackend>().Should().AllSatisfy(b => b.Started.Should().BeTrue());
        await host.StopAsync();

        router.Backends.Cast<TestBackend>().Should().AllSatisfy(b => b.Stopped.Should().BeTrue());
    }

    [Fact]
    public async Task Start_WhenABackendFailsToStart_StopsThoseAlreadyStarted()
    {
        using var host = Build(rapid => rapid
            .AddBackend("first", b => b.Use<TestBackend, TestBackendOptions>())
            .AddBackend("broken", b => b.Use<TestBackend, TestBackendOptions>()));
        var router = host.Services.GetRequiredService<IRouter>();
        router.GetBackend<TestBackend>("broken").StartFailure = new IOException("no such device /dev/ttyUSB9");

        var act = () => host.StartAsync();

        await act.Should().ThrowAsync<IOException>().WithMessage("no such device /dev/ttyUSB9");
        router.GetBackend<TestBackend>("first").Stopped.Should().BeTrue();
    }

    [Fact]
    public async Task ReceiveLoop_ThatCrashes_IsRestarted()
    {
        using var host = Build(rapid => rapid.AddBackend("flaky", b => b.Use<TestBackend, TestBackendOptions>()));
        var backend = host.Services.GetRequiredService<IRouter>().GetBackend<TestBackend>("flaky");
        var runs = 0;
        var thirdRun = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        backend.Loop = async token =>
        {
            if (Interlocked.Increment(ref runs) < 3)
            {
                throw new IOException("device unplugged");
            }

            thirdRun.TrySetResult();
            await Task.Delay(System.Threading.Timeout.InfiniteTimeSpan, token);
        };

        await host.StartAsync();
        await thirdRun.Task.WaitAsync(Timeout);
        await host.StopAsync();

        runs.Should().Be(3);
    }

    [Fact]
    public async Task ReceiveLoop_ThatCrashes_WaitsForTheBackOffOnTheInjectedClock()
    {
        var time = new ManualTimeProvider();
        var builder = Host.CreateEmptyApplicationBuilder(new HostApplicationBuilderSettings());
        builder.Services.AddSingleton<TimeProvider>(time);
        builder.Services.AddRapidSms(rapid => rapid
            .ConfigureRouter(o => o.BackendRestartDelay = TimeSpan.FromSeconds(10))
            .AddBackend("flaky", b => b.Use<TestBackend, TestBackendOptions>()));
        using var host = builder.Build();
        var backend = host.Services.GetRequiredService<IRouter>().GetBackend<TestBackend>("flaky");
        var runs = 0;
        var secondRun = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        backend.Loop = async token =>
        {
            if (Interlocked.Increment(ref runs) == 1)
            {
                throw new IOException("device unplugged");
            }

            secondRun.TrySetResult();
            await Task.Delay(System.Threading.Timeout.InfiniteTimeSpan, token);
        };
        await host.StartAsync();

        // The restart waits 8 to 12 seconds (10 s with jitter) on the injected clock.
        await time.WaitForScheduledTimersAsync(1).WaitAsync(Timeout);
        time.Advance(TimeSpan.FromSeconds(7.9));
        Volatile.Read(ref runs).Should().Be(1);
        time.Advance(TimeSpan.FromSeconds(4.2));
        await secondRun.Task.WaitAsync(Timeout);

        await host.StopAsync();
        runs.Should().Be(2);
    }

    [Fact]
    public async Task Shutdown_DrainsInFlightMessages_RepliesStillGoOut_ThenStopsBackends()
    {
        var entered = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        var release = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        var app = new SlowReplyApp(entered, release);
        using var host = Build(rapid => rapid.AddApp(app).AddBackend("a", b => b.Use<TestBackend, TestBackendOptions>()));
        var backend = host.Services.GetRequiredService<IRouter>().GetBackend<TestBackend>("a");
        await host.StartAsync();

        var inFlight = backend.InjectAsync("+1", "slow").AsTask();
        await entered.Task.WaitAsync(Timeout);
        var stopping = host.StopAsync();

        // New input is refused while draining, so a backend would not acknowledge it.
        await FluentActions.Awaiting(() => WaitForRefusalAsync(backend)).Should().NotThrowAsync();
        backend.Stopped.Should().BeFalse();

        release.SetResult();
        await inFlight.WaitAsync(Timeout);
        await stopping.WaitAsync(Timeout);

        backend.Calls.Should().ContainSingle().Which.Message.Text.Should().Be("done: slow");
        backend.Stopped.Should().BeTrue();
    }

    private static async Task WaitForRefusalAsync(TestBackend backend)
    {
        // StopAsync closes the router first and synchronously; one attempt suffices.
        try
        {
            await backend.InjectAsync("+2", "late");
        }
        catch (RouterClosedException)
        {
            return;
        }

        throw new InvalidOperationException("The router accepted a message during shutdown.");
    }

    private sealed class SlowReplyApp(TaskCompletionSource entered, TaskCompletionSource release) : AppBase
    {
        public override async ValueTask<bool> HandleAsync(IncomingMessage message, CancellationToken cancellationToken)
        {
            entered.TrySetResult();
            await release.Task;
            message.Respond($"done: {message.Text}");
            return true;
        }
    }
}

public sealed class ShutdownTests
{
    [Fact]
    public async Task Shutdown_LoopRefusedByClosedRouter_IsNotRestartedOrLoggedAsCrash()
    {
        var logs = new ListLoggerProvider();
        var builder = Host.CreateEmptyApplicationBuilder(new HostApplicationBuilderSettings());
        builder.Logging.AddProvider(logs);
        builder.Services.AddRapidSms(rapid => rapid
            .ConfigureRouter(o => o.BackendRestartDelay = TimeSpan.Zero)
            .AddBackend("poller", b => b.Use<TestBackend, TestBackendOptions>()));
        using var host = builder.Build();
        var backend = host.Services.GetRequiredService<IRouter>().GetBackend<TestBackend>("poller");
        var runs = 0;
        var polling = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);

        // A poll loop that ignores its token and keeps handing messages over until the router refuses.
        backend.Loop = async _ =>
        {
            Interlocked.Increment(ref runs);
            while (true)
            {
                await backend.InjectAsync("+1", "poll", CancellationToken.None);
                polling.TrySetResult();
            }
        };
        await host.StartAsync();
        await polling.Task.WaitAsync(TimeSpan.FromSeconds(30));

        await host.StopAsync();

        runs.Should().Be(1);
        logs.Records.Should().NotContain(e => e.EventId.Name == "BackendLoopFailed");
    }
}

using System.Diagnostics.Metrics;
using System.Globalization;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;
using RapidSms.Testing;

namespace RapidSms.Testing.Tests;

public sealed class MessageTesterTests
{
    private const string Phone = "+256700000001";
    private const string OtherPhone = "+256700000002";

    [Fact]
    public async Task SendAsync_Ping_RepliesPong()
    {
        await using var tester = await MessageTester.StartAsync(rapid => rapid.AddHandler<PingHandler>());

        var replies = await tester.SendAsync(Phone, "ping");

        replies.Should().Equal("pong");
    }

    [Fact]
    public async Task SendAsync_UnknownKeywordWithDefaultResponse_RepliesDefaultText()
    {
        await using var tester = await MessageTester.StartAsync(rapid => rapid.AddHandler<PingHandler>().AddDefaultResponse());

        var replies = await tester.SendAsync(Phone, "register Alice");

        replies.Should().Equal(new DefaultResponseOptions().Text);
    }

    [Fact]
    public async Task SendAsync_UnknownKeywordWithCustomDefaultResponse_RepliesCustomText()
    {
        await using var tester = await MessageTester.StartAsync(rapid => rapid.AddHandler<PingHandler>().AddDefaultResponse("Try PING."));

        var replies = await tester.SendAsync(Phone, "pong");

        replies.Should().Equal("Try PING.");
    }

    [Fact]
    public async Task SendAsync_NoAppAnswers_ReturnsNoReplies()
    {
        await using var tester = await MessageTester.StartAsync(rapid => rapid.AddHandler<PingHandler>());

        var replies = await tester.SendAsync(Phone, "hello?");

        replies.Should().BeEmpty();
        tester.Outbox.Should().BeEmpty();
    }

    [Fact]
    public async Task InjectAsync_Ping_ReturnsHandledMessageStampedWithManualTime()
    {
        await using var tester = await MessageTester.StartAsync(rapid => rapid.AddHandler<PingHandler>());
        tester.Time.Advance(TimeSpan.FromHours(2));

        var message = await tester.InjectAsync(Phone, "ping");

        message.Handled.Should().BeTrue();
        message.Connection.Should().Be(new Connection(MessageTester.BackendName, Phone));
        message.ReceivedAt.Should().Be(ManualTimeProvider.DefaultStartTime.AddHours(2));
        message.Responses.Should().ContainSingle().Which.Text.Should().Be("pong");
    }

    [Fact]
    public async Task SendAsync_AppReadsClock_SeesManualTime()
    {
        var start = new DateTimeOffset(2024, 5, 1, 8, 0, 0, TimeSpan.Zero);
        await using var tester = await MessageTester.StartAsync(
            rapid => rapid.AddHandler<TimeHandler>(),
            new MessageTesterOptions { TimeProvider = new ManualTimeProvider(start) });

        var before = await tester.SendAsync(Phone, "time");
        tester.Time.Advance(TimeSpan.FromMinutes(30));
        var after = await tester.SendAsync(Phone, "time");

        before.Should().Equal("2024-05-01T08:00:00.0000000+00:00");
        after.Should().Equal("2024-05-01T08:30:00.0000000+00:00");
    }

    [Fact]
    public async Task RunScriptAsync_MatchingConversation_Passes()
    {
        await using var tester = await MessageTester.StartAsync(rapid => rapid
            .AddHandler<PingHandler>()
            .AddHandler<EchoHandler>()
            .AddDefaultResponse("Unknown."));

        var run = () => tester.RunScriptAsync("""
            # a comment, then a blank line

            +256700000001 > ping
            +256700000001 < pong
            +256700000002 > echo hello   there
            +256700000001 > what
            +256700000002 < hello   there
            +256700000001 < Unknown.
            """);

        await run.Should().NotThrowAsync();
    }

    [Fact]
    public async Task RunScriptAsync_WrongReply_ThrowsNamingLineExpectedAndActual()
    {
        await using var tester = await MessageTester.StartAsync(rapid => rapid.AddHandler<PingHandler>());

        var run = () => tester.RunScriptAsync("""
            # checking the service
            +256700000001 > ping
            +256700000001 < PONG!
            """);

        var error = (await run.Should().ThrowAsync<MessageTesterException>()).Which;
        error.LineNumber.Should().Be(3);
        error.Expected.Should().Be("+256700000001 < PONG!");
        error.Actual.Should().Equal("+256700000001 < pong");
        error.Message.Should().Be(string.Join(Environment.NewLine,
            "Script line 3: expected",
            "  +256700000001 < PONG!",
            "but got",
            "  +256700000001 < pong",
            "(a reply to line 2: +256700000001 > ping).",
            "Replies not matched yet:",
            "  +256700000001 < pong"));
        error.Should().BeAssignableTo<RapidSmsException>();
    }

    [Fact]
    public async Task RunScriptAsync_ExpectedReplyNeverComes_ThrowsNamingLine()
    {
        await using var tester = await MessageTester.StartAsync(rapid => rapid.AddHandler<PingHandler>());

        var run = () => tester.RunScriptAsync("""
            +256700000001 > hello
            +256700000001 < hi there
            """);

        var error = (await run.Should().ThrowAsync<MessageTesterException>()).Which;
        error.LineNumber.Should().Be(2);
        error.Expected.Should().Be("+256700000001 < hi there");
        error.Actual.Should().BeEmpty();
        error.Message.Should().StartWith("Script line 2: expected")
            .And.Contain("but no reply to +256700000001 is left.")
            .And.EndWith("Replies not matched yet: none.");
    }

    [Fact]
    public async Task RunScriptAsync_ReplyNoLineExpects_ThrowsNamingSendingLine()
    {
        await using var tester = await MessageTester.StartAsync(rapid => rapid.AddHandler<PingHandler>());

        var run = () => tester.RunScriptAsync("""
            +256700000001 > ping
            +256700000001 < pong

            +256700000001 > ping
            """);

        var error = (await run.Should().ThrowAsync<MessageTesterException>()).Which;
        error.LineNumber.Should().Be(4);
        error.Expected.Should().BeNull();
        error.Actual.Should().Equal("+256700000001 < pong");
        error.Message.Should().StartWith("Script line 4 (+256700000001 > ping) got")
            .And.Contain("no line expects it");
    }

    [Fact]
    public async Task RunScriptAsync_RepliesToOneIdentityOutOfOrder_Throws()
    {
        await using var tester = await MessageTester.StartAsync(rapid => rapid.AddApp<TwoRepliesApp>());

        var run = () => tester.RunScriptAsync("""
            +256700000001 > hi
            +256700000001 < second
            +256700000001 < first
            """);

        var error = (await run.Should().ThrowAsync<MessageTesterException>()).Which;
        error.LineNumber.Should().Be(2);
        error.Actual.Should().Equal("+256700000001 < first", "+256700000001 < second");
    }

    [Fact]
    public async Task RunScriptAsync_MalformedLine_ThrowsNamingLine()
    {
        await using var tester = await MessageTester.StartAsync(rapid => rapid.AddHandler<PingHandler>());

        var run = () => tester.RunScriptAsync("+256700000001 > ping\n+256700000001 < pong\nping pong\n");

        var error = (await run.Should().ThrowAsync<MessageTesterException>()).Which;
        error.LineNumber.Should().Be(3);
        error.Message.Should().Contain("Script line 3").And.Contain("\"ping pong\"");
    }

    [Fact]
    public async Task RunScriptAsync_AppSendsToAnotherPhone_ScriptSeesIt()
    {
        await using var tester = await MessageTester.StartAsync(rapid => rapid.AddApp<ForwardApp>());

        await tester.RunScriptAsync("""
            +256700000001 > forward +256700000002 see you at noon
            +256700000002 < see you at noon
            +256700000001 < Forwarded.
            """);

        tester.Outbox.Select(m => m.Identity).Should().Equal(OtherPhone, Phone);
    }

    [Fact]
    public async Task ClearOutbox_AfterMessages_EmptiesOutbox()
    {
        await using var tester = await MessageTester.StartAsync(rapid => rapid.AddHandler<PingHandler>());
        await tester.SendAsync(Phone, "ping");
        tester.Outbox.Should().ContainSingle().Which.Text.Should().Be("pong");

        tester.ClearOutbox();

        tester.Outbox.Should().BeEmpty();
        (await tester.SendAsync(Phone, "ping")).Should().Equal("pong");
    }

    [Fact]
    public async Task WaitForOutboxAsync_MessageSentThroughRouter_ReturnsIt()
    {
        await using var tester = await MessageTester.StartAsync(rapid => rapid.AddHandler<PingHandler>());
        using var timeout = new CancellationTokenSource(TimeSpan.FromSeconds(10));

        var waiting = tester.WaitForOutboxAsync(1, timeout.Token);
        await tester.Router.SendAsync("Clinic opens at 9.", new Connection(MessageTester.BackendName, OtherPhone), timeout.Token);

        (await waiting).Should().ContainSingle().Which.Identity.Should().Be(OtherPhone);
    }

    [Fact]
    public async Task StartAsync_ConfigureServices_AppsGetExtraServices()
    {
        await using var tester = await MessageTester.StartAsync(
            rapid => rapid.AddApp<GreetingApp>(),
            new MessageTesterOptions { ConfigureServices = s => s.AddSingleton(new Greeting("Habari")) });

        (await tester.SendAsync(Phone, "hi")).Should().Equal("Habari +256700000001");
    }

    [Fact]
    public async Task StartAsync_AppDependencyNotRegistered_FailsNamingIt()
    {
        var start = () => MessageTester.StartAsync(rapid => rapid.AddApp<GreetingApp>());

        await start.Should().ThrowAsync<AggregateException>().WithMessage("*Greeting*");
    }

    [Fact]
    public async Task StartAsync_ConfigureHostWithConfiguration_AddsBackendsFromConfiguration()
    {
        await using var tester = await MessageTester.StartAsync(
            rapid => rapid.AddHandler<PingHandler>(),
            new MessageTesterOptions
            {
                ConfigureHost = host =>
                {
                    host.Configuration.AddInMemoryCollection(new Dictionary<string, string?> { ["Backends:second:Engine"] = "bucket" });
                    host.Services.AddRapidSms(rapid => rapid.AddBackends(host.Configuration.GetSection("Backends")));
                },
            });

        tester.Router.Backends.Select(b => b.Name).Should().BeEquivalentTo(MessageTester.BackendName, "second");
    }

    [Fact]
    public async Task Logs_AfterMessage_HoldRouterEntries()
    {
        await using var tester = await MessageTester.StartAsync(rapid => rapid.AddHandler<PingHandler>());

        await tester.SendAsync(Phone, "ping");

        tester.Logs.Records.Should().Contain(r => r.EventId.Name == "MessageHandled" && Equals(r.GetStateValue("App"), nameof(HandlersApp)));
        tester.Logs.Records.Should().OnlyContain(r => r.Timestamp == ManualTimeProvider.DefaultStartTime);
    }

    [Fact]
    public async Task Metrics_TwoTesters_EachCollectorSeesOnlyItsOwnHost()
    {
        await using var first = await MessageTester.StartAsync(rapid => rapid.AddHandler<PingHandler>());
        await using var second = await MessageTester.StartAsync(rapid => rapid.AddHandler<PingHandler>());
        using var firstReceived = new MetricCollector<long>(first.Services.GetRequiredService<IMeterFactory>(), RapidSmsTelemetry.Name, RapidSmsTelemetry.MessagesReceived);
        using var secondReceived = new MetricCollector<long>(second.Services.GetRequiredService<IMeterFactory>(), RapidSmsTelemetry.Name, RapidSmsTelemetry.MessagesReceived);

        await first.SendAsync(Phone, "ping");
        await second.SendAsync(Phone, "ping");
        await second.SendAsync(Phone, "ping");

        firstReceived.Sum().Should().Be(1);
        firstReceived.LastMeasurement!.HasTag(RapidSmsTelemetry.BackendTag, MessageTester.BackendName).Should().BeTrue();
        secondReceived.Sum().Should().Be(2);
    }

    [Fact]
    public async Task SendAsync_AppNeverFinishes_ThrowsTimeout()
    {
        await using var tester = await MessageTester.StartAsync(
            rapid => rapid.AddApp<WaitsForClockApp>(),
            new MessageTesterOptions { Timeout = TimeSpan.FromMilliseconds(300) });

        var send = () => tester.SendAsync(Phone, "wait");

        (await send.Should().ThrowAsync<TimeoutException>()).Which.Message.Should().Contain("+256700000001 > wait");
    }

    [Fact]
    public async Task SendAsync_AppWaitsOnClock_CompletesOnceTestAdvancesTime()
    {
        await using var tester = await MessageTester.StartAsync(rapid => rapid.AddApp<WaitsForClockApp>());
        using var timeout = new CancellationTokenSource(TimeSpan.FromSeconds(10));

        var sending = tester.SendAsync(Phone, "wait", timeout.Token);
        await tester.Time.WaitForScheduledTimersAsync(1, timeout.Token);
        sending.IsCompleted.Should().BeFalse();
        tester.Time.Advance(WaitsForClockApp.Wait);

        (await sending).Should().Equal("Waited.");
    }

    [Fact]
    public async Task DisposeAsync_RunningTester_StopsHostAndRefusesMessages()
    {
        var tester = await MessageTester.StartAsync(rapid => rapid.AddHandler<PingHandler>());
        var lifetime = tester.Services.GetRequiredService<IHostApplicationLifetime>();

        await tester.DisposeAsync();
        await tester.DisposeAsync();

        lifetime.ApplicationStopped.IsCancellationRequested.Should().BeTrue();
        var send = () => tester.SendAsync(Phone, "ping");
        await send.Should().ThrowAsync<ObjectDisposedException>();
    }

    [Fact]
    public async Task StartAsync_DuplicateBackendName_FailsFast()
    {
        var start = () => MessageTester.StartAsync(rapid => rapid.AddBackend(MessageTester.BackendName, b => b.UseBucket()));

        await start.Should().ThrowAsync<InvalidOperationException>().WithMessage("*message_tester*already registered*");
    }

    private sealed class TimeHandler(TimeProvider time) : KeywordHandler("time")
    {
        protected override ValueTask HandleAsync(IncomingMessage message, string text, CancellationToken cancellationToken) =>
            throw new InvalidOperationException("TIME takes no argument.");

        protected override ValueTask HelpAsync(IncomingMessage message, CancellationToken cancellationToken)
        {
            message.Respond(time.GetUtcNow().ToString("O", CultureInfo.InvariantCulture));
            return ValueTask.CompletedTask;
        }
    }

    private sealed class TwoRepliesApp : AppBase
    {
        public override ValueTask<bool> HandleAsync(IncomingMessage message, CancellationToken cancellationToken)
        {
            message.Respond("first");
            message.Respond("second");
            return Handled;
        }
    }

    /// <summary>Sends on its own through the router (not a reply), then answers the sender.</summary>
    private sealed class ForwardApp(IServiceProvider services) : AppBase
    {
        public override async ValueTask<bool> HandleAsync(IncomingMessage message, CancellationToken cancellationToken)
        {
            var parts = message.Text.Split(' ', 3);
            var router = services.GetRequiredService<IRouter>();
            await router.SendAsync(parts[2], new Connection(message.Connection.Backend, parts[1]), cancellationToken);
            message.Respond("Forwarded.");
            return true;
        }
    }

    private sealed record Greeting(string Word);

    private sealed class GreetingApp(Greeting greeting) : AppBase
    {
        public override ValueTask<bool> HandleAsync(IncomingMessage message, CancellationToken cancellationToken)
        {
            message.Respond($"{greeting.Word} {message.Connection.Identity}");
            return Handled;
        }
    }

    private sealed class WaitsForClockApp(TimeProvider time) : AppBase
    {
        public static readonly TimeSpan Wait = TimeSpan.FromMinutes(5);

        public override async ValueTask<bool> HandleAsync(IncomingMessage message, CancellationToken cancellationToken)
        {
            await Task.Delay(Wait, time, cancellationToken);
            message.Respond("Waited.");
            return true;
        }
    }
}

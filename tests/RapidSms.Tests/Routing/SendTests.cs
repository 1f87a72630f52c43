using RapidSms.Tests.Infrastructure;

namespace RapidSms.Tests.Routing;

public sealed class SendTests
{
    private static RouterFixture Create(Action<RapidSmsOptions>? options = null) => RouterFixture.WithApps(_ => [], options);

    [Fact]
    public async Task Send_ToConnectionsOnSeveralBackends_CallsEachBackendOnceWithItsIdentities()
    {
        await using var fixture = Create();
        var message = new OutgoingMessage(
            [
                new Connection("a", "+1"), new Connection("b", "+2"), new Connection("a", "+3"),
                new Connection("b", "+4"), new Connection("a", "+1"),
            ],
            "meeting at 5");

        var result = await fixture.Router.SendOutgoingAsync(message);

        result.Succeeded.Should().BeTrue();
        fixture.Backend("a").Calls.Should().ContainSingle().Which.Identities.Should().Equal("+1", "+3");
        fixture.Backend("b").Calls.Should().ContainSingle().Which.Identities.Should().Equal("+2", "+4");
        result.Recipients.Select(r => $"{r.Backend}:{r.Identity}").Should().Equal("a:+1", "a:+3", "b:+2", "b:+4");
        result.Recipients.Should().AllSatisfy(r => r.BackendMessageId.Should().Be($"id-{r.Identity}"));
    }

    [Fact]
    public async Task Send_PartialFailure_ReportsWhichIdentitiesFailed()
    {
        await using var fixture = Create();
        fixture.Backend("a").Result = (identity, _) => identity == "+2"
            ? RecipientResult.Failed(identity, "number barred")
            : RecipientResult.Sent(identity);
        var message = new OutgoingMessage([new Connection("a", "+1"), new Connection("a", "+2"), new Connection("b", "+3")], "hi");

        var result = await fixture.Router.SendOutgoingAsync(message);

        result.Succeeded.Should().BeFalse();
        result.FailedIdentities.Should().Equal("+2");
        result.Failures.Should().ContainSingle().Which.Should().Match<RecipientResult>(r => r.Backend == "a" && r.Error == "number barred");
        var thrown = FluentActions.Invoking(() => result.EnsureSuccess(message)).Should().Throw<MessageSendingException>().Which;
        thrown.FailedIdentities.Should().Equal("+2");
        thrown.Message.Should().Be($"Sending message {message.Id} failed for 1 of 3 recipient(s): a:+2 (number barred).");
    }

    [Fact]
    public async Task Send_ToUnknownBackend_ThrowsNamingRegisteredBackends_AndSendsNothing()
    {
        await using var fixture = Create();
        var message = new OutgoingMessage([new Connection("a", "+1"), new Connection("Zian", "+2")], "hi");

        var act = async () => await fixture.Router.SendOutgoingAsync(message);

        (await act.Should().ThrowAsync<BackendNotFoundException>())
            .WithMessage("No backend named 'Zian' is registered. Registered backends: 'a', 'b'.")
            .Which.Backend.Should().Be("Zian");
        fixture.Backend("a").Calls.Should().BeEmpty();
    }

    [Fact]
    public async Task Send_BackendThrows_EveryIdentityOfThatBackendFails_OthersStillSent()
    {
        await using var fixture = Create(o => o.MaxSendAttempts = 1);
        fixture.Backend("a").Throw = new InvalidOperationException("modem on fire");
        var message = new OutgoingMessage([new Connection("a", "+1"), new Connection("a", "+2"), new Connection("b", "+3")], "hi");

        var result = await fixture.Router.SendOutgoingAsync(message);

        result.FailedIdentities.Should().Equal("+1", "+2");
        result.Failures.Should().AllSatisfy(f => f.Error.Should().Be("modem on fire"));
        fixture.Backend("b").Calls.Should().ContainSingle();
    }

    [Fact]
    public async Task Send_TransientFailure_IsRetriedForFailedIdentitiesOnly()
    {
        await using var fixture = Create(o => o.MaxSendAttempts = 3);
        fixture.Backend("a").Result = (identity, attempt) => identity == "+2" && attempt == 1
            ? RecipientResult.Failed(identity, "throttled", isTransient: true)
            : RecipientResult.Sent(identity);

        var result = await fixture.Router.SendOutgoingAsync(new OutgoingMessage([new Connection("a", "+1"), new Connection("a", "+2")], "hi"));

        result.Succeeded.Should().BeTrue();
        fixture.Backend("a").Calls.Select(c => string.Join(",", c.Identities)).Should().Equal("+1,+2", "+2");
    }

    [Fact]
    public async Task Send_TransientFailure_StopsAfterMaxAttempts()
    {
        await using var fixture = Create(o => o.MaxSendAttempts = 3);
        fixture.Backend("a").Throw = new TimeoutException("no answer");

        var result = await fixture.Router.SendAsync("hi", new Connection("a", "+1"));

        fixture.Backend("a").Attempts.Should().Be(3);
        result.Failures.Should().ContainSingle().Which.IsTransient.Should().BeTrue();
    }

    [Fact]
    public async Task Send_PermanentFailure_IsNotRetried()
    {
        await using var fixture = Create(o => o.MaxSendAttempts = 5);
        fixture.Backend("a").Result = (identity, _) => RecipientResult.Failed(identity, "invalid number");

        var result = await fixture.Router.SendAsync("hi", new Connection("a", "+1"));

        fixture.Backend("a").Attempts.Should().Be(1);
        result.FailedIdentities.Should().Equal("+1");
    }

    [Fact]
    public async Task Send_BackendOmitsAnIdentity_ItCountsAsFailed()
    {
        await using var fixture = Create();
        fixture.Backend("a").Result = (identity, _) => identity == "+2" ? RecipientResult.Sent("+999") : RecipientResult.Sent(identity);

        var result = await fixture.Router.SendOutgoingAsync(new OutgoingMessage([new Connection("a", "+1"), new Connection("a", "+2")], "hi"));

        result.FailedIdentities.Should().Equal("+2");
        result.Failures.Single().Error.Should().Contain("no result");
    }

    [Fact]
    public async Task Send_CallerCancels_OperationCanceledIsNotWrapped()
    {
        await using var fixture = Create();
        using var cts = new CancellationTokenSource();
        fixture.Backend("a").Throw = new OperationCanceledException(cts.Token);
        await cts.CancelAsync();

        var act = async () => await fixture.Router.SendAsync("hi", new Connection("a", "+1"), cts.Token);

        await act.Should().ThrowAsync<OperationCanceledException>();
    }

    [Theory]
    [InlineData(typeof(TimeoutException), true)]
    [InlineData(typeof(IOException), true)]
    [InlineData(typeof(System.Net.Sockets.SocketException), true)]
    [InlineData(typeof(HttpRequestException), true)]
    [InlineData(typeof(InvalidOperationException), false)]
    [InlineData(typeof(ArgumentException), false)]
    public void IsTransient_ClassifiesCommonFailures(Type type, bool transient)
    {
        var exception = (Exception)Activator.CreateInstance(type)!;

        MessageRouter.IsTransient(exception).Should().Be(transient);
    }

    [Fact]
    public void IsTransient_FollowsBackendExceptionFlag()
    {
        MessageRouter.IsTransient(new BackendException("x", "link down", isTransient: true)).Should().BeTrue();
        MessageRouter.IsTransient(new BackendException("x", "bad credentials", isTransient: false)).Should().BeFalse();
    }
}

public sealed class AppSendingTests
{
    /// <summary>An app that takes the router in its constructor and forwards reports to a supervisor.</summary>
    private sealed class ForwardingApp(IRouter router) : AppBase
    {
        public override async ValueTask<bool> HandleAsync(IncomingMessage message, CancellationToken cancellationToken)
        {
            if (!message.Text.StartsWith("report ", StringComparison.OrdinalIgnoreCase))
            {
                return false;
            }

            var result = await router.SendAsync($"{message.Connection.Identity}: {message.Text[7..]}", new Connection("b", "+256700000999"), cancellationToken);
            message.Respond(result.Succeeded ? "Forwarded." : "Could not forward.");
            return true;
        }
    }

    [Fact]
    public async Task App_TakingIRouterInItsConstructor_CanSendToAnyBackend()
    {
        await using var fixture = RouterFixture.Create(rapid => rapid
            .AddApp<ForwardingApp>()
            .AddBackend("a", b => b.Use<TestBackend, TestBackendOptions>())
            .AddBackend("b", b => b.Use<TestBackend, TestBackendOptions>()));

        var message = await fixture.Backend("a").InjectAsync("+256700000001", "report 3 cases of malaria");

        fixture.Backend("b").Calls.Should().ContainSingle().Which.Message.Text.Should().Be("+256700000001: 3 cases of malaria");
        fixture.Backend("a").Calls.Should().ContainSingle().Which.Message.Text.Should().Be("Forwarded.");
        message.Handled.Should().BeTrue();
    }
}

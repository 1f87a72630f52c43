namespace RapidSms.Tests.Messages;

public sealed class MessageTests
{
    private static readonly Connection Sender = new("Zain", "+256700000001");

    [Fact]
    public void Connection_ComparesByValue_AndRejectsEmptyParts()
    {
        new Connection("Zain", "+1").Should().Be(new Connection("Zain", "+1"));
        new Connection("Zain", "+1").Should().NotBe(new Connection("zain", "+1"));
        FluentActions.Invoking(() => new Connection("", "+1")).Should().Throw<ArgumentException>();
        FluentActions.Invoking(() => new Connection("Zain", " ")).Should().Throw<ArgumentException>();
        new Connection("Zain", "+1").ToString().Should().Be("Zain:+1");
    }

    [Fact]
    public void Respond_QueuesReplyToSender_InResponseToTheMessage()
    {
        var incoming = new IncomingMessage(Sender, "ping", DateTimeOffset.UnixEpoch);

        var reply = incoming.Respond("pong");

        incoming.Responses.Should().ContainSingle().Which.Should().BeSameAs(reply);
        reply.Connections.Should().Equal(Sender);
        reply.InResponseTo.Should().BeSameAs(incoming);
        reply.Id.Should().NotBe(incoming.Id).And.HaveLength(32);
    }

    [Fact]
    public void MessageIds_AreUniqueLowercaseHex_OfUuidLength()
    {
        var ids = Enumerable.Range(0, 10_000).AsParallel().Select(_ => new OutgoingMessage(Sender, "x").Id).ToList();

        ids.Should().OnlyHaveUniqueItems();
        ids.Should().AllSatisfy(id => id.Should().MatchRegex("^[0-9a-f]{32}$"));
    }

    [Fact]
    public void Messages_NeedAtLeastOneConnection()
    {
        var act = () => new OutgoingMessage(Array.Empty<Connection>(), "hi");

        act.Should().Throw<ArgumentException>().WithMessage("A message needs at least one connection.*");
    }

    [Fact]
    public void Fields_AreLazy_AndKeepValues()
    {
        var incoming = new IncomingMessage(Sender, "x", DateTimeOffset.UnixEpoch, id: "fixed");

        incoming.HasFields.Should().BeFalse();
        incoming.Fields["subject"] = "Re: hi";
        incoming.HasFields.Should().BeTrue();
        incoming.Id.Should().Be("fixed");
    }

    [Fact]
    public void SendResult_Success_AndFailureHelpers()
    {
        SendResult.Success(["+1", "+2"]).Succeeded.Should().BeTrue();
        var failed = SendResult.Failure(["+1"], "down", isTransient: true);
        failed.Succeeded.Should().BeFalse();
        failed.Failures.Single().IsTransient.Should().BeTrue();
        SendResult.Cancelled.Succeeded.Should().BeFalse();
        FluentActions.Invoking(() => SendResult.Cancelled.EnsureSuccess()).Should().Throw<MessageSendingException>().WithMessage("*cancelled*");
    }

    [Fact]
    public void DeliveryReport_IsFinal_OnlyForEndStates()
    {
        DeliveryReport Report(DeliveryStatus s) => new("Zain", "+1", s, DateTimeOffset.UnixEpoch);

        Report(DeliveryStatus.Queued).IsFinal.Should().BeFalse();
        Report(DeliveryStatus.Sent).IsFinal.Should().BeFalse();
        Report(DeliveryStatus.Delivered).IsFinal.Should().BeTrue();
        Report(DeliveryStatus.Rejected).IsFinal.Should().BeTrue();
    }

    [Fact]
    public void Backend_UsedBeforeInitialize_SaysHowToRegisterIt()
    {
        var backend = new Infrastructure.PlainBackend();

        FluentActions.Invoking(() => backend.Name).Should().Throw<InvalidOperationException>()
            .WithMessage("PlainBackend has not been initialized: register it with AddBackend(name, b => b.Use<PlainBackend>()) or call Initialize first.");
    }
}

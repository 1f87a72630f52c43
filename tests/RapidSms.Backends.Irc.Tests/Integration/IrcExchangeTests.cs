using RapidSms.Backends.Irc.Tests.Infrastructure;
using RapidSms.Tests.Shared;

namespace RapidSms.Backends.Irc.Tests.Integration;

/// <summary>The backend and a plain test client on one ngIRCd server exchange private and channel messages.</summary>
public sealed class IrcExchangeTests
{
    private static readonly TimeSpan Timeout = TimeSpan.FromSeconds(60);

    [PeerFact(NgircdServer.Install, NgircdServer.Program)]
    public async Task PrivateMessage_EchoRequest_ReplyComesBackPrivately()
    {
        using var timeout = new CancellationTokenSource(Timeout);
        await using var server = await NgircdServer.StartAsync();
        await using var bot = await IrcBotHost.StartAsync(server, o => o.Nick = "rapidbot", timeout.Token);
        await using var alice = await IrcTestClient.ConnectAsync(server.Port, "alice", timeout.Token);

        await alice.PrivmsgAsync("rapidbot", "echo hello there", timeout.Token);
        var reply = await alice.NextPrivmsgFromAsync("rapidbot", timeout.Token);

        reply.Parameters[0].Should().Be("alice");
        reply.Last.Should().Be("hello there");
        var incoming = bot.App.Received.Should().ContainSingle().Subject;
        incoming.Connection.Should().Be(new Connection(IrcBotHost.BackendName, "alice"));
        incoming.Fields.Should().NotContainKey(IrcFields.Channel);
        incoming.Fields[IrcFields.Hostmask].Should().BeOfType<string>().Which.Should().StartWith("alice!");
    }

    [PeerFact(NgircdServer.Install, NgircdServer.Program)]
    public async Task ChannelMessage_AddressedToBot_ReplyGoesToChannelAddressedToSender()
    {
        using var timeout = new CancellationTokenSource(Timeout);
        await using var server = await NgircdServer.StartAsync();
        await using var bot = await IrcBotHost.StartAsync(server, o => { o.Nick = "rapidbot"; o.Channels.Add("#rapidsms"); }, timeout.Token);
        await using var alice = await IrcTestClient.ConnectAsync(server.Port, "alice", timeout.Token);
        await alice.JoinAsync("#rapidsms", timeout.Token);

        await alice.PrivmsgAsync("#rapidsms", "just chatting, not for the bot", timeout.Token);
        await alice.PrivmsgAsync("#rapidsms", "rapidbot: echo from the channel", timeout.Token);
        var reply = await alice.NextPrivmsgFromAsync("rapidbot", timeout.Token);

        reply.Parameters[0].Should().Be("#rapidsms");
        reply.Last.Should().Be("alice: from the channel");
        var incoming = bot.App.Received.Should().ContainSingle("only the line addressed to the bot is a message").Subject;
        incoming.Connection.Identity.Should().Be("alice");
        incoming.Text.Should().Be("echo from the channel");
        incoming.Fields[IrcFields.Channel].Should().Be("#rapidsms");
    }

    [PeerFact(NgircdServer.Install, NgircdServer.Program)]
    public async Task ChannelMessage_AddressedWithCommaAndOtherCase_IsForTheBot()
    {
        using var timeout = new CancellationTokenSource(Timeout);
        await using var server = await NgircdServer.StartAsync();
        await using var bot = await IrcBotHost.StartAsync(server, o => { o.Nick = "rapidbot"; o.Channels.Add("#rapidsms"); }, timeout.Token);
        await using var alice = await IrcTestClient.ConnectAsync(server.Port, "alice", timeout.Token);
        await alice.JoinAsync("#rapidsms", timeout.Token);

        await alice.PrivmsgAsync("#rapidsms", "RapidBot, echo comma", timeout.Token);
        var reply = await alice.NextPrivmsgFromAsync("rapidbot", timeout.Token);

        reply.Last.Should().Be("alice: comma");
    }

    [PeerFact(NgircdServer.Install, NgircdServer.Program)]
    public async Task Send_ToChannelIdentity_SaysItInTheChannel()
    {
        using var timeout = new CancellationTokenSource(Timeout);
        await using var server = await NgircdServer.StartAsync();
        await using var bot = await IrcBotHost.StartAsync(server, o => { o.Nick = "rapidbot"; o.Channels.Add("#news"); }, timeout.Token);
        await using var alice = await IrcTestClient.ConnectAsync(server.Port, "alice", timeout.Token);
        await alice.JoinAsync("#news", timeout.Token);

        var result = await bot.Router.SendAsync("Clinic opens at 9.", new Connection(IrcBotHost.BackendName, "#news"), timeout.Token);

        result.Succeeded.Should().BeTrue();
        var line = await alice.NextPrivmsgFromAsync("rapidbot", timeout.Token);
        line.Parameters[0].Should().Be("#news");
        line.Last.Should().Be("Clinic opens at 9.");
    }

    [PeerFact(NgircdServer.Install, NgircdServer.Program)]
    public async Task Join_ChannelWithKey_BotJoinsAndAnswersThere()
    {
        using var timeout = new CancellationTokenSource(Timeout);
        await using var server = await NgircdServer.StartAsync(new NgircdSettings { Channels = new Dictionary<string, string> { ["#staff"] = "+k sesame" } });
        await using var bot = await IrcBotHost.StartAsync(server, o => { o.Nick = "rapidbot"; o.Channels.Add("#staff sesame"); o.Channels.Add("#open"); }, timeout.Token);
        await using var alice = await IrcTestClient.ConnectAsync(server.Port, "alice", timeout.Token);
        await alice.JoinAsync("#staff", timeout.Token, key: "sesame");

        await alice.PrivmsgAsync("#staff", "rapidbot: echo keyed", timeout.Token);
        var reply = await alice.NextPrivmsgFromAsync("rapidbot", timeout.Token);

        reply.Parameters[0].Should().Be("#staff");
        reply.Last.Should().Be("alice: keyed");
        bot.Logs.Records.Should().Contain(r => r.EventId.Name == "IrcJoined" && (string?)r.GetStateValue("Channel") == "#staff");
        bot.Logs.Records.Should().Contain(r => r.EventId.Name == "IrcJoined" && (string?)r.GetStateValue("Channel") == "#open");
    }

    [PeerFact(NgircdServer.Install, NgircdServer.Program)]
    public async Task Join_WrongKey_IsLoggedAndTheBotStillWorks()
    {
        using var timeout = new CancellationTokenSource(Timeout);
        await using var server = await NgircdServer.StartAsync(new NgircdSettings { Channels = new Dictionary<string, string> { ["#staff"] = "+k sesame" } });
        await using var bot = await IrcBotHost.StartAsync(server, o => { o.Nick = "rapidbot"; o.Channels.Add("#staff wrong"); }, timeout.Token);
        await using var alice = await IrcTestClient.ConnectAsync(server.Port, "alice", timeout.Token);

        await alice.PrivmsgAsync("rapidbot", "echo still here", timeout.Token);
        var reply = await alice.NextPrivmsgFromAsync("rapidbot", timeout.Token);

        reply.Last.Should().Be("still here");
        bot.Logs.Records.Should().Contain(r => r.EventId.Name == "IrcJoinFailed" && (string?)r.GetStateValue("Channel") == "#staff");
    }
}

using System.Text;
using Microsoft.Extensions.DependencyInjection;
using RapidSms.Backends.Irc.Tests.Infrastructure;
using RapidSms.Tests.Shared;

namespace RapidSms.Backends.Irc.Tests.Integration;

/// <summary>Server restarts, a taken nick, long replies and bursts, against ngIRCd.</summary>
public sealed class IrcResilienceTests
{
    private static readonly TimeSpan Timeout = TimeSpan.FromSeconds(90);

    [PeerFact(NgircdServer.Install, NgircdServer.Program)]
    public async Task ServerRestart_MidSession_BotReconnectsAndRejoins()
    {
        using var timeout = new CancellationTokenSource(Timeout);
        await using var server = await NgircdServer.StartAsync();
        await using var bot = await IrcBotHost.StartAsync(server, o => { o.Nick = "rapidbot"; o.Channels.Add("#rapidsms"); }, timeout.Token);
        var alice = await IrcTestClient.ConnectAsync(server.Port, "alice", timeout.Token);
        try
        {
            await alice.JoinAsync("#rapidsms", timeout.Token);
            await alice.PrivmsgAsync("#rapidsms", "rapidbot: echo before", timeout.Token);
            (await alice.NextPrivmsgFromAsync("rapidbot", timeout.Token)).Last.Should().Be("alice: before");
        }
        finally
        {
            await alice.DisposeAsync();
        }

        await server.RestartAsync();

        await using var again = await IrcTestClient.ConnectAsync(server.Port, "alice", timeout.Token);
        await again.JoinAsync("#rapidsms", timeout.Token);
        await again.WaitForMemberAsync("#rapidsms", "rapidbot", timeout.Token);
        await again.PrivmsgAsync("#rapidsms", "rapidbot: echo after", timeout.Token);
        var reply = await again.NextPrivmsgFromAsync("rapidbot", timeout.Token);

        reply.Parameters[0].Should().Be("#rapidsms");
        reply.Last.Should().Be("alice: after");
        bot.Backend.Client.Registrations.Should().Be(2);
        bot.Logs.Records.Should().Contain(r => r.EventId.Name == "IrcConnectionLost");
        bot.Logs.Records.Count(r => r.EventId.Name == "IrcJoined").Should().Be(2);
    }

    [PeerFact(NgircdServer.Install, NgircdServer.Program)]
    public async Task Send_WhileServerIsDown_IsDeliveredAfterReconnect()
    {
        using var timeout = new CancellationTokenSource(Timeout);
        await using var server = await NgircdServer.StartAsync();
        await using var bot = await IrcBotHost.StartAsync(server, o => o.Nick = "rapidbot", timeout.Token);

        await server.StopAsync();

        // IRC has no acknowledgements: a line written in the instant before the bot sees the link close is gone
        // with the link. Once the bot knows it is down, sends wait for the reconnect.
        await bot.Logs.WaitForAsync(r => r.EventId.Name == "IrcConnectionLost", timeout.Token);
        var sending = bot.Router.SendAsync("sent during the outage", new Connection(IrcBotHost.BackendName, "alice"), timeout.Token);
        await server.RestartAsync();
        await using var alice = await IrcTestClient.ConnectAsync(server.Port, "alice", timeout.Token);
        var result = await sending;

        result.Succeeded.Should().BeTrue(string.Join("; ", result.Failures.Select(f => f.Error)));
        (await alice.NextPrivmsgFromAsync("rapidbot", timeout.Token)).Last.Should().Be("sent during the outage");
    }

    [PeerFact(NgircdServer.Install, NgircdServer.Program)]
    public async Task Register_NickAlreadyTaken_FallsBackAndStillAnswers()
    {
        using var timeout = new CancellationTokenSource(Timeout);
        await using var server = await NgircdServer.StartAsync();
        await using var squatter = await IrcTestClient.ConnectAsync(server.Port, "rapidbot", timeout.Token);
        await using var bot = await IrcBotHost.StartAsync(server, o => { o.Nick = "rapidbot"; o.Channels.Add("#rapidsms"); }, timeout.Token);
        await using var alice = await IrcTestClient.ConnectAsync(server.Port, "alice", timeout.Token);
        await alice.JoinAsync("#rapidsms", timeout.Token);

        bot.Backend.Nick.Should().Be("rapidbot_");
        await alice.PrivmsgAsync("rapidbot_", "echo private", timeout.Token);
        (await alice.NextPrivmsgFromAsync("rapidbot_", timeout.Token)).Last.Should().Be("private");
        await alice.PrivmsgAsync("#rapidsms", "rapidbot_: echo public", timeout.Token);
        (await alice.NextPrivmsgFromAsync("rapidbot_", timeout.Token)).Last.Should().Be("alice: public");
        bot.Logs.Records.Should().Contain(r => r.EventId.Name == "IrcNickUnavailable");
        squatter.All.Should().NotContain(l => l.Command == "PRIVMSG", "nothing was said to the nick's holder");
    }

    [PeerFact(NgircdServer.Install, NgircdServer.Program)]
    public async Task Register_NickTakenThenFreed_TakesItsOwnNickBack()
    {
        using var timeout = new CancellationTokenSource(Timeout);
        await using var server = await NgircdServer.StartAsync();
        var squatter = await IrcTestClient.ConnectAsync(server.Port, "rapidbot", timeout.Token);
        await using var bot = await IrcBotHost.StartAsync(server, o => { o.Nick = "rapidbot"; o.PingInterval = TimeSpan.FromSeconds(1); }, timeout.Token);
        bot.Backend.Nick.Should().Be("rapidbot_");

        await squatter.DisposeAsync();
        await bot.Logs.WaitForAsync(r => r.EventId.Name == "IrcNickRegained", timeout.Token);
        await using var alice = await IrcTestClient.ConnectAsync(server.Port, "alice", timeout.Token);
        await alice.PrivmsgAsync("rapidbot", "echo mine again", timeout.Token);

        bot.Backend.Nick.Should().Be("rapidbot");
        (await alice.NextPrivmsgFromAsync("rapidbot", timeout.Token)).Last.Should().Be("mine again");
    }

    [PeerFact(NgircdServer.Install, NgircdServer.Program)]
    public async Task Reply_2000Characters_ArrivesWholeAcrossSeveralLines()
    {
        using var timeout = new CancellationTokenSource(Timeout);
        await using var server = await NgircdServer.StartAsync();
        await using var bot = await IrcBotHost.StartAsync(server, o => { o.Nick = "rapidbot"; o.Channels.Add("#rapidsms"); }, timeout.Token);
        await using var alice = await IrcTestClient.ConnectAsync(server.Port, "alice", timeout.Token);
        await alice.JoinAsync("#rapidsms", timeout.Token);
        var expected = ScriptedApp.LongText(2000);

        await alice.PrivmsgAsync("rapidbot", "long 2000", timeout.Token);
        var privately = await CollectAsync(alice, "alice", "", expected.Length, timeout.Token);
        await alice.PrivmsgAsync("#rapidsms", "rapidbot: long 2000", timeout.Token);
        var inChannel = await CollectAsync(alice, "#rapidsms", "alice: ", expected.Length, timeout.Token);

        foreach (var lines in new[] { privately, inChannel })
        {
            lines.Count.Should().BeGreaterThanOrEqualTo(4);
            string.Concat(lines.Select(l => l.Text)).Should().Be(expected);
            lines.Should().OnlyContain(l => Encoding.UTF8.GetByteCount(l.Raw) + 2 <= 512, "every line as relayed by the server fits in 512 bytes");
        }
    }

    [PeerFact(NgircdServer.Install, NgircdServer.Program)]
    public async Task Burst_100Replies_AllArriveInOrderWithinTheFloodLimit()
    {
        using var timeout = new CancellationTokenSource(Timeout);
        var recorder = new RecordingConnectionFactory();
        const int burst = 3;
        var interval = TimeSpan.FromMilliseconds(250);
        await using var server = await NgircdServer.StartAsync();
        await using var bot = await IrcBotHost.StartAsync(
            server,
            o => { o.Nick = "rapidbot"; o.FloodBurst = burst; o.FloodInterval = interval; },
            timeout.Token,
            services => services.AddSingleton<IIrcConnectionFactory>(recorder));
        await using var alice = await IrcTestClient.ConnectAsync(server.Port, "alice", timeout.Token);

        await alice.PrivmsgAsync("rapidbot", "burst 100", timeout.Token);
        var texts = new List<string>();
        for (var i = 0; i < 100; i++)
        {
            texts.Add((await alice.NextPrivmsgFromAsync("rapidbot", timeout.Token)).Last);
        }

        texts.Should().Equal(Enumerable.Range(1, 100).Select(i => $"reply {i:D3}"));
        var sent = recorder.Written.Where(w => w.Line.StartsWith("PRIVMSG alice ", StringComparison.Ordinal)).Select(w => w.At).ToList();
        sent.Should().HaveCount(100);

        // A token bucket allows, in any stretch of time, the burst plus one line per interval. A few
        // milliseconds of slack absorb timer rounding; being slower is always allowed.
        var slack = TimeSpan.FromMilliseconds(15);
        for (var first = 0; first < sent.Count; first++)
        {
            for (var last = first + burst; last < sent.Count; last++)
            {
                var allowed = burst + ((sent[last] - sent[first] + slack) / interval);
                (last - first + 1).Should().BeLessThanOrEqualTo((int)Math.Floor(allowed), $"lines {first + 1}..{last + 1} went out within {sent[last] - sent[first]}");
            }
        }

        bot.Backend.Client.FloodDelayedLines.Should().BeGreaterThan(50, "most lines waited for a token");
        bot.Backend.Client.Registrations.Should().Be(1, "the server never dropped the bot for flooding");
    }

    private static async Task<List<(string Raw, string Text)>> CollectAsync(IrcTestClient client, string target, string prefix, int length, CancellationToken cancellationToken)
    {
        var lines = new List<(string Raw, string Text)>();
        var total = 0;
        while (total < length)
        {
            var line = await client.WaitForAsync(l => l.Command == "PRIVMSG" && l.Nick == "rapidbot" && l.Parameters[0] == target, cancellationToken);
            line.Last.Should().StartWith(prefix);
            var text = line.Last[prefix.Length..];
            lines.Add((line.Raw, text));
            total += text.Length;
        }

        return lines;
    }
}

using System.Text;
using Microsoft.Extensions.Logging;
using RapidSms.Backends.Irc.Session;
using RapidSms.Backends.Irc.Tests.Infrastructure;
using RapidSms.Testing;

namespace RapidSms.Backends.Irc.Tests.Session;

/// <summary>
/// The client session over an in-memory connection that speaks the IRC wire format: what ngIRCd does not offer
/// (SASL) or cannot show line by line (what the bot does not answer).
/// </summary>
public sealed class IrcClientTests : IAsyncDisposable
{
    private readonly InMemoryIrcServer _server = new();
    private readonly ListLoggerProvider _logs = new();
    private readonly CancellationTokenSource _timeout = new(TimeSpan.FromSeconds(20));
    private readonly CancellationTokenSource _stop = new();
    private IrcClient? _client;
    private Task? _run;

    private CancellationToken Token => _timeout.Token;

    [Fact]
    public async Task Register_Plain_SendsNickAndUserThenJoinsWithKeys()
    {
        var connection = await StartAsync(o =>
        {
            o.Password = "server-secret";
            o.Channels.Add("#open");
            o.Channels.Add("#staff sesame");
        });

        (await connection.ReadLineAsync(Token)).Should().Be("PASS server-secret");
        (await connection.ReadLineAsync(Token)).Should().Be("NICK rapidbot");
        (await connection.ReadLineAsync(Token)).Should().Be("USER rapidbot 0 * RapidSms");
        await connection.SendAsync(":irc.test 001 rapidbot :Welcome rapidbot!rapidbot@test.host");

        (await connection.ReadLineAsync(Token)).Should().Be("JOIN #staff,#open sesame", "keyed channels come first so keys pair up");
        _client!.IsReady.Should().BeFalse("the joins are not answered yet");
        await connection.SendAsync(":rapidbot!rapidbot@test.host JOIN #staff", ":irc.test 403 rapidbot #open :No such channel");
        await _client.WaitUntilReadyAsync(Token);
        _logs.Records.Should().NotContain(r => r.Message.Contains("server-secret", StringComparison.Ordinal));
    }

    [Fact]
    public async Task Sasl_PlainOffered_AuthenticatesBeforeRegistrationEnds()
    {
        var connection = await StartAsync(o => { o.SaslAccount = "rapid"; o.SaslPassword = "s3cret-pass"; });

        (await connection.ReadLineAsync(Token)).Should().Be("CAP LS 302");
        await connection.ExpectAsync("USER ", Token);
        await connection.SendAsync(":irc.test CAP * LS * :multi-prefix", ":irc.test CAP * LS :sasl=EXTERNAL,PLAIN server-time");
        (await connection.ReadLineAsync(Token)).Should().Be("CAP REQ sasl");
        await connection.SendAsync(":irc.test CAP * ACK :sasl");
        (await connection.ReadLineAsync(Token)).Should().Be("AUTHENTICATE PLAIN");
        await connection.SendAsync("AUTHENTICATE +");
        var payload = (await connection.ReadLineAsync(Token))!;
        payload.Should().StartWith("AUTHENTICATE ");
        Encoding.UTF8.GetString(Convert.FromBase64String(payload["AUTHENTICATE ".Length..])).Should().Be("rapid\0rapid\0s3cret-pass");
        await connection.SendAsync(":irc.test 900 * * rapid :You are now logged in as rapid", ":irc.test 903 * :SASL authentication successful");
        (await connection.ReadLineAsync(Token)).Should().Be("CAP END");
        await connection.SendAsync(":irc.test 001 rapidbot :Welcome");

        await _client!.WaitUntilReadyAsync(Token);
        _logs.Records.Should().Contain(r => r.EventId.Name == "IrcSaslSucceeded");
        _logs.Records.Should().NotContain(r => r.Message.Contains("s3cret-pass", StringComparison.Ordinal));
    }

    [Theory]
    [InlineData(":irc.test CAP * LS :multi-prefix server-time", null)]
    [InlineData(":irc.test CAP * LS :sasl=EXTERNAL", null)]
    [InlineData(":irc.test CAP * LS :sasl", ":irc.test 904 rapidbot :SASL authentication failed")]
    public async Task Sasl_NotOfferedOrRefused_DropsTheLinkAndTriesAgain(string capabilities, string? answer)
    {
        var connection = await StartAsync(o => { o.SaslAccount = "rapid"; o.SaslPassword = "pw"; });
        await connection.ExpectAsync("USER ", Token);

        await connection.SendAsync(capabilities);
        if (answer is not null)
        {
            await connection.ExpectAsync("CAP REQ", Token);
            await connection.SendAsync(":irc.test CAP * ACK :sasl");
            await connection.ExpectAsync("AUTHENTICATE PLAIN", Token);
            await connection.SendAsync(answer);
        }

        var second = await _server.AcceptAsync(Token);

        (await second.ReadLineAsync(Token)).Should().Be("CAP LS 302");
        _logs.Records.Should().Contain(r => r.EventId.Name == "IrcSaslFailed");
        _client!.IsReady.Should().BeFalse();
    }

    [Fact]
    public void SaslPayloads_LongCredentials_AreChunkedAndEndWithPlusOnAnExactMultiple()
    {
        var exact = SaslPlain.Payloads("a", new string('p', 296)); // 1+1+1+1+296 = 300 bytes = 400 base64 characters

        exact.Should().HaveCount(2);
        exact[0].Should().HaveLength(400);
        exact[1].Should().Be("+");
        SaslPlain.Payloads("a", new string('p', 400)).Select(p => p.Length).Should().Equal(400, 140);
    }

    [Fact]
    public async Task Ping_FromServer_IsAnsweredWithPong()
    {
        var connection = await StartRegisteredAsync();

        await connection.SendAsync("PING :irc.test-12345");

        (await connection.ReadLineAsync(Token)).Should().Be("PONG irc.test-12345");
    }

    [Fact]
    public async Task Notice_FromAUser_IsNeitherAnsweredNorDelivered()
    {
        var connection = await StartRegisteredAsync();

        await connection.SendAsync(":alice!a@h NOTICE rapidbot :echo are you there?", "PING :barrier", ":alice!a@h PRIVMSG rapidbot :hello");

        (await connection.ReadLineAsync(Token)).Should().Be("PONG barrier", "nothing went out for the notice");
        var first = await _client!.Incoming.ReadAsync(Token);
        first.Text.Should().Be("hello");
        _logs.Records.Should().Contain(r => r.EventId.Name == "IrcNoticeIgnored");
    }

    [Fact]
    public async Task Ctcp_Version_IsAnsweredWithANoticeAndOtherRequestsAreIgnored()
    {
        var connection = await StartRegisteredAsync();

        await connection.SendAsync(":alice!a@h PRIVMSG rapidbot :\u0001VERSION\u0001");
        (await connection.ReadLineAsync(Token)).Should().Be("NOTICE alice :\u0001VERSION RapidSms IRC backend\u0001");
        await connection.SendAsync(":alice!a@h PRIVMSG rapidbot :\u0001PING 123\u0001", ":alice!a@h PRIVMSG rapidbot :\u0001ACTION waves\u0001", "PING :barrier", ":alice!a@h PRIVMSG rapidbot :real");

        (await connection.ReadLineAsync(Token)).Should().Be("PONG barrier");
        (await _client!.Incoming.ReadAsync(Token)).Text.Should().Be("real", "CTCP requests are not messages");
    }

    [Fact]
    public async Task Ctcp_VersionReplyEmpty_IgnoresVersionToo()
    {
        var connection = await StartRegisteredAsync(o => o.VersionReply = "");

        await connection.SendAsync(":alice!a@h PRIVMSG rapidbot :\u0001VERSION\u0001", "PING :barrier");

        (await connection.ReadLineAsync(Token)).Should().Be("PONG barrier");
    }

    [Fact]
    public async Task ChannelLine_OnlyWhenAddressedToTheBot_IsDeliveredWithTheChannel()
    {
        var connection = await StartRegisteredAsync();

        await connection.SendAsync(
            ":alice!a@h PRIVMSG #rapidsms :rapidbots: not quite",
            ":alice!a@h PRIVMSG #rapidsms :talking about rapidbot: here",
            ":alice!a@h PRIVMSG #rapidsms :rapidbot:",
            ":alice!a@h PRIVMSG #rapidsms :RAPIDBOT:   register Amina");

        var message = await _client!.Incoming.ReadAsync(Token);
        message.Should().Be(new IrcIncoming("alice", "alice!a@h", "#rapidsms", "register Amina"));
    }

    [Fact]
    public async Task NickInUse_WhileRegistering_TriesTheNextNick()
    {
        var connection = await StartAsync();
        await connection.ExpectAsync("USER ", Token);

        await connection.SendAsync(":irc.test 433 * rapidbot :Nickname already in use");
        (await connection.ReadLineAsync(Token)).Should().Be("NICK rapidbot_");
        await connection.SendAsync(":irc.test 433 * rapidbot_ :Nickname already in use");
        (await connection.ReadLineAsync(Token)).Should().Be("NICK rapidbot__");
        await connection.SendAsync(":irc.test 001 rapidbot__ :Welcome");

        await _client!.WaitUntilReadyAsync(Token);
        _client.Nick.Should().Be("rapidbot__");
    }

    [Theory]
    [InlineData("rapidbot", 1, false, "rapidbot_")]
    [InlineData("rapidbot", 2, false, "rapidbot__")]
    [InlineData("averylongbotnick", 0, true, "averylong")]
    [InlineData("averylongbotnick", 1, true, "averylon_")]
    [InlineData("averylongbotnick", 2, true, "averylo__")]
    public void FallbackNick_Attempts_GiveTheExpectedNick(string nick, int attempt, bool shortNicks, string expected)
    {
        IrcClient.FallbackNick(nick, attempt, shortNicks).Should().Be(expected);
    }

    [Fact]
    public void FallbackNick_ManyAttempts_AddsDigitsWithinTheLimit()
    {
        var nick = IrcClient.FallbackNick("averylongbotnick", 5, @short: true);

        nick.Should().MatchRegex("^averyl[0-9]{3}$");
    }

    [Theory]
    [InlineData("bot: hi", "hi")]
    [InlineData("bot, hi", "hi")]
    [InlineData("BOT:hi", "hi")]
    [InlineData("b[t]: hi", null)]
    [InlineData("bot hi", null)]
    [InlineData("bot:", null)]
    [InlineData("bot:   ", null)]
    [InlineData("bots: hi", null)]
    public void TryStripAddress_Lines_AreForTheBotOnlyWhenAddressed(string text, string? body)
    {
        IrcClient.TryStripAddress(text, "bot", rfc1459: true, out var actual).Should().Be(body is not null);
        if (body is not null)
        {
            actual.Should().Be(body);
        }
    }

    [Fact]
    public void TryStripAddress_Rfc1459CaseMapping_TreatsBracketsAsBraces()
    {
        IrcClient.TryStripAddress("{bot}: hi", "[bot]", rfc1459: true, out _).Should().BeTrue();
        IrcClient.TryStripAddress("{bot}: hi", "[bot]", rfc1459: false, out _).Should().BeFalse();
    }

    [Fact]
    public async Task ServerError_AfterRegistration_ReconnectsAndJoinsAgain()
    {
        var connection = await StartAsync(o => o.Channels.Add("#rapidsms"));
        await connection.RegisterAsync("rapidbot", Token);
        await connection.ExpectAsync("JOIN #rapidsms", Token);
        await connection.SendAsync(":rapidbot!r@h JOIN #rapidsms");
        await _client!.WaitUntilReadyAsync(Token);

        await connection.SendAsync("ERROR :Closing link: server restarting");
        var second = await _server.AcceptAsync(Token);
        await second.RegisterAsync("rapidbot", Token);

        (await second.ExpectAsync("JOIN ", Token)).Should().Be("JOIN #rapidsms");
        _client.Registrations.Should().Be(2);
    }

    [Fact]
    public async Task SendText_WhileReconnecting_WaitsForTheLinkThenSends()
    {
        var connection = await StartRegisteredAsync();
        await connection.CloseAsync();
        await _logs.WaitForAsync(r => r.EventId.Name == "IrcConnectionLost", Token);

        var sending = _client!.SendTextAsync("alice", "queued while away", null, Token);
        var second = await _server.AcceptAsync(Token);
        await second.RegisterAsync("rapidbot", Token);
        await sending;

        (await second.ExpectAsync("PRIVMSG", Token)).Should().Be("PRIVMSG alice :queued while away");
    }

    [Fact]
    public async Task SendText_LinkBreaksMidMessage_GoesOnWhereItStoppedOnTheNextLink()
    {
        var time = new ManualTimeProvider();
        var connection = await StartAsync(o => { o.FloodBurst = 1; o.FloodInterval = TimeSpan.FromSeconds(1); }, time);
        await connection.RegisterAsync("rapidbot", Token);
        await _client!.WaitUntilReadyAsync(Token);

        var sending = _client.SendTextAsync("alice", "one\ntwo\nthree", null, Token);
        (await connection.ReadLineAsync(Token)).Should().Be("PRIVMSG alice one");
        await connection.CloseAsync();
        await _logs.WaitForAsync(r => r.EventId.Name == "IrcConnectionLost", Token);
        time.Advance(TimeSpan.FromMilliseconds(100)); // the reconnect back-off
        var second = await _server.AcceptAsync(Token);
        await second.RegisterAsync("rapidbot", Token);
        await _client.WaitUntilReadyAsync(Token);
        time.Advance(TimeSpan.FromSeconds(1)); // a token for "two", which finds the old link closed
        (await second.ExpectAsync("PRIVMSG", Token)).Should().Be("PRIVMSG alice two");
        await time.WaitForScheduledTimersAsync(2, Token); // the keepalive and the bucket's wait for "three"
        time.Advance(TimeSpan.FromSeconds(1));

        (await second.ExpectAsync("PRIVMSG", Token)).Should().Be("PRIVMSG alice three");
        await sending;
    }

    [Fact]
    public async Task Kick_FromAConfiguredChannel_JoinsAgain()
    {
        var connection = await StartAsync(o => o.Channels.Add("#rapidsms key"));
        await connection.RegisterAsync("rapidbot", Token);
        await connection.ExpectAsync("JOIN ", Token);
        await connection.SendAsync(":rapidbot!r@h JOIN #rapidsms");

        await connection.SendAsync(":op!o@h KICK #rapidsms rapidbot :out you go");

        (await connection.ExpectAsync("JOIN ", Token)).Should().Be("JOIN #rapidsms key");
        _logs.Records.Should().Contain(r => r.EventId.Name == "IrcKicked");
    }

    [Fact]
    public async Task SendText_MultilineText_GoesOutAsOneLinePerLineWithThePrefix()
    {
        var connection = await StartRegisteredAsync();

        await _client!.SendTextAsync("#rapidsms", "first\nsecond", "alice: ", Token);

        (await connection.ReadLineAsync(Token)).Should().Be("PRIVMSG #rapidsms :alice: first");
        (await connection.ReadLineAsync(Token)).Should().Be("PRIVMSG #rapidsms :alice: second");
    }

    [Fact]
    public async Task SendText_Empty_IsRejected()
    {
        await StartRegisteredAsync();

        var send = () => _client!.SendTextAsync("alice", "\n", null, Token);

        await send.Should().ThrowAsync<ArgumentException>();
    }

    [Fact]
    public async Task SendText_NotConnectedWithinSendTimeout_FailsTransiently()
    {
        await StartAsync(o => o.SendTimeout = TimeSpan.FromMilliseconds(100));

        var send = () => _client!.SendTextAsync("alice", "hello", null, Token);

        await send.Should().ThrowAsync<IrcNotConnectedException>();
    }

    [Fact]
    public async Task Keepalive_QuietLink_PingsThenDropsAndReconnects()
    {
        var time = new ManualTimeProvider();
        var connection = await StartAsync(o => o.PingInterval = TimeSpan.FromSeconds(30), time);
        await connection.RegisterAsync("rapidbot", Token);
        await _client!.WaitUntilReadyAsync(Token);
        await time.WaitForScheduledTimersAsync(1, Token);

        time.Advance(TimeSpan.FromSeconds(30));
        (await connection.ReadLineAsync(Token)).Should().Be("PING rapidsms");
        time.Advance(TimeSpan.FromSeconds(30));
        await _logs.WaitForAsync(r => r.EventId.Name == "IrcPingTimeout", Token);
        await _logs.WaitForAsync(r => r.EventId.Name == "IrcConnectionLost", Token);
        await time.WaitForScheduledTimersAsync(1, Token);
        time.Advance(TimeSpan.FromSeconds(10));

        var second = await _server.AcceptAsync(Token);
        (await second.ReadLineAsync(Token)).Should().Be("NICK rapidbot");
    }

    public async ValueTask DisposeAsync()
    {
        await _stop.CancelAsync();
        if (_run is not null)
        {
            await _run.ConfigureAwait(ConfigureAwaitOptions.SuppressThrowing);
        }

        if (_client is not null)
        {
            await _client.DisposeAsync();
        }

        _timeout.Dispose();
        _stop.Dispose();
    }

    private async Task<InMemoryIrcConnection> StartRegisteredAsync(Action<IrcOptions>? configure = null)
    {
        var connection = await StartAsync(configure);
        await connection.RegisterAsync("rapidbot", Token);
        await _client!.WaitUntilReadyAsync(Token);
        return connection;
    }

    private async Task<InMemoryIrcConnection> StartAsync(Action<IrcOptions>? configure = null, TimeProvider? time = null)
    {
        var options = new IrcOptions
        {
            Server = "irc.test",
            Nick = "rapidbot",
            FloodInterval = TimeSpan.Zero,
            ReconnectDelay = TimeSpan.FromMilliseconds(10),
            MaxReconnectDelay = TimeSpan.FromMilliseconds(50),
        };
        configure?.Invoke(options);
        var channels = options.Channels.Select(IrcChannel.Parse).ToList();
        var logger = _logs.CreateLoggerFactory().CreateLogger("irc");
        _client = new IrcClient(options, channels, _server, time ?? TimeProvider.System, logger, "irc");
        _run = Task.Run(() => _client.RunAsync(_stop.Token));
        return await _server.AcceptAsync(Token);
    }
}

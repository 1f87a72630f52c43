using System.Collections.Concurrent;
using System.Text;
using System.Text.RegularExpressions;
using RapidSms.Backends.Email.Tests.Infrastructure;
using RapidSms.Testing;
using RapidSms.Tests.Shared;

namespace RapidSms.Backends.Email.Tests.Client;

/// <summary>
/// The backend against an in-process IMAP server that offers neither IDLE, AUTHENTICATE nor LITERAL+,
/// refuses to return one message, and drops the link at the worst moment.
/// </summary>
public sealed partial class ScriptedImapServerTests
{
    private const string Password = "pässwörd \"quoted\"";

    [PeerFact(MailServers.Install, MailServers.Dovecot, MailServers.Python)]
    public async Task Backend_OldServerWithFaults_LogsInWithLiteralsPollsSetsAsideAndNeverRoutesTwice()
    {
        using var timeout = new CancellationTokenSource(TimeSpan.FromSeconds(60));
        var mailbox = new FakeMailbox();
        mailbox.Add(5, "From: \"Ann\" <ann@example.org>\r\nSubject: one\r\n\r\nfirst\r\n");
        mailbox.Add(6, "From: bad@example.org\r\n\r\nnever fetched\r\n", refuseFetch: true);
        mailbox.Add(7, "From: cat@example.org\r\nSubject: three\r\n\r\n(third) {with} \"odd\" characters\r\n");
        await using var imap = new ScriptedServer((session, number, ct) => ServeAsync(session, number, mailbox, idle: false, dropFirstStore: true, ct));
        await using var servers = await MailServers.StartAsync();
        await using var host = await EmailHost.StartAsync(servers, o =>
        {
            o.ImapPort = imap.Port;
            o.ImapPassword = Password;
            o.PollInterval = TimeSpan.FromMilliseconds(100);
        });

        await host.Logs.WaitForAsync(r => r.EventId.Name == "PendingAcknowledged", timeout.Token);
        var received = await host.App.WaitForAsync(2, timeout.Token);
        await mailbox.AllSeen.WaitAsync(timeout.Token);

        received.Select(m => (m.Connection.Identity, m.Text)).Should().Equal(
            ("ann@example.org", "first"),
            ("cat@example.org", "(third) {with} \"odd\" characters"));
        mailbox.Logins.Should().NotBeEmpty().And.OnlyContain(l => l.Equals(ValueTuple.Create("rapidsms", Password)));
        mailbox.Flagged.Should().Equal(6u);
        host.Logs.Records.Where(r => r.EventId.Name == "MailFetchFailed").Should().HaveCount(3);
        host.Logs.Records.Should().Contain(r => r.EventId.Name == "ImapPolling");
        host.Logs.Records.Should().Contain(r => r.EventId.Name == "ImapConnectionLost");
        host.Logs.Records.Should().NotContain(r => r.Message.Contains("pässwörd", StringComparison.Ordinal));
        imap.Connections.Should().BeGreaterThan(1);
    }

    [PeerFact(MailServers.Install, MailServers.Dovecot, MailServers.Python)]
    public async Task Backend_NewMailAnnouncedDuringStore_IsFetchedWithoutWaitingForIdle()
    {
        using var timeout = new CancellationTokenSource(TimeSpan.FromSeconds(60));
        var mailbox = new FakeMailbox();
        mailbox.Add(1, "From: ann@example.org\r\n\r\nfirst\r\n");

        // The second mail arrives while the first is being marked: the server says so in STORE's answer
        // ("* 2 EXISTS"), and IDLE will not say it again.
        mailbox.OnStore = uid =>
        {
            if (uid == 1)
            {
                mailbox.Add(2, "From: ann@example.org\r\n\r\nsecond\r\n");
            }
        };
        await using var imap = new ScriptedServer((session, number, ct) => ServeAsync(session, number, mailbox, idle: true, dropFirstStore: false, ct));
        await using var servers = await MailServers.StartAsync();
        await using var host = await EmailHost.StartAsync(servers, o =>
        {
            o.ImapPort = imap.Port;
            o.IdleRenewal = TimeSpan.FromMinutes(29);
        });

        var received = await host.App.WaitForAsync(2, timeout.Token);

        received.Select(m => m.Text).Should().Equal("first", "second");
    }

    [PeerFact(MailServers.Install, MailServers.Dovecot, MailServers.Python)]
    public async Task Backend_IdleAdvertisedButRefused_FallsBackToPolling()
    {
        using var timeout = new CancellationTokenSource(TimeSpan.FromSeconds(60));
        var mailbox = new FakeMailbox();
        mailbox.Add(1, "From: ann@example.org\r\n\r\nfirst\r\n");
        await using var imap = new ScriptedServer((session, number, ct) => ServeAsync(session, number, mailbox, idle: true, dropFirstStore: false, ct, refuseIdle: true));
        await using var servers = await MailServers.StartAsync();
        await using var host = await EmailHost.StartAsync(servers, o =>
        {
            o.ImapPort = imap.Port;
            o.PollInterval = TimeSpan.FromMilliseconds(100);
        });
        await host.Logs.WaitForAsync(r => r.EventId.Name == "ImapPolling", timeout.Token);

        mailbox.Add(2, "From: ann@example.org\r\n\r\nsecond\r\n");

        (await host.App.WaitForAsync(2, timeout.Token)).Select(m => m.Text).Should().Equal("first", "second");
        host.Logs.Records.Should().NotContain(r => r.EventId.Name == "ImapConnectionLost");
    }

    [PeerFact(MailServers.Install, MailServers.Dovecot, MailServers.Python)]
    public async Task Backend_ServerSilentAfterDone_TimesOutAndReconnects()
    {
        using var timeout = new CancellationTokenSource(TimeSpan.FromSeconds(60));
        var mailbox = new FakeMailbox();
        await using var imap = new ScriptedServer((session, number, ct) => ServeAsync(session, number, mailbox, idle: true, dropFirstStore: false, ct, silentAfterDone: number == 1));
        await using var servers = await MailServers.StartAsync();
        await using var host = await EmailHost.StartAsync(servers, o =>
        {
            o.ImapPort = imap.Port;
            o.IdleRenewal = TimeSpan.FromMilliseconds(100);
            o.CommandTimeout = TimeSpan.FromSeconds(1);
        });

        using var shortWait = new CancellationTokenSource(TimeSpan.FromSeconds(15));
        LogRecord lost;
        try
        {
            lost = await host.Logs.WaitForAsync(r => r.EventId.Name == "ImapConnectionLost", shortWait.Token);
        }
        catch (OperationCanceledException)
        {
            throw new TimeoutException(string.Join("\n", host.Logs.Records.Select(r => $"{r.EventId.Name} {r.Message} {r.Exception}")));
        }

        mailbox.Add(1, "From: ann@example.org\r\n\r\nafter the silence\r\n");

        lost.Exception.Should().BeOfType<TimeoutException>();
        (await host.App.WaitForAsync(1, timeout.Token)).Single().Text.Should().Be("after the silence");
    }

    [PeerTheory(MailServers.Install, MailServers.Dovecot, MailServers.Python)]
    [InlineData(false)]
    [InlineData(true)]
    public async Task Backend_AccessToken_LogsInWithXOAuth2AndAsksForAFreshTokenAfterARefusal(bool saslIr)
    {
        using var timeout = new CancellationTokenSource(TimeSpan.FromSeconds(60));
        var mailbox = new FakeMailbox();
        mailbox.Add(1, "From: ann@example.org\r\n\r\nsent to an OAuth mailbox\r\n");
        await using var imap = new ScriptedServer((session, number, ct) =>
            ServeAsync(session, number, mailbox, idle: false, dropFirstStore: false, ct, acceptToken: t => t == "ya29.fresh-token", saslIr: saslIr));
        await using var servers = await MailServers.StartAsync();
        var calls = 0;
        await using var host = await EmailHost.StartAsync(servers, o =>
        {
            o.ImapPort = imap.Port;
            o.ImapPassword = "";
            o.PollInterval = TimeSpan.FromMilliseconds(100);
            o.AccessTokenProvider = _ => ValueTask.FromResult(Interlocked.Increment(ref calls) == 1 ? "ya29.expired-token" : "ya29.fresh-token");
        });

        (await host.App.WaitForAsync(1, timeout.Token)).Single().Text.Should().Be("sent to an OAuth mailbox");
        await mailbox.AllSeen.WaitAsync(timeout.Token);

        mailbox.Logins.Should().Contain(("rapidsms", "ya29.expired-token")).And.Contain(("rapidsms", "ya29.fresh-token"));
        Volatile.Read(ref calls).Should().BeGreaterThanOrEqualTo(2);
        var refusal = host.Logs.Records.First(r => r.EventId.Name == "ImapConnectionLost");
        refusal.Exception!.Message.Should().Contain("AUTHENTICATIONFAILED").And.Contain("\"status\":\"401\"");
        host.Logs.Records.Should().Contain(r => r.EventId.Name == "ProtocolTrace" && r.Message.Contains("AUTHENTICATE XOAUTH2", StringComparison.Ordinal));
        host.Logs.Records.Should().NotContain(r => r.Message.Contains("ya29.", StringComparison.Ordinal)
            || r.Message.Contains(XOAuthBase64("ya29.fresh-token"), StringComparison.Ordinal)
            || (r.Exception != null && r.Exception.ToString().Contains("ya29.", StringComparison.Ordinal)));
    }

    [PeerFact(MailServers.Install, MailServers.Dovecot, MailServers.Python)]
    public async Task Backend_AccessTokenProviderThrows_ReconnectsWithBackOffAndLogsNoSecret()
    {
        using var timeout = new CancellationTokenSource(TimeSpan.FromSeconds(60));
        var mailbox = new FakeMailbox();
        mailbox.Add(1, "From: ann@example.org\r\n\r\nafter the token endpoint recovered\r\n");
        await using var imap = new ScriptedServer((session, number, ct) =>
            ServeAsync(session, number, mailbox, idle: false, dropFirstStore: false, ct, acceptToken: _ => true));
        await using var servers = await MailServers.StartAsync();
        var calls = 0;
        await using var host = await EmailHost.StartAsync(servers, o =>
        {
            o.ImapPort = imap.Port;
            o.ImapPassword = "";
            o.PollInterval = TimeSpan.FromMilliseconds(100);
            o.AccessTokenProvider = _ => Interlocked.Increment(ref calls) == 1
                ? throw new HttpRequestException("token endpoint said: invalid_grant for client_secret=hunter2")
                : ValueTask.FromResult("ya29.token");
        });

        (await host.App.WaitForAsync(1, timeout.Token)).Single().Text.Should().Be("after the token endpoint recovered");

        var lost = host.Logs.Records.First(r => r.EventId.Name == "ImapConnectionLost");
        lost.Exception!.Message.Should().Contain("access token provider failed").And.NotContain("hunter2");
        lost.Exception.InnerException.Should().BeOfType<HttpRequestException>();
    }

    [PeerFact(MailServers.Install, MailServers.Dovecot, MailServers.Python)]
    public async Task Backend_ServerRefusesToMarkAMail_RoutesItOnceLogsAndKeepsReadingTheRest()
    {
        using var timeout = new CancellationTokenSource(TimeSpan.FromSeconds(60));
        var mailbox = new FakeMailbox();
        mailbox.Add(1, "From: ann@example.org\r\n\r\nfirst, cannot be marked\r\n");
        mailbox.Add(2, "From: bob@example.org\r\n\r\nsecond\r\n");
        mailbox.StoreRefused.Add(1);
        await using var imap = new ScriptedServer((session, number, ct) => ServeAsync(session, number, mailbox, idle: false, dropFirstStore: false, ct));
        await using var servers = await MailServers.StartAsync();
        await using var host = await EmailHost.StartAsync(servers, o =>
        {
            o.ImapPort = imap.Port;
            o.PollInterval = TimeSpan.FromMilliseconds(50);
        });

        await host.App.WaitForAsync(2, timeout.Token);
        await host.Logs.WaitForAsync(r => r.EventId.Name == "MailMarkFailed", timeout.Token);

        // Several polls later, still nothing routed twice and no reconnection over the refusal.
        await PollsAsync(mailbox, 5, timeout.Token);
        host.App.Received.Select(m => m.Text).Should().Equal("first, cannot be marked", "second");
        mailbox.StoreAttempts.Should().ContainSingle();
        mailbox.Unseen.Should().Equal(1u);
        host.Logs.Records.Should().NotContain(r => r.EventId.Name == "ImapConnectionLost");
        imap.Connections.Should().Be(1);
    }

    [PeerFact(MailServers.Install, MailServers.Dovecot, MailServers.Python)]
    public async Task Backend_MailThatAlwaysBreaksTheLink_IsSetAsideAfterThreeAttemptsAndTheRestFlows()
    {
        using var timeout = new CancellationTokenSource(TimeSpan.FromSeconds(60));
        var mailbox = new FakeMailbox();
        mailbox.Add(1, "From: ann@example.org\r\n\r\npoison\r\n");
        mailbox.Add(2, "From: bob@example.org\r\n\r\nbehind the poison\r\n");
        mailbox.FetchBreaksLink.Add(1);
        await using var imap = new ScriptedServer((session, number, ct) => ServeAsync(session, number, mailbox, idle: false, dropFirstStore: false, ct));
        await using var servers = await MailServers.StartAsync();
        await using var host = await EmailHost.StartAsync(servers, o =>
        {
            o.ImapPort = imap.Port;
            o.PollInterval = TimeSpan.FromMilliseconds(50);
        });

        (await host.App.WaitForAsync(1, timeout.Token)).Single().Text.Should().Be("behind the poison");
        await mailbox.AllSeen.WaitAsync(timeout.Token);

        mailbox.Flagged.Should().Equal(1u);
        mailbox.FetchAttempts.Should().HaveCount(3);
        host.Logs.Records.Where(r => r.EventId.Name == "MailFetchFailed").Should().HaveCount(3);
        host.Logs.Records.Should().ContainSingle(r => r.EventId.Name == "MailSetAside").Which.Message.Should().Contain("broke the connection");
    }

    [PeerFact(MailServers.Install, MailServers.Dovecot, MailServers.Python)]
    public async Task Backend_SearchAnswerOfSeveralMegabytes_IsReadLikeAnyOther()
    {
        using var timeout = new CancellationTokenSource(TimeSpan.FromSeconds(60));
        var mailbox = new FakeMailbox { SearchPadding = 3 * 1024 * 1024 };
        mailbox.Add(1, "From: ann@example.org\r\n\r\nfrom a big backlog\r\n");
        await using var imap = new ScriptedServer((session, number, ct) => ServeAsync(session, number, mailbox, idle: false, dropFirstStore: false, ct));
        await using var servers = await MailServers.StartAsync();
        await using var host = await EmailHost.StartAsync(servers, o =>
        {
            o.ImapPort = imap.Port;
            o.PollInterval = TimeSpan.FromSeconds(30);
            o.ProtocolTrace = false;
        });

        (await host.App.WaitForAsync(1, timeout.Token)).Single().Text.Should().Be("from a big backlog");
        host.Logs.Records.Should().NotContain(r => r.EventId.Name == "ImapConnectionLost");
    }

    private static async Task PollsAsync(FakeMailbox mailbox, int count, CancellationToken cancellationToken)
    {
        var start = mailbox.Searches;
        while (mailbox.Searches < start + count)
        {
            await Task.Delay(20, cancellationToken);
        }
    }

    private static string XOAuthBase64(string token) =>
        Convert.ToBase64String(Encoding.UTF8.GetBytes($"user=rapidsms\u0001auth=Bearer {token}\u0001\u0001"));

    internal static async Task ServeAsync(
        ServerSession session, int connection, FakeMailbox mailbox, bool idle, bool dropFirstStore, CancellationToken cancellationToken, bool refuseIdle = false, bool silentAfterDone = false,
        Func<string, bool>? acceptToken = null, bool saslIr = false)
    {
        await session.WriteAsync("* OK fake IMAP ready\r\n", cancellationToken);
        while (await session.ReadLineAsync(cancellationToken) is { } line)
        {
            var parts = line.Split(' ', 3);
            var (tag, command, rest) = (parts[0], parts[1].ToUpperInvariant(), parts.Length > 2 ? parts[2] : "");
            if (command == "UID")
            {
                var sub = rest.Split(' ', 2);
                command = "UID " + sub[0].ToUpperInvariant();
                rest = sub.Length > 1 ? sub[1] : "";
            }

            switch (command)
            {
                case "CAPABILITY":
                    await session.WriteAsync($"* CAPABILITY IMAP4rev1{(idle ? " IDLE" : "")}{(acceptToken is null ? "" : " AUTH=XOAUTH2 LOGINDISABLED")}{(saslIr ? " SASL-IR" : "")}\r\n{tag} OK done\r\n", cancellationToken);
                    break;
                case "AUTHENTICATE" when acceptToken is not null && rest.StartsWith("XOAUTH2", StringComparison.Ordinal):
                {
                    // With SASL-IR the response comes on the command line; without, after an empty challenge.
                    string encoded;
                    if (rest.StartsWith("XOAUTH2 ", StringComparison.Ordinal))
                    {
                        encoded = rest["XOAUTH2 ".Length..];
                    }
                    else
                    {
                        await session.WriteAsync("+ \r\n", cancellationToken);
                        encoded = await session.ReadLineAsync(cancellationToken) ?? "";
                    }

                    var response = Encoding.UTF8.GetString(Convert.FromBase64String(encoded));
                    var match = XOAuth2Response().Match(response);
                    mailbox.Logins.Add((match.Groups[1].Value, match.Groups[2].Value));
                    if (match.Success && acceptToken(match.Groups[2].Value))
                    {
                        await session.WriteAsync($"{tag} OK [CAPABILITY IMAP4rev1{(idle ? " IDLE" : "")}] logged in\r\n", cancellationToken);
                        break;
                    }

                    var error = Convert.ToBase64String(Encoding.UTF8.GetBytes("{\"status\":\"401\",\"schemes\":\"Bearer\",\"scope\":\"https://mail.google.com/\"}"));
                    await session.WriteAsync($"+ {error}\r\n", cancellationToken);
                    if (await session.ReadLineAsync(cancellationToken) != "")
                    {
                        throw new InvalidOperationException("The client did not answer the error challenge with an empty line.");
                    }

                    await session.WriteAsync($"{tag} NO [AUTHENTICATIONFAILED] Invalid credentials (Failure)\r\n", cancellationToken);
                    break;
                }

                case "IDLE" when refuseIdle:
                    await session.WriteAsync($"{tag} BAD IDLE is switched off here\r\n", cancellationToken);
                    break;
                case "IDLE":
                    // Idles until DONE without ever announcing anything.
                    await session.WriteAsync("+ idling\r\n", cancellationToken);
                    if (await session.ReadLineAsync(cancellationToken) is null)
                    {
                        return;
                    }

                    if (silentAfterDone)
                    {
                        // Fault: the link is dead but not closed; nothing ever comes back.
                        await session.ReadLineAsync(cancellationToken);
                        return;
                    }

                    await session.WriteAsync($"{tag} OK idle done\r\n", cancellationToken);
                    break;
                case "LOGIN":
                    mailbox.Logins.Add(await ReadLoginAsync(session, rest, cancellationToken));
                    await session.WriteAsync($"{tag} OK logged in\r\n", cancellationToken);
                    break;
                case "SELECT":
                    await session.WriteAsync($"* {mailbox.Count} EXISTS\r\n* OK [UIDVALIDITY 7] ok\r\n{tag} OK [READ-WRITE] selected\r\n", cancellationToken);
                    break;
                case "UID SEARCH":
                    Interlocked.Increment(ref mailbox.SearchCount);
                    // A big backlog answers SEARCH with one line of megabytes; padding makes one without a big mailbox.
                    await session.WriteAsync($"* SEARCH {string.Join(' ', mailbox.Unseen)}{new string(' ', mailbox.SearchPadding)}\r\n{tag} OK searched\r\n", cancellationToken);
                    break;
                case "UID FETCH":
                {
                    var uid = uint.Parse(rest.Split(' ')[0], System.Globalization.CultureInfo.InvariantCulture);
                    if (mailbox.FetchBreaksLink.Contains(uid))
                    {
                        // Fault: this message always kills the link half-way (a server bug, a line too slow for its size).
                        mailbox.FetchAttempts.Add(uid);
                        await session.WriteAsync($"* 1 FETCH (UID {uid} RFC822.SIZE 900 BODY[]<0> {{900}}\r\nFrom: x", cancellationToken);
                        session.Abort();
                        return;
                    }

                    if (mailbox.RefusesFetch(uid))
                    {
                        await session.WriteAsync($"{tag} NO [SERVERBUG] cannot read that one\r\n", cancellationToken);
                        break;
                    }

                    var content = mailbox.Content(uid);
                    await session.WriteAsync($"* 1 FETCH (UID {uid} RFC822.SIZE {content.Length} BODY[]<0> {{{content.Length}}}\r\n", cancellationToken);
                    await session.WriteAsync(content, cancellationToken);
                    await session.WriteAsync($" FLAGS (\\Recent))\r\n{tag} OK fetched\r\n", cancellationToken);
                    break;
                }

                case "UID STORE":
                {
                    var uid = uint.Parse(rest.Split(' ')[0], System.Globalization.CultureInfo.InvariantCulture);
                    if (dropFirstStore && connection == 1)
                    {
                        // Fault: the link dies after the router has the first message, before \Seen is stored.
                        session.Abort();
                        return;
                    }

                    if (mailbox.StoreRefused.Contains(uid))
                    {
                        mailbox.StoreAttempts.Add(uid);
                        await session.WriteAsync($"{tag} NO [CANNOT] this message cannot be changed\r\n", cancellationToken);
                        break;
                    }

                    var before = mailbox.Count;
                    mailbox.Store(uid, rest.Contains("\\Flagged", StringComparison.Ordinal));
                    var exists = mailbox.Count > before ? $"* {mailbox.Count} EXISTS\r\n" : "";
                    await session.WriteAsync($"{exists}{tag} OK stored\r\n", cancellationToken);
                    break;
                }

                case "NOOP":
                    await session.WriteAsync($"{tag} OK noop\r\n", cancellationToken);
                    break;
                case "LOGOUT":
                    await session.WriteAsync($"* BYE bye\r\n{tag} OK logged out\r\n", cancellationToken);
                    return;
                default:
                    await session.WriteAsync($"{tag} BAD unknown command\r\n", cancellationToken);
                    break;
            }
        }
    }

    private static async Task<(string User, string Password)> ReadLoginAsync(ServerSession session, string rest, CancellationToken cancellationToken)
    {
        // Arguments are quoted strings or synchronizing literals ({n} at the end of the line, then "+").
        var arguments = new List<string>();
        while (true)
        {
            foreach (Match match in Quoted().Matches(rest))
            {
                arguments.Add(match.Groups[1].Value.Replace("\\\"", "\"", StringComparison.Ordinal).Replace("\\\\", "\\", StringComparison.Ordinal));
            }

            var literal = Literal().Match(rest);
            if (!literal.Success)
            {
                break;
            }

            await session.WriteAsync("+ go ahead\r\n", cancellationToken);
            var bytes = await session.ReadBytesAsync(int.Parse(literal.Groups[1].Value, System.Globalization.CultureInfo.InvariantCulture), cancellationToken);
            arguments.Add(Encoding.UTF8.GetString(bytes));
            rest = await session.ReadLineAsync(cancellationToken) ?? "";
        }

        return (arguments[0], arguments[1]);
    }

    [GeneratedRegex("\"((?:[^\"\\\\]|\\\\.)*)\"")]
    private static partial Regex Quoted();

    [GeneratedRegex("\\{(\\d+)\\}$")]
    private static partial Regex Literal();

    [GeneratedRegex("^user=([^\u0001]*)\u0001auth=Bearer ([^\u0001]*)\u0001\u0001$")]
    internal static partial Regex XOAuth2Response();

    internal sealed class FakeMailbox
    {
        private readonly ConcurrentDictionary<uint, (byte[] Content, bool Seen, bool Flagged, bool RefuseFetch)> _mails = new();
        private readonly TaskCompletionSource _allSeen = new(TaskCreationOptions.RunContinuationsAsynchronously);

        public ConcurrentBag<(string, string)> Logins { get; } = [];

        public Action<uint>? OnStore { get; set; }

#pragma warning disable SA1401 // Incremented atomically by the server.
        public int SearchCount;
#pragma warning restore SA1401

        public int Searches => Volatile.Read(ref SearchCount);

        public int SearchPadding { get; set; }

        public HashSet<uint> StoreRefused { get; } = [];

        public HashSet<uint> FetchBreaksLink { get; } = [];

        public ConcurrentBag<uint> StoreAttempts { get; } = [];

        public ConcurrentBag<uint> FetchAttempts { get; } = [];

        public int Count => _mails.Count;

        public IEnumerable<uint> Unseen => _mails.Where(m => !m.Value.Seen).Select(m => m.Key).Order();

        public IEnumerable<uint> Flagged => _mails.Where(m => m.Value.Flagged).Select(m => m.Key).Order();

        public Task AllSeen => _allSeen.Task;

        public void Add(uint uid, string content, bool refuseFetch = false) =>
            _mails[uid] = (Encoding.UTF8.GetBytes(content), false, false, refuseFetch);

        public bool RefusesFetch(uint uid) => _mails[uid].RefuseFetch;

        public byte[] Content(uint uid) => _mails[uid].Content;

        public void Store(uint uid, bool flagged)
        {
            _mails.AddOrUpdate(uid, _ => default, (_, m) => m with { Seen = true, Flagged = m.Flagged || flagged });
            OnStore?.Invoke(uid);
            if (_mails.Values.All(m => m.Seen))
            {
                _allSeen.TrySetResult();
            }
        }
    }
}

using System.Collections.Concurrent;
using System.Text;
using RapidSms.Backends.Email.Tests.Infrastructure;
using RapidSms.Tests.Shared;

namespace RapidSms.Backends.Email.Tests.Client;

/// <summary>The backend's sending against an in-process SMTP server with AUTH LOGIN only and per-recipient refusals.</summary>
public sealed class ScriptedSmtpServerTests
{
    [PeerFact(MailServers.Install, MailServers.Dovecot, MailServers.Python)]
    public async Task Send_RefusalsPerRecipient_AreTransientOrPermanentAndTheRestIsSent()
    {
        using var timeout = new CancellationTokenSource(TimeSpan.FromSeconds(60));
        var transcript = new ConcurrentQueue<string>();
        var data = new ConcurrentQueue<string>();
        await using var smtp = new ScriptedServer((session, _, ct) => ServeAsync(session, transcript, data, offerStartTls: false, ct));
        await using var servers = await MailServers.StartAsync();
        await using var host = await EmailHost.StartAsync(servers, o =>
        {
            o.SmtpPort = smtp.Port;
            o.SmtpUserName = "sender";
            o.SmtpPassword = "pa55 wörd";
            o.MaxReconnectDelay = TimeSpan.FromSeconds(1);
        });
        var message = new OutgoingMessage(
            [new(EmailHost.BackendName, "ok@example.org"), new(EmailHost.BackendName, "full@example.org"), new(EmailHost.BackendName, "nobody@example.org")],
            ".starts with a dot\n.\nend");

        var result = await host.Router.SendOutgoingAsync(message, timeout.Token);

        result.Recipients.Select(r => (r.Identity, r.Succeeded)).Should().Equal(
            ("ok@example.org", true), ("full@example.org", false), ("nobody@example.org", false));
        result.Failures.Select(f => f.Error).Should().AllSatisfy(e => e.Should().MatchRegex("45[0-9]|55[0-9]"));
        transcript.Should().Contain("AUTH LOGIN").And.Contain("c2VuZGVy").And.Contain(Convert.ToBase64String(Encoding.UTF8.GetBytes("pa55 wörd")));
        var body = data.Should().ContainSingle().Subject;
        body.Should().Contain("\r\n=2Estarts with a dot\r\n=2E\r\nend\r\n.\r\n");
        host.Logs.Records.Should().NotContain(r => r.Message.Contains("wörd", StringComparison.Ordinal));
    }

    [PeerFact(MailServers.Install, MailServers.Dovecot, MailServers.Python)]
    public async Task Send_StartTlsRequiredButNotOffered_FailsPermanentlyWithoutSendingCredentials()
    {
        var transcript = new ConcurrentQueue<string>();

        var result = await SendOverStartTlsAsync(offerStartTls: false, transcript);

        var failure = result.Failures.Should().ContainSingle().Subject;
        failure.IsTransient.Should().BeFalse();
        failure.Error.Should().Contain("STARTTLS");
        transcript.Should().NotContain(l => l.StartsWith("AUTH", StringComparison.Ordinal));
    }

    [PeerFact(MailServers.Install, MailServers.Dovecot, MailServers.Python)]
    public async Task Send_DataInjectedAfterStartTls_IsRefusedBeforeTheHandshake()
    {
        var transcript = new ConcurrentQueue<string>();

        var result = await SendOverStartTlsAsync(offerStartTls: true, transcript);

        result.Failures.Should().ContainSingle().Which.Error.Should().Contain("after accepting STARTTLS");
        transcript.Should().NotContain(l => l.StartsWith("AUTH", StringComparison.Ordinal) || l.StartsWith("MAIL", StringComparison.Ordinal));
    }

    [PeerFact(MailServers.Install, MailServers.Dovecot, MailServers.Python)]
    public async Task Send_AccessToken_AuthenticatesWithXOAuth2AndARefusedTokenIsRetriedWithAFreshOne()
    {
        using var timeout = new CancellationTokenSource(TimeSpan.FromSeconds(60));
        var transcript = new ConcurrentQueue<string>();
        var data = new ConcurrentQueue<string>();
        await using var smtp = new ScriptedServer((session, _, ct) => ServeAsync(session, transcript, data, offerStartTls: false, ct, acceptToken: "ya29.fresh"));
        var mailbox = new ScriptedImapServerTests.FakeMailbox();
        await using var imap = new ScriptedServer((session, number, ct) =>
            ScriptedImapServerTests.ServeAsync(session, number, mailbox, idle: false, dropFirstStore: false, ct, acceptToken: _ => true));
        await using var servers = await MailServers.StartAsync();
        var calls = 0;
        await using var host = await EmailHost.StartAsync(servers, o =>
        {
            o.ImapPort = imap.Port;
            o.ImapPassword = "";
            o.SmtpPort = smtp.Port;
            o.SmtpUserName = null;
            o.SmtpPassword = null;
            o.PollInterval = TimeSpan.FromMilliseconds(100);

            // The first call is the IMAP login; the second, the first SMTP login, gets a token the server refuses.
            o.AccessTokenProvider = _ => ValueTask.FromResult(Interlocked.Increment(ref calls) == 2 ? "ya29.stale" : "ya29.fresh");
        });
        await host.Logs.WaitForAsync(r => r.EventId.Name == "ImapConnected", timeout.Token);

        var result = await host.Router.SendOutgoingAsync(new OutgoingMessage(new Connection(EmailHost.BackendName, "ok@example.org"), "hi"), timeout.Token);

        result.Failures.Should().BeEmpty();
        data.Should().ContainSingle();
        var attempts = transcript.Where(l => l.StartsWith("token ", StringComparison.Ordinal)).ToList();
        attempts.Should().Equal("token rapidsms ya29.stale", "token rapidsms ya29.fresh");
        transcript.Should().Contain("AUTH XOAUTH2").And.NotContain(l => l.StartsWith("AUTH LOGIN", StringComparison.Ordinal) || l.StartsWith("AUTH PLAIN", StringComparison.Ordinal));
        host.Logs.Records.Should().Contain(r => r.EventId.Name == "SendFailed" && r.Message.Contains("\"status\":\"400\"", StringComparison.Ordinal));
        host.Logs.Records.Should().NotContain(r => r.Message.Contains("ya29.", StringComparison.Ordinal));
    }

    [PeerFact(MailServers.Install, MailServers.Dovecot, MailServers.Python)]
    public async Task Send_Burst_ReusesOneSessionWithPerRecipientResultsAndClosesItWhenIdle()
    {
        using var timeout = new CancellationTokenSource(TimeSpan.FromSeconds(60));
        var transcript = new ConcurrentQueue<string>();
        var data = new ConcurrentQueue<string>();
        await using var smtp = new ScriptedServer((session, _, ct) => ServeAsync(session, transcript, data, offerStartTls: false, ct));
        await using var servers = await MailServers.StartAsync();
        await using var host = await EmailHost.StartAsync(servers, o =>
        {
            o.SmtpPort = smtp.Port;
            o.SmtpUserName = "sender";
            o.SmtpPassword = "secret";
            o.SmtpKeepAlive = TimeSpan.FromSeconds(1);
        });

        var results = new List<SendResult>();
        foreach (var to in new[] { "ok@example.org", "nobody@example.org", "ok@example.org", "full@example.org", "ok@example.org", "later@example.org", "ok@example.org" })
        {
            results.Add(await host.Router.SendOutgoingAsync(new OutgoingMessage(new Connection(EmailHost.BackendName, to), "hi " + to), timeout.Token));
        }

        results.Select(r => r.Failures.Count == 0).Should().Equal(true, false, true, false, true, false, true);
        results[5].Failures.Should().ContainSingle().Which.IsTransient.Should().BeTrue();
        data.Should().HaveCount(4);
        smtp.Connections.Should().Be(1);
        transcript.Count(l => l.StartsWith("AUTH", StringComparison.Ordinal)).Should().Be(1);
        transcript.Count(l => l == "NOOP").Should().BeGreaterThanOrEqualTo(4);

        // Idle for longer than SmtpKeepAlive: the session is closed with QUIT, and the next send opens another.
        while (!transcript.Contains("QUIT"))
        {
            await Task.Delay(50, timeout.Token);
        }

        (await host.Router.SendOutgoingAsync(new OutgoingMessage(new Connection(EmailHost.BackendName, "ok@example.org"), "later"), timeout.Token))
            .Failures.Should().BeEmpty();
        smtp.Connections.Should().Be(2);
    }

    [PeerFact(MailServers.Install, MailServers.Dovecot, MailServers.Python)]
    public async Task Send_ReusedSessionDroppedByTheServer_ReconnectsOnceAndSends()
    {
        using var timeout = new CancellationTokenSource(TimeSpan.FromSeconds(60));
        var transcript = new ConcurrentQueue<string>();
        var data = new ConcurrentQueue<string>();

        // The first connection is dropped by the server after its first mail, without a word (a server timeout, a restart).
        await using var smtp = new ScriptedServer((session, number, ct) =>
            ServeAsync(session, transcript, data, offerStartTls: false, ct, dropAfterFirstMail: number == 1));
        await using var servers = await MailServers.StartAsync();
        await using var host = await EmailHost.StartAsync(servers, o =>
        {
            o.SmtpPort = smtp.Port;
            o.SmtpUserName = "sender";
            o.SmtpPassword = "secret";
            o.SmtpKeepAlive = TimeSpan.FromMinutes(5);
        });
        var router = host.Router;

        var first = await router.SendOutgoingAsync(new OutgoingMessage(new Connection(EmailHost.BackendName, "ok@example.org"), "one"), timeout.Token);
        var second = await router.SendOutgoingAsync(new OutgoingMessage(new Connection(EmailHost.BackendName, "ok@example.org"), "two"), timeout.Token);

        first.Failures.Should().BeEmpty();
        second.Failures.Should().BeEmpty();
        data.Should().HaveCount(2);
        smtp.Connections.Should().Be(2);
        host.Logs.Records.Should().NotContain(r => r.EventId.Name == "SendFailed");
    }

    /// <summary>Sends "hi" with STARTTLS required and credentials set, through a scripted server that does or does not offer it.</summary>
    private static async Task<SendResult> SendOverStartTlsAsync(bool offerStartTls, ConcurrentQueue<string> transcript)
    {
        using var timeout = new CancellationTokenSource(TimeSpan.FromSeconds(60));
        await using var smtp = new ScriptedServer((session, _, ct) => ServeAsync(session, transcript, new(), offerStartTls, ct));
        await using var servers = await MailServers.StartAsync();
        await using var host = await EmailHost.StartAsync(servers, o =>
        {
            o.SmtpPort = smtp.Port;
            o.SmtpSecurity = EmailSecurity.StartTls;
            o.SmtpUserName = "sender";
            o.SmtpPassword = "secret";
        });

        return await host.Router.SendOutgoingAsync(new OutgoingMessage(new Connection(EmailHost.BackendName, "ok@example.org"), "hi"), timeout.Token);
    }

    internal static async Task ServeAsync(
        ServerSession session, ConcurrentQueue<string> transcript, ConcurrentQueue<string> data, bool offerStartTls, CancellationToken cancellationToken, string? acceptToken = null,
        bool dropAfterFirstMail = false)
    {
        await session.WriteAsync("220 fake.example ESMTP\r\n", cancellationToken);
        var inTransaction = false;
        var refuseData = false;
        while (await session.ReadLineAsync(cancellationToken) is { } line)
        {
            transcript.Enqueue(line);
            var verb = line.Split(' ')[0].ToUpperInvariant();
            switch (verb)
            {
                case "EHLO":
                    await session.WriteAsync("250-fake.example\r\n250-8BITMIME\r\n" + (offerStartTls ? "250-STARTTLS\r\n" : "") + "250 AUTH LOGIN XOAUTH2\r\n", cancellationToken);
                    break;
                case "STARTTLS":
                    // A man in the middle's trick: a reply smuggled in before the TLS handshake.
                    await session.WriteAsync("220 go ahead\r\n250 injected\r\n", cancellationToken);
                    break;
                case "AUTH" when line == "AUTH XOAUTH2" && acceptToken is not null:
                {
                    await session.WriteAsync("334 \r\n", cancellationToken);
                    var response = Encoding.UTF8.GetString(Convert.FromBase64String(await session.ReadLineAsync(cancellationToken) ?? ""));
                    var match = ScriptedImapServerTests.XOAuth2Response().Match(response);
                    transcript.Enqueue($"token {match.Groups[1].Value} {match.Groups[2].Value}");
                    if (match.Success && match.Groups[2].Value == acceptToken)
                    {
                        await session.WriteAsync("235 2.7.0 Accepted\r\n", cancellationToken);
                        break;
                    }

                    var error = Convert.ToBase64String(Encoding.UTF8.GetBytes("{\"status\":\"400\",\"schemes\":\"Bearer\",\"scope\":\"https://mail.google.com/\"}"));
                    await session.WriteAsync($"334 {error}\r\n", cancellationToken);
                    transcript.Enqueue("(answer) " + await session.ReadLineAsync(cancellationToken));
                    await session.WriteAsync("535-5.7.8 Username and Password not accepted.\r\n535 5.7.8 https://support.example/bad-credentials\r\n", cancellationToken);
                    break;
                }

                case "AUTH":
                    await session.WriteAsync("334 VXNlcm5hbWU6\r\n", cancellationToken);
                    transcript.Enqueue(await session.ReadLineAsync(cancellationToken) ?? "");
                    await session.WriteAsync("334 UGFzc3dvcmQ6\r\n", cancellationToken);
                    transcript.Enqueue(await session.ReadLineAsync(cancellationToken) ?? "");
                    await session.WriteAsync("235 ok\r\n", cancellationToken);
                    break;
                case "MAIL" when inTransaction:
                    await session.WriteAsync("503 5.5.1 nested MAIL command\r\n", cancellationToken);
                    break;
                case "MAIL":
                    inTransaction = true;
                    await session.WriteAsync("250 ok\r\n", cancellationToken);
                    break;
                case "DATA" when refuseData:
                    await session.WriteAsync("451 4.3.0 try again later\r\n", cancellationToken);
                    break;
                case "RCPT":
                    refuseData = line.Contains("later@", StringComparison.Ordinal);
                    await session.WriteAsync(
                        line.Contains("full@", StringComparison.Ordinal) ? "452 4.2.2 mailbox full\r\n"
                        : line.Contains("nobody@", StringComparison.Ordinal) ? "550 5.1.1 no such user\r\n"
                        : "250 ok\r\n",
                        cancellationToken);
                    break;
                case "RSET":
                    inTransaction = false;
                    await session.WriteAsync("250 ok\r\n", cancellationToken);
                    break;
                case "NOOP":
                    await session.WriteAsync("250 ok\r\n", cancellationToken);
                    break;
                case "DATA":
                {
                    await session.WriteAsync("354 go\r\n", cancellationToken);
                    var body = new StringBuilder();
                    while (await session.ReadLineAsync(cancellationToken) is { } dataLine)
                    {
                        body.Append(dataLine).Append("\r\n");
                        if (dataLine == ".")
                        {
                            break;
                        }
                    }

                    inTransaction = false;
                    data.Enqueue(body.ToString());
                    await session.WriteAsync("250 queued\r\n", cancellationToken);
                    if (dropAfterFirstMail)
                    {
                        session.Abort();
                        return;
                    }

                    break;
                }

                case "QUIT":
                    await session.WriteAsync("221 bye\r\n", cancellationToken);
                    return;
                default:
                    await session.WriteAsync("502 unknown\r\n", cancellationToken);
                    break;
            }
        }
    }
}

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
        using var timeout = new CancellationTokenSource(TimeSpan.FromSeconds(60));
        var transcript = new ConcurrentQueue<string>();
        await using var smtp = new ScriptedServer((session, _, ct) => ServeAsync(session, transcript, new(), offerStartTls: false, ct));
        await using var servers = await MailServers.StartAsync();
        await using var host = await EmailHost.StartAsync(servers, o =>
        {
            o.SmtpPort = smtp.Port;
            o.SmtpSecurity = EmailSecurity.StartTls;
            o.SmtpUserName = "sender";
            o.SmtpPassword = "secret";
        });

        var result = await host.Router.SendOutgoingAsync(new OutgoingMessage(new Connection(EmailHost.BackendName, "ok@example.org"), "hi"), timeout.Token);

        var failure = result.Failures.Should().ContainSingle().Subject;
        failure.IsTransient.Should().BeFalse();
        failure.Error.Should().Contain("STARTTLS");
        transcript.Should().NotContain(l => l.StartsWith("AUTH", StringComparison.Ordinal));
    }

    [PeerFact(MailServers.Install, MailServers.Dovecot, MailServers.Python)]
    public async Task Send_DataInjectedAfterStartTls_IsRefusedBeforeTheHandshake()
    {
        using var timeout = new CancellationTokenSource(TimeSpan.FromSeconds(60));
        var transcript = new ConcurrentQueue<string>();
        await using var smtp = new ScriptedServer((session, _, ct) => ServeAsync(session, transcript, new(), offerStartTls: true, ct));
        await using var servers = await MailServers.StartAsync();
        await using var host = await EmailHost.StartAsync(servers, o =>
        {
            o.SmtpPort = smtp.Port;
            o.SmtpSecurity = EmailSecurity.StartTls;
            o.SmtpUserName = "sender";
            o.SmtpPassword = "secret";
        });

        var result = await host.Router.SendOutgoingAsync(new OutgoingMessage(new Connection(EmailHost.BackendName, "ok@example.org"), "hi"), timeout.Token);

        result.Failures.Should().ContainSingle().Which.Error.Should().Contain("after accepting STARTTLS");
        transcript.Should().NotContain(l => l.StartsWith("AUTH", StringComparison.Ordinal) || l.StartsWith("MAIL", StringComparison.Ordinal));
    }

    private static async Task ServeAsync(ServerSession session, ConcurrentQueue<string> transcript, ConcurrentQueue<string> data, bool offerStartTls, CancellationToken cancellationToken)
    {
        await session.WriteAsync("220 fake.example ESMTP\r\n", cancellationToken);
        while (await session.ReadLineAsync(cancellationToken) is { } line)
        {
            transcript.Enqueue(line);
            var verb = line.Split(' ')[0].ToUpperInvariant();
            switch (verb)
            {
                case "EHLO":
                    await session.WriteAsync("250-fake.example\r\n250-8BITMIME\r\n" + (offerStartTls ? "250-STARTTLS\r\n" : "") + "250 AUTH LOGIN\r\n", cancellationToken);
                    break;
                case "STARTTLS":
                    // A man in the middle's trick: a reply smuggled in before the TLS handshake.
                    await session.WriteAsync("220 go ahead\r\n250 injected\r\n", cancellationToken);
                    break;
                case "AUTH":
                    await session.WriteAsync("334 VXNlcm5hbWU6\r\n", cancellationToken);
                    transcript.Enqueue(await session.ReadLineAsync(cancellationToken) ?? "");
                    await session.WriteAsync("334 UGFzc3dvcmQ6\r\n", cancellationToken);
                    transcript.Enqueue(await session.ReadLineAsync(cancellationToken) ?? "");
                    await session.WriteAsync("235 ok\r\n", cancellationToken);
                    break;
                case "MAIL":
                    await session.WriteAsync("250 ok\r\n", cancellationToken);
                    break;
                case "RCPT":
                    await session.WriteAsync(
                        line.Contains("full@", StringComparison.Ordinal) ? "452 4.2.2 mailbox full\r\n"
                        : line.Contains("nobody@", StringComparison.Ordinal) ? "550 5.1.1 no such user\r\n"
                        : "250 ok\r\n",
                        cancellationToken);
                    break;
                case "RSET":
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

                    data.Enqueue(body.ToString());
                    await session.WriteAsync("250 queued\r\n", cancellationToken);
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

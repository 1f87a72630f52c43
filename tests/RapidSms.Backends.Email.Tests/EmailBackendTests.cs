using System.Text;
using Microsoft.Extensions.Logging;
using RapidSms.Backends.Email.Client;
using RapidSms.Backends.Email.Protocol;
using RapidSms.Backends.Email.Tests.Infrastructure;
using RapidSms.Tests.Shared;

namespace RapidSms.Backends.Email.Tests;

/// <summary>The email backend end to end against a real Dovecot and a real SMTP server on loopback.</summary>
public sealed class EmailBackendTests
{
    private const string Install = MailServers.Install;
    private const string Dovecot = MailServers.Dovecot;
    private const string Python = MailServers.Python;

    [PeerFact(Install, Dovecot, Python)]
    public async Task RoundTrip_MailSentThroughSmtp_IsRoutedAndTheReplyArrivesThreadedInTheSendersMailbox()
    {
        using var timeout = new CancellationTokenSource(TimeSpan.FromSeconds(60));
        await using var servers = await MailServers.StartAsync(new MailServersOptions { SmtpAuthentication = true });
        await using var host = await EmailHost.StartAsync(servers);

        // Alice's mailer: multipart/alternative, Latin-1 quoted-printable text, an encoded-word subject.
        const string originalId = "<first-question@alice.example.test>";
        var mail = Encoding.Latin1.GetBytes(string.Join("\r\n",
            "From: =?ISO-8859-1?Q?Al=EFce_D=FCrer?= <alice@example.test>",
            "To: rapidsms@example.test",
            "Subject: =?utf-8?Q?Clinic_hours_=E2=80=94_=C3=A7a_marche=3F?=",
            "Message-ID: " + originalId,
            "References: <root@alice.example.test>",
            "Date: Sat, 21 Nov 2026 23:59:00 -0500",
            "MIME-Version: 1.0",
            "Content-Type: multipart/alternative; boundary=\"b1\"",
            "",
            "--b1",
            "Content-Type: text/plain; charset=ISO-8859-1",
            "Content-Transfer-Encoding: quoted-printable",
            "",
            "echo Merci, =E0 bient=F4t! Caf=E9 =",
            "cr=E8me.",
            "--b1",
            "Content-Type: text/html; charset=ISO-8859-1",
            "",
            "<p>echo HTML must not win</p>",
            "--b1--",
            ""));
        var smtp = new MailServer("127.0.0.1", servers.SmtpPort, EmailSecurity.None, "rapidsms", MailServers.Password, null);
        await using (var client = await SmtpClient.ConnectAsync(smtp, "alice.example.test", MailServer.ConnectTcpAsync, null, timeout.Token))
        {
            var refused = await client.SendAsync("alice@example.test", ["rapidsms@example.test"], mail, timeout.Token);
            refused.Should().ContainSingle().Which.Should().BeNull();
            await client.QuitAsync(timeout.Token);
        }

        var received = (await host.App.WaitForAsync(1, timeout.Token)).Single();
        received.Connection.Should().Be(new Connection(EmailHost.BackendName, "alice@example.test"));
        received.Text.Should().Be("echo Merci, à bientôt! Café crème.");
        received.Fields[EmailFields.Subject].Should().Be("Clinic hours — ça marche?");
        received.Fields[EmailFields.MessageId].Should().Be(originalId);
        received.Fields[EmailFields.FromName].Should().Be("Alïce Dürer");
        received.Fields[EmailFields.Date].Should().Be(new DateTimeOffset(2026, 11, 21, 23, 59, 0, TimeSpan.FromHours(-5)));

        // The reply, read back from Alice's mailbox over IMAP.
        await using var alice = await EmailHost.OpenMailboxAsync(servers, "alice", timeout.Token);
        var reply = await WaitForSingleMailAsync(alice, timeout.Token);
        var raw = Encoding.ASCII.GetString(reply.Content);
        reply.Content.Should().OnlyContain(b => b < 0x80, "the reply must be 7-bit clean to survive any relay");
        var read = MailReader.Read(reply.Content);
        read.Text.Should().Be("Merci, à bientôt! Café crème.");
        read.Subject.Should().Be("Re: Clinic hours — ça marche?");
        read.InReplyTo.Should().Be(originalId);
        read.References.Should().Equal("<root@alice.example.test>", originalId);
        read.From.Should().Be(new MailboxAddress("RapidSMS Clinic", "rapidsms@example.test"));
        read.MessageId.Should().NotBeNullOrEmpty();
        read.Date.Should().NotBeNull();
        raw.Should().Contain("\r\nAuto-Submitted: auto-replied\r\n").And.Contain("\r\nTo: <alice@example.test>\r\n");

        // Alice answers the reply, quoting it: the app sees only what she wrote now, and the thread goes on.
        var answer = TestMail.Plain(
            "alice@example.test", "rapidsms@example.test", read.Subject,
            $"echo second round\n\nOn Sun, Nov 22, 2026 at 1:05 AM RapidSMS Clinic <rapidsms@example.test> wrote:\n> {read.Text}\n",
            messageId: "<second@alice.example.test>",
            extraHeaders: $"In-Reply-To: {read.MessageId}\nReferences: {string.Join(' ', read.References)} {read.MessageId}");
        await using (var client = await SmtpClient.ConnectAsync(smtp, "alice.example.test", MailServer.ConnectTcpAsync, null, timeout.Token))
        {
            await client.SendAsync("alice@example.test", ["rapidsms@example.test"], answer, timeout.Token);
        }

        var second = (await host.App.WaitForAsync(2, timeout.Token))[1];
        second.Text.Should().Be("echo second round");
        ((string)second.Fields[EmailFields.FullText]!).Should().Contain("> Merci, à bientôt! Café crème.");
        await servers.NextDeliveryAsync(timeout.Token, to: "alice@example.test");
        var secondReply = await servers.NextDeliveryAsync(timeout.Token, to: "alice@example.test");
        var thread = MailReader.Read(secondReply.Content);
        thread.Text.Should().Be("second round");
        thread.Subject.Should().Be("Re: Clinic hours — ça marche?");
        thread.InReplyTo.Should().Be("<second@alice.example.test>");
        thread.References.Should().Equal("<root@alice.example.test>", originalId, read.MessageId, "<second@alice.example.test>");

        // Each mail routed once and acknowledged: nothing unseen is left in the backend's mailbox.
        await using var mailbox = await EmailHost.OpenMailboxAsync(servers, "rapidsms", timeout.Token);
        await WaitUntilAllSeenAsync(mailbox, timeout.Token);
        host.App.Received.Should().HaveCount(2);

        // The protocol trace was on: it shows the logins, never the secrets.
        var plainToken = Convert.ToBase64String(Encoding.UTF8.GetBytes($"\0rapidsms\0{MailServers.Password}"));
        host.Logs.Records.Should().Contain(r => r.EventId.Name == "ProtocolTrace" && r.Message.Contains("AUTH PLAIN ********", StringComparison.Ordinal));
        host.Logs.Records.Should().Contain(r => r.EventId.Name == "ProtocolTrace" && r.Message.Contains("AUTHENTICATE PLAIN ********", StringComparison.Ordinal));
        host.Logs.Records.Should().NotContain(r => r.Message.Contains(MailServers.Password, StringComparison.Ordinal) || r.Message.Contains(plainToken, StringComparison.Ordinal));
    }

    [PeerTheory(Install, Dovecot, Python)]
    [InlineData(EmailSecurity.StartTls, false)]
    [InlineData(EmailSecurity.Tls, true)]
    public async Task Tls_WithPinnedSelfSignedCertificate_ReceivesAndReplies(EmailSecurity security, bool implicitSmtpTls)
    {
        using var timeout = new CancellationTokenSource(TimeSpan.FromSeconds(60));
        await using var servers = await MailServers.StartAsync(new MailServersOptions
        {
            Tls = true,
            SmtpAuthentication = true,
            SmtpImplicitTls = implicitSmtpTls,
            ImapAuthenticatePlain = security == EmailSecurity.Tls,
        });
        await using var host = await EmailHost.StartAsync(servers, o =>
        {
            o.ImapSecurity = security;
            o.ImapPort = security == EmailSecurity.Tls ? servers.ImapsPort : servers.ImapPort;
            o.SmtpSecurity = implicitSmtpTls ? EmailSecurity.Tls : EmailSecurity.StartTls;
            o.ServerCertificateThumbprint = servers.CertificateThumbprint;
        });

        await servers.DeliverAsync("rapidsms", TestMail.Plain("bob@example.test", "rapidsms@example.test", "tls", "echo über TLS ✓"));

        var (recipient, content) = await WithLogsAsync(servers.NextDeliveryAsync(timeout.Token), host, servers);
        recipient.Should().Be("bob@example.test");
        MailReader.Read(content).Text.Should().Be("über TLS ✓");
        host.Logs.Records.Should().NotContain(r => r.EventId.Name == "ImapConnectionLost");
    }

    [PeerFact(Install, Dovecot, Python)]
    public async Task Tls_UntrustedCertificateWithoutPin_IsRefusedAndRetried()
    {
        using var timeout = new CancellationTokenSource(TimeSpan.FromSeconds(60));
        await using var servers = await MailServers.StartAsync(new MailServersOptions { Tls = true });
        await using var host = await EmailHost.StartAsync(servers, o =>
        {
            o.ImapSecurity = EmailSecurity.Tls;
            o.ImapPort = servers.ImapsPort;
        });

        var lost = await host.Logs.WaitForAsync(r => r.EventId.Name == "ImapConnectionLost", timeout.Token);

        lost.Exception.Should().BeAssignableTo<System.Security.Authentication.AuthenticationException>();
        await host.Logs.WaitForAsync(r => r.EventId.Name == "ImapConnectionLost" && !ReferenceEquals(r, lost), timeout.Token);
    }

    [PeerFact(Install, Dovecot, Python)]
    public async Task ServerRestart_MidSession_NoMailIsLostOrRoutedTwice()
    {
        using var timeout = new CancellationTokenSource(TimeSpan.FromSeconds(90));
        await using var servers = await MailServers.StartAsync();
        await using var host = await EmailHost.StartAsync(servers);
        for (var i = 1; i <= 3; i++)
        {
            await servers.DeliverAsync("rapidsms", TestMail.Plain("alice@example.test", "rapidsms@example.test", "before", $"before {i}"));
        }

        await host.App.WaitForAsync(3, timeout.Token);

        // The app holds a message while the server dies: it was routed, but \Seen cannot be stored.
        await servers.DeliverAsync("rapidsms", TestMail.Plain("bob@example.test", "rapidsms@example.test", "held", "hold"));
        await host.App.Holding.WaitAsync(timeout.Token);
        await servers.StopImapAsync();
        for (var i = 1; i <= 3; i++)
        {
            await servers.DeliverAsync("rapidsms", TestMail.Plain("alice@example.test", "rapidsms@example.test", "while down", $"while down {i}"));
        }

        host.App.Release();
        await WithLogsAsync(host.Logs.WaitForAsync(r => r.EventId.Name == "ImapConnectionLost", timeout.Token), host, servers);
        await servers.StartImapAsync();

        await WithLogsAsync(host.App.WaitForAsync(7, timeout.Token), host, servers);
        await WithLogsAsync(host.Logs.WaitForAsync(r => r.EventId.Name == "PendingAcknowledged", timeout.Token), host, servers);
        await using var mailbox = await EmailHost.OpenMailboxAsync(servers, "rapidsms", timeout.Token);
        await WaitUntilAllSeenAsync(mailbox, timeout.Token);

        host.App.Received.Select(m => m.Text).Should().Equal(
            "before 1", "before 2", "before 3", "hold", "while down 1", "while down 2", "while down 3");
    }

    [PeerFact(Install, Dovecot, Python)]
    public async Task BadMail_IsRepairedOrSetAside_AndTheMailboxKeepsFlowing()
    {
        using var timeout = new CancellationTokenSource(TimeSpan.FromSeconds(60));
        await using var servers = await MailServers.StartAsync();
        await using var host = await EmailHost.StartAsync(servers, o => o.MaxMessageSize = 64 * 1024);

        await servers.DeliverAsync("rapidsms", Encoding.ASCII.GetBytes("To: rapidsms@example.test\r\nSubject: nobody\r\n\r\nno sender\r\n"));
        await servers.DeliverAsync("rapidsms", TestMail.Plain("robot@example.test", "rapidsms@example.test", "Out of office", "I am away", extraHeaders: "Auto-Submitted: auto-replied"));
        await servers.DeliverAsync("rapidsms", Encoding.Latin1.GetBytes(
            "From: carol@example.test\r\nSubject: broken\r\nContent-Type: multipart/mixed; boundary=zz\r\n\r\n--zz\r\nContent-Type: text/plain; charset=x-unknown-klingon\r\n\r\nQapla' caf\u00e9\r\n--zz\r\nContent-Type: application/octet-stream\r\n\r\n\u0001\u0002"));
        var attachment = Convert.ToBase64String(new byte[3 * 1024 * 1024], Base64FormattingOptions.InsertLineBreaks);
        await servers.DeliverAsync("rapidsms", Encoding.ASCII.GetBytes(
            "From: dave@example.test\r\nSubject: scan\r\nContent-Type: multipart/mixed; boundary=\"x\"\r\n\r\n--x\r\nContent-Type: text/plain\r\n\r\nsee the attached scan\r\n--x\r\nContent-Type: image/png\r\nContent-Disposition: attachment; filename=scan.png\r\nContent-Transfer-Encoding: base64\r\n\r\n"
            + attachment + "\r\n--x--\r\n"));
        await servers.DeliverAsync("rapidsms", TestMail.Plain("erin@example.test", "rapidsms@example.test", "fine", "all good"));

        var received = await host.App.WaitForAsync(3, timeout.Token);
        await using var mailbox = await EmailHost.OpenMailboxAsync(servers, "rapidsms", timeout.Token);
        await WaitUntilAllSeenAsync(mailbox, timeout.Token);

        received.Select(m => (m.Connection.Identity, m.Text)).Should().Equal(
            ("carol@example.test", "Qapla' café"),
            ("dave@example.test", "see the attached scan"),
            ("erin@example.test", "all good"));
        ((string[])received[0].Fields[EmailFields.Problems]!).Should().HaveCount(2);
        ((string[])received[1].Fields[EmailFields.Problems]!).Should().Contain(p => p.Contains("only its first 65536", StringComparison.Ordinal));
        host.Logs.Records.Where(r => r.EventId.Name == "MailSetAside").Should().HaveCount(2);
        (await mailbox.SearchAsync("FLAGGED", timeout.Token)).Should().HaveCount(2);
    }

    [PeerFact(Install, Dovecot, Python)]
    public async Task Polling_WithIdleOff_PicksUpNewMail()
    {
        using var timeout = new CancellationTokenSource(TimeSpan.FromSeconds(60));
        await using var servers = await MailServers.StartAsync();
        await using var host = await EmailHost.StartAsync(servers, o =>
        {
            o.UseIdle = false;
            o.PollInterval = TimeSpan.FromMilliseconds(100);
        });
        await host.Logs.WaitForAsync(r => r.EventId.Name == "ImapPolling", timeout.Token);

        await servers.DeliverAsync("rapidsms", TestMail.Plain("alice@example.test", "rapidsms@example.test", "poll", "polled"));

        (await host.App.WaitForAsync(1, timeout.Token)).Single().Text.Should().Be("polled");
    }

    [PeerFact(Install, Dovecot, Python)]
    public async Task Send_ToSeveralRecipients_OneMailEachWithItsOwnResult()
    {
        using var timeout = new CancellationTokenSource(TimeSpan.FromSeconds(60));
        await using var servers = await MailServers.StartAsync();
        await using var host = await EmailHost.StartAsync(servers);
        var message = new OutgoingMessage(
            [new(EmailHost.BackendName, "alice@example.test"), new(EmailHost.BackendName, "not an address"), new(EmailHost.BackendName, "bob@example.test")],
            "Clinic opens at 9.");
        message.Fields[EmailFields.Subject] = "Opening hours";

        var result = await host.Router.SendOutgoingAsync(message, timeout.Token);

        result.Recipients.Select(r => (r.Identity, r.Succeeded)).Should().Equal(
            ("alice@example.test", true), ("not an address", false), ("bob@example.test", true));
        result.Failures.Single().IsTransient.Should().BeFalse();
        var first = await servers.NextDeliveryAsync(timeout.Token);
        var second = await servers.NextDeliveryAsync(timeout.Token);
        new[] { first.Recipient, second.Recipient }.Should().Equal("alice@example.test", "bob@example.test");
        var mail = MailReader.Read(first.Content);
        mail.Subject.Should().Be("Opening hours");
        mail.Text.Should().Be("Clinic opens at 9.");
        mail.MessageId.Should().Be(result.Recipients[0].BackendMessageId);
        host.Logs.Records.Should().NotContain(r => r.Message.Contains(MailServers.Password, StringComparison.Ordinal));
    }

    [PeerFact(Install, Dovecot, Python)]
    public async Task Send_InternationalizedAddress_UsesSmtpUtf8()
    {
        using var timeout = new CancellationTokenSource(TimeSpan.FromSeconds(60));
        await using var servers = await MailServers.StartAsync();
        await using var host = await EmailHost.StartAsync(servers);

        var result = await host.Router.SendAsync("Karibu!", new Connection(EmailHost.BackendName, "zoë@example.test"), timeout.Token);

        result.Succeeded.Should().BeTrue();
        var (recipient, content) = await servers.NextDeliveryAsync(timeout.Token);
        recipient.Should().Be("zoë@example.test");
        servers.DeliveryOptions(recipient).Should().Contain("SMTPUTF8").And.Contain("BODY=8BITMIME");
        var mail = MailReader.Read(content);
        mail.Text.Should().Be("Karibu!");
        Encoding.UTF8.GetString(content).Should().Contain("\r\nTo: <zoë@example.test>\r\n");
    }

    [PeerFact(Install, Dovecot, Python)]
    public async Task Send_SmtpServerUnreachable_FailsTransientlyAfterTheRoutersRetries()
    {
        using var timeout = new CancellationTokenSource(TimeSpan.FromSeconds(60));
        await using var servers = await MailServers.StartAsync();
        var closedPort = Peers.FreeTcpPort();
        await using var host = await EmailHost.StartAsync(servers, o => o.SmtpPort = closedPort);

        var result = await host.Router.SendAsync("hello", new Connection(EmailHost.BackendName, "alice@example.test"), timeout.Token);

        var failure = result.Failures.Should().ContainSingle().Subject;
        failure.IsTransient.Should().BeTrue();
        host.Logs.Records.Where(r => r.EventId.Name == "SendFailed").Should().HaveCountGreaterThan(1, "the router retries a transient failure");
    }

    private static async Task<FetchedMessage> WaitForSingleMailAsync(ImapClient mailbox, CancellationToken cancellationToken)
    {
        while (true)
        {
            var uids = await mailbox.SearchAsync("ALL", cancellationToken);
            if (uids.Count > 0)
            {
                uids.Should().ContainSingle();
                return (await mailbox.FetchAsync(uids[0], 1024 * 1024, cancellationToken))!;
            }

            await mailbox.IdleAsync(TimeSpan.FromSeconds(1), TimeSpan.FromSeconds(10), TimeProvider.System, cancellationToken);
        }
    }

    private static async Task<T> WithLogsAsync<T>(Task<T> task, EmailHost host, MailServers servers)
    {
        try
        {
            return await task;
        }
        catch (OperationCanceledException ex)
        {
            var logs = string.Join(Environment.NewLine, host.Logs.Records.Select(r => $"{r.Level} {r.EventId.Name} {r.Message} {r.Exception?.GetType().Name} {r.Exception?.Message}"));
            throw new TimeoutException($"Timed out.{Environment.NewLine}{logs}{servers.DescribeLogs()}", ex);
        }
    }

    private static async Task WaitUntilAllSeenAsync(ImapClient mailbox, CancellationToken cancellationToken)
    {
        // The backend stores \Seen right after the router returns; look until it has (bounded by the token).
        while ((await mailbox.SearchUnseenAsync(cancellationToken)).Count > 0)
        {
            await mailbox.IdleAsync(TimeSpan.FromMilliseconds(200), TimeSpan.FromSeconds(10), TimeProvider.System, cancellationToken);
        }
    }
}

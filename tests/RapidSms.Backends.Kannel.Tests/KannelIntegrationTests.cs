using System.Text;
using RapidSms.Backends.Kannel;
using RapidSms.Tests.Shared;

namespace RapidSms.Backends.Kannel.Tests;

/// <summary>The Kannel backend against a real bearerbox + smsbox, with the test's HTTP sink as the SMSC.</summary>
public sealed class KannelIntegrationTests : IAsyncLifetime
{
    private const int Count = 200;
    private static readonly string[] Texts =
    [
        "Habari! Ça va très bien, merci. مرحبا 👋",
        "مرحبا بكم في العيادة",
        "Karibu sana, señor Müller: è già pronto?",
        "Asante 🙏🏾 na karibu tena",
        "plain GSM text @ £5 {ok}",
        "Ünïcödé ñ ß é è à ç",
    ];

    private readonly CancellationTokenSource _timeout = new(TimeSpan.FromSeconds(150));
    private KannelPeer? _kannel;
    private RapidSmsTestHost? _host;

    private KannelPeer Kannel => _kannel!;

    private RapidSmsTestHost Host => _host!;

    public Task InitializeAsync() => Task.CompletedTask;

    public async Task DisposeAsync()
    {
        try
        {
            if (_host is not null)
            {
                await _host.DisposeAsync();
            }
        }
        finally
        {
            if (_kannel is not null)
            {
                await _kannel.DisposeAsync();
            }

            _timeout.Dispose();
        }
    }

    [PeerFact(KannelPeer.Install, "bearerbox", "smsbox")]
    public async Task Incoming_200MessagesThroughKannel_AllArriveByteIdentical()
    {
        await StartAsync();
        var sent = Enumerable.Range(0, Count).Select(i => (Identity: $"+2567000{i % 7:D5}", Text: $"{i:D3} {Texts[i % Texts.Length]}")).ToList();

        await Parallel.ForEachAsync(sent, new ParallelOptions { MaxDegreeOfParallelism = 8, CancellationToken = _timeout.Token },
            async (m, token) => await Kannel.SendToBackendAsync(m.Identity, m.Text, token));
        var received = await WaitAsync(() => Host.App.WaitForReceivedAsync(Count, _timeout.Token));

        received.Should().HaveCount(Count, "none is lost and none is duplicated");
        received.Select(m => (m.Connection.Identity, m.Text)).Should().BeEquivalentTo(sent);
        foreach (var message in received)
        {
            var original = sent.Single(s => s.Text.StartsWith(message.Text[..3], StringComparison.Ordinal)).Text;
            Encoding.UTF8.GetBytes(message.Text).Should().Equal(Encoding.UTF8.GetBytes(original));
            message.Connection.Backend.Should().Be("kannel");
            message.Fields["kannel.smsc"].Should().Be("sink");
            message.Fields["kannel.to"].Should().Be(KannelPeer.ShortCode);
        }
    }

    [PeerFact(KannelPeer.Install, "bearerbox", "smsbox")]
    public async Task Outgoing_200MessagesThroughKannel_ReachSmscByteIdenticalAndDeliveryReportsCorrelate()
    {
        await StartAsync();
        var messages = Enumerable.Range(0, Count)
            .Select(i => new OutgoingMessage(new Connection("kannel", $"+2567001{i % 9:D5}"), $"{i:D3} {Texts[i % Texts.Length]}"))
            .ToList();

        var results = new List<SendResult>();
        foreach (var message in messages)
        {
            results.Add(await Host.Router.SendOutgoingAsync(message, _timeout.Token));
        }

        results.Should().OnlyContain(r => r.Succeeded);

        // Every message reaches the SMSC exactly once, with its text intact, UCS-2 when it is not GSM.
        var arrived = new List<(string Identity, string Text, string Coding, string ForeignId)>();
        for (var i = 0; i < Count; i++)
        {
            var request = await WaitAsync(() => Kannel.Sink.NextAsync(_timeout.Token));
            var (identity, text, coding) = KannelPeer.Decode(request);
            arrived.Add((identity, text, coding, ""));
        }

        arrived.Select(a => (a.Identity, a.Text)).Should().BeEquivalentTo(messages.Select(m => (m.Connection.Identity, m.Text)));
        arrived.Should().OnlyContain(a => a.Coding == (Protocol.Gsm7.CanEncode(a.Text) ? "0" : "2"));
        arrived.Select(a => a.Text).Should().Contain(t => t.Contains("مرحبا", StringComparison.Ordinal) && t.Contains("👋", StringComparison.Ordinal));

        // Kannel reports the SMSC's acknowledgement of each (type 8), correlated to our message and recipient.
        var acks = await WaitAsync(() => Host.App.WaitForReportsAsync(Count, _timeout.Token));
        acks.Should().OnlyContain(r => r.Status == DeliveryStatus.Sent && r.Backend == "kannel");
        acks.Select(r => (r.MessageId, r.Identity)).Should().BeEquivalentTo(messages.Select(m => ((string?)m.Id, m.Connection.Identity)));

        // The SMSC then reports each delivered; Kannel finds the message by the SMSC's id and calls our dlr-url.
        var byForeignId = acks.ToDictionary(r => r.BackendMessageId!, r => r);
        byForeignId.Should().HaveCount(Count);
        foreach (var ack in acks)
        {
            await Kannel.InjectDeliveryReportAsync(ack.BackendMessageId!, ack.Identity, 1, "id:x stat:DELIVRD err:000", _timeout.Token);
        }

        var reports = await WaitAsync(() => Host.App.WaitForReportsAsync(2 * Count, _timeout.Token));
        var delivered = reports.Where(r => r.Status == DeliveryStatus.Delivered).ToList();
        delivered.Should().HaveCount(Count);
        delivered.Select(r => (r.MessageId, r.Identity)).Should().BeEquivalentTo(messages.Select(m => ((string?)m.Id, m.Connection.Identity)));
        delivered.Should().OnlyContain(r => r.IsFinal && r.ErrorCode == null && r.Detail!.Contains("DELIVRD", StringComparison.Ordinal));
    }

    [PeerFact(KannelPeer.Install, "bearerbox", "smsbox")]
    public async Task Reply_FromApp_GoesOutThroughKannelToTheSender()
    {
        await StartAsync();

        await Kannel.SendToBackendAsync("+256700000042", "echo مرحبا 👋 Ça va", _timeout.Token);
        var (identity, text, coding) = KannelPeer.Decode(await WaitAsync(() => Kannel.Sink.NextAsync(_timeout.Token)));

        identity.Should().Be("+256700000042");
        text.Should().Be("مرحبا 👋 Ça va");
        coding.Should().Be("2");
    }

    // Characters that mean something in a URL, a form or Kannel's own escape codes, and line breaks.
    private static readonly string[] Reserved =
    [
        "100% sure",
        "50%+ off & free = yes #1",
        "a%20b %41 %zz %% %",
        "%p %a %d %i %T %%%",
        "1+1=2 & 2+2=4?x=y#frag",
        "line one\nline two\nline three",
        "crlf\r\nend",
        "two  spaces,\ttab,  ",
        " leading space",
        "مرحبا 100% & + = # ?\n👋 Ça va",
    ];

    [PeerFact(KannelPeer.Install, "bearerbox", "smsbox")]
    public async Task ReservedCharacters_BothWaysThroughKannel_ArriveByteIdentical()
    {
        await StartAsync();

        // Out: sendsms → bearerbox → the SMSC sink.
        foreach (var text in Reserved)
        {
            (await Host.Router.SendAsync(text, new Connection("kannel", "+256700000061"), _timeout.Token)).Succeeded.Should().BeTrue();
            var (identity, arrived, coding) = KannelPeer.Decode(await WaitAsync(() => Kannel.Sink.NextAsync(_timeout.Token)));
            identity.Should().Be("+256700000061");
            Encoding.UTF8.GetBytes(arrived).Should().Equal(Encoding.UTF8.GetBytes(text), "the SMSC gets exactly {0}", text);
            coding.Should().Be(Protocol.Gsm7.CanEncode(text) ? "0" : "2");
        }

        // In: the SMSC → bearerbox → smsbox's get-url → the app.
        for (var i = 0; i < Reserved.Length; i++)
        {
            await Kannel.SendToBackendAsync("+256700000062", Reserved[i], _timeout.Token);
            var received = await WaitAsync(() => Host.App.WaitForReceivedAsync(i + 1, _timeout.Token));
            var message = received[i];
            Encoding.UTF8.GetBytes(message.Text).Should().Equal(Encoding.UTF8.GetBytes(Reserved[i]), "the app sees exactly {0}", Reserved[i]);
            message.Connection.Identity.Should().Be("+256700000062");
        }
    }

    [PeerFact(KannelPeer.Install, "bearerbox", "smsbox")]
    public async Task FailedDelivery_ReportsFailedWithErrorCode()
    {
        await StartAsync();
        var message = new OutgoingMessage(new Connection("kannel", "+256700000077"), "will not arrive");

        (await Host.Router.SendOutgoingAsync(message, _timeout.Token)).Succeeded.Should().BeTrue();
        var ack = (await WaitAsync(() => Host.App.WaitForReportsAsync(1, _timeout.Token))).Single();
        await Kannel.InjectDeliveryReportAsync(ack.BackendMessageId!, ack.Identity, 2, "id:x stat:UNDELIV err:034", _timeout.Token);
        var failed = (await WaitAsync(() => Host.App.WaitForReportsAsync(2, _timeout.Token)))[1];

        failed.Status.Should().Be(DeliveryStatus.Failed);
        failed.MessageId.Should().Be(message.Id);
        failed.Identity.Should().Be("+256700000077");
        failed.ErrorCode.Should().Be("034");
    }

    [PeerFact(KannelPeer.Install, "bearerbox", "smsbox")]
    public async Task SmscRefuses_ReportsRejected()
    {
        await StartAsync();
        Kannel.Sink.Respond = (_, _) => (200, "FAIL no such number");
        var message = new OutgoingMessage(new Connection("kannel", "+256700000078"), "refused");

        (await Host.Router.SendOutgoingAsync(message, _timeout.Token)).Succeeded.Should().BeTrue("Kannel accepted it; the SMSC refuses later");
        var report = (await WaitAsync(() => Host.App.WaitForReportsAsync(1, _timeout.Token))).Single();

        report.Status.Should().Be(DeliveryStatus.Rejected);
        report.MessageId.Should().Be(message.Id);
        report.IsFinal.Should().BeTrue();
    }

    [PeerFact(KannelPeer.Install, "bearerbox", "smsbox")]
    public async Task SharedSecret_GetUrlAndDlrUrlCarryIt_MessagesAndReportsArrive()
    {
        await StartAsync(secret: "kannel-s3cret");

        await Kannel.SendToBackendAsync("+256700000043", "with a secret", _timeout.Token);
        (await WaitAsync(() => Host.App.WaitForReceivedAsync(1, _timeout.Token))).Single().Text.Should().Be("with a secret");
        (await Host.Router.SendAsync("reply", new Connection("kannel", "+256700000043"), _timeout.Token)).Succeeded.Should().BeTrue();
        (await WaitAsync(() => Host.App.WaitForReportsAsync(1, _timeout.Token))).Single().Status.Should().Be(DeliveryStatus.Sent);

        using var client = new HttpClient();
        var forged = await client.GetAsync($"http://127.0.0.1:{Kannel.BackendPort}/kannel?id=1&text=x&secret=wrong", _timeout.Token);
        ((int)forged.StatusCode).Should().Be(403);
        Host.Logs.Records.Should().NotContain(r => r.Message.Contains("kannel-s3cret", StringComparison.Ordinal));
    }

    [PeerFact(KannelPeer.Install, "bearerbox", "smsbox")]
    public async Task WrongSendSmsPassword_FailsPermanentlyWithKannelsAnswer()
    {
        await StartAsync(configure: o => o.Password = "wrong");

        var result = await Host.Router.SendAsync("hi", new Connection("kannel", "+256700000044"), _timeout.Token);

        var failure = result.Recipients.Should().ContainSingle().Subject;
        failure.Succeeded.Should().BeFalse();
        failure.IsTransient.Should().BeFalse();
        failure.Error.Should().Contain("Authorization failed");
        Host.Logs.Records.Should().NotContain(r => r.Message.Contains(KannelPeer.Password, StringComparison.Ordinal));
    }

    [PeerFact(KannelPeer.Install, "bearerbox", "smsbox")]
    public async Task RapidSmsDown_KannelRetriesGetUrl_MessageArrivesAfterRestart()
    {
        await StartAsync();
        await Host.DisposeAsync();
        _host = null;

        // Nobody listens now: smsbox's get-url fails and is queued for another try (http-request-retry).
        await Kannel.SendToBackendAsync("+256700000050", "sent while RapidSms was down", _timeout.Token);
        _host = await RapidSmsTestHost.StartAsync(rapid => rapid.AddBackend("kannel", b => b.UseKannel(o => Kannel.Configure(o))));

        var received = await WaitAsync(() => Host.App.WaitForReceivedAsync(1, _timeout.Token));
        received.Single().Text.Should().Be("sent while RapidSms was down");
        received.Single().Connection.Identity.Should().Be("+256700000050");
    }

    private async Task StartAsync(string? secret = null, Action<KannelOptions>? configure = null)
    {
        _kannel = await KannelPeer.StartAsync(secret);
        _host = await RapidSmsTestHost.StartAsync(rapid => rapid.AddBackend("kannel", b => b.UseKannel(o =>
        {
            _kannel.Configure(o);
            o.SharedSecret = secret;
            configure?.Invoke(o);
        })));
    }

    private async Task<T> WaitAsync<T>(Func<Task<T>> wait)
    {
        try
        {
            return await wait();
        }
        catch (OperationCanceledException ex)
        {
            throw new TimeoutException("Timed out waiting on Kannel." + Environment.NewLine + Kannel.DescribeLogs(), ex);
        }
    }
}

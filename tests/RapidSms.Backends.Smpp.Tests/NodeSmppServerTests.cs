using System.Text;
using System.Text.Json;
using RapidSms.Backends.Smpp.Protocol;
using RapidSms.Backends.Smpp.Tests.Infrastructure;
using RapidSms.Tests.Shared;

namespace RapidSms.Backends.Smpp.Tests;

/// <summary>The backend against the node `smpp` package's server, an independent SMSC implementation.</summary>
public sealed class NodeSmppServerTests
{
    private const string Phone = "+256700000001";

    private static CancellationTokenSource Timeout(int seconds = 30) => new(TimeSpan.FromSeconds(seconds));

    private static string Text(JsonElement submit) => submit.GetProperty("short_message").GetProperty("message").GetString()!;

    private static byte[] Raw(JsonElement submit) => Convert.FromHexString(submit.GetProperty("short_message").GetProperty("raw").GetString()!);

    [PeerFact(NodeSmsc.Install, "node", Paths = [NodeSmsc.Modules])]
    public async Task Start_NodeServer_BindsAsTransceiverWithCredentials()
    {
        await using var smsc = await NodeSmsc.StartAsync();
        await using var host = await SmppTestHost.StartAsync("127.0.0.1", smsc.Port);
        using var timeout = Timeout();

        var bind = (await smsc.WaitForEventAsync("bind", 1, timeout.Token))[0];

        bind.GetProperty("command").GetString().Should().Be("bind_transceiver");
        bind.GetProperty("system_id").GetString().Should().Be("rapidsms");
        bind.GetProperty("password_length").GetInt32().Should().Be(6);
        host.Logs.Records.Should().NotContain(r => r.Message.Contains("secret", StringComparison.Ordinal));
    }

    [PeerFact(NodeSmsc.Install, "node", Paths = [NodeSmsc.Modules])]
    public async Task Start_TransmitterAndReceiverMode_BindsBoth()
    {
        await using var smsc = await NodeSmsc.StartAsync();
        await using var host = await SmppTestHost.StartAsync("127.0.0.1", smsc.Port, o => o.BindMode = SmppBindMode.TransmitterAndReceiver);
        using var timeout = Timeout();

        var binds = await smsc.WaitForEventAsync("bind", 2, timeout.Token);
        binds.Select(b => b.GetProperty("command").GetString()).Should().BeEquivalentTo("bind_transmitter", "bind_receiver");

        await host.WaitForBindAsync(timeout.Token);
        (await host.Router.SendAsync("over the transmitter", host.To(Phone), timeout.Token)).Succeeded.Should().BeTrue();
        (await smsc.DeliverAsync(Phone, "over the receiver", timeout.Token)).Should().Be(0);
        (await host.App.WaitForReceivedAsync(1, timeout.Token)).Single().Text.Should().Be("over the receiver");
    }

    [PeerTheory(NodeSmsc.Install, "node", Paths = [NodeSmsc.Modules])]
    [InlineData(SmppTextEncoding.Auto, "Hello {world} €5 ~ok~", 0)]
    [InlineData(SmppTextEncoding.Auto, "Habari! Ça va très bien. مرحبا 👋", 8)]
    [InlineData(SmppTextEncoding.Latin1, "Ça coûte 5 £ à Genève", 3)]
    [InlineData(SmppTextEncoding.Ucs2, "plain ascii as ucs2", 8)]
    public async Task Send_EachEncoding_ServerDecodesTheSameText(SmppTextEncoding encoding, string text, int dataCoding)
    {
        await using var smsc = await NodeSmsc.StartAsync();
        await using var host = await SmppTestHost.StartAsync("127.0.0.1", smsc.Port, o =>
        {
            o.Encoding = encoding;
            o.SourceAddress = "RapidSMS";
        });
        using var timeout = Timeout();

        var result = await host.Router.SendAsync(text, host.To(Phone), timeout.Token);

        result.Succeeded.Should().BeTrue(string.Join(";", result.Failures.Select(f => f.Error)));
        var submit = (await smsc.WaitForSubmitsAsync(1, timeout.Token)).Single();
        submit.GetProperty("data_coding").GetInt32().Should().Be(dataCoding);
        submit.GetProperty("destination_addr").GetString().Should().Be("256700000001");
        submit.GetProperty("dest_addr_ton").GetInt32().Should().Be(1);
        submit.GetProperty("source_addr").GetString().Should().Be("RapidSMS");
        submit.GetProperty("source_addr_ton").GetInt32().Should().Be(5);
        Text(submit).Should().Be(text);
        result.Recipients.Single().BackendMessageId.Should().Be(submit.GetProperty("message_id").GetString());
    }

    [PeerFact(NodeSmsc.Install, "node", Paths = [NodeSmsc.Modules])]
    public async Task Send_PerMessageSourceAddress_OverridesOptions()
    {
        await using var smsc = await NodeSmsc.StartAsync();
        await using var host = await SmppTestHost.StartAsync("127.0.0.1", smsc.Port, o => o.SourceAddress = "RapidSMS");
        using var timeout = Timeout();
        var message = new OutgoingMessage(host.To(Phone), "from a short code");
        message.Fields[SmppFields.SourceAddress] = "8888";

        (await host.Router.SendOutgoingAsync(message, timeout.Token)).Succeeded.Should().BeTrue();

        var submit = (await smsc.WaitForSubmitsAsync(1, timeout.Token)).Single();
        submit.GetProperty("source_addr").GetString().Should().Be("8888");
        submit.GetProperty("source_addr_ton").GetInt32().Should().Be(0);
        submit.GetProperty("source_addr_npi").GetInt32().Should().Be(1);
    }

    [PeerFact(NodeSmsc.Install, "node", Paths = [NodeSmsc.Modules])]
    public async Task Send_LongMessageWithUdh_ServerGetsPartsWithConcatenationHeaders()
    {
        await using var smsc = await NodeSmsc.StartAsync();
        await using var host = await SmppTestHost.StartAsync("127.0.0.1", smsc.Port);
        using var timeout = Timeout();
        var text = string.Concat(Enumerable.Range(0, 350).Select(i => (char)('a' + (i % 26))));

        (await host.Router.SendAsync(text, host.To(Phone), timeout.Token)).Succeeded.Should().BeTrue();

        var parts = await smsc.WaitForSubmitsAsync(3, timeout.Token);
        parts.Should().HaveCount(3);
        var udhs = parts.Select(p => p.GetProperty("short_message").GetProperty("udh")[0].GetString()!.ToUpperInvariant()).ToList();
        // The package lists information elements: IEI 00 (concatenation, 8-bit reference), length 3, ref, total, part.
        udhs.Select(u => u[..4]).Should().AllBe("0003");
        udhs.Select(u => u[4..6]).Distinct().Should().ContainSingle("all parts share one reference");
        udhs.Select(u => u[6..]).Should().Equal("0301", "0302", "0303");
        parts.Should().OnlyContain(p => (p.GetProperty("esm_class").GetInt32() & 0x40) != 0);
        string.Concat(parts.Select(Text)).Should().Be(text);
    }

    [PeerFact(NodeSmsc.Install, "node", Paths = [NodeSmsc.Modules])]
    public async Task Send_LongMessageWithSar_ServerGetsSarParameters()
    {
        await using var smsc = await NodeSmsc.StartAsync();
        await using var host = await SmppTestHost.StartAsync("127.0.0.1", smsc.Port, o => o.LongMessages = SmppLongMessageMode.Sar);
        using var timeout = Timeout();
        var text = new string('s', 200);

        (await host.Router.SendAsync(text, host.To(Phone), timeout.Token)).Succeeded.Should().BeTrue();

        var parts = await smsc.WaitForSubmitsAsync(2, timeout.Token);
        parts.Select(p => p.GetProperty("sar").GetProperty("seq").GetInt32()).Should().Equal(1, 2);
        parts.Should().OnlyContain(p => p.GetProperty("sar").GetProperty("total").GetInt32() == 2);
        parts.Select(p => p.GetProperty("sar").GetProperty("ref").GetInt32()).Distinct().Should().ContainSingle();
        string.Concat(parts.Select(Text)).Should().Be(text);
    }

    [PeerFact(NodeSmsc.Install, "node", Paths = [NodeSmsc.Modules])]
    public async Task Send_LongMessageAsPayload_ServerGetsOneSubmitWithMessagePayload()
    {
        await using var smsc = await NodeSmsc.StartAsync();
        await using var host = await SmppTestHost.StartAsync("127.0.0.1", smsc.Port, o => o.LongMessages = SmppLongMessageMode.MessagePayload);
        using var timeout = Timeout();
        var text = new string('p', 300);

        (await host.Router.SendAsync(text, host.To(Phone), timeout.Token)).Succeeded.Should().BeTrue();

        var submit = (await smsc.WaitForSubmitsAsync(1, timeout.Token)).Single();
        submit.GetProperty("message_payload").GetProperty("message").GetString().Should().Be(text);
    }

    [PeerFact(NodeSmsc.Install, "node", Paths = [NodeSmsc.Modules])]
    public async Task Receive_DeliverSm_RoutedToAppAndReplyGoesBackOut()
    {
        await using var smsc = await NodeSmsc.StartAsync();
        await using var host = await SmppTestHost.StartAsync("127.0.0.1", smsc.Port);
        using var timeout = Timeout();
        await smsc.WaitForEventAsync("bind", 1, timeout.Token);

        var status = await smsc.DeliverAsync(Phone, "echo karibu sana", timeout.Token);

        status.Should().Be(0, "deliver_sm_resp is ESME_ROK once the router has the message");
        host.App.Received.Should().ContainSingle("the answer is sent only after the apps had the message");
        var incoming = (await host.App.WaitForReceivedAsync(1, timeout.Token)).Single();
        incoming.Connection.Should().Be(host.To(Phone));
        incoming.Fields[SmppFields.DestinationAddress].Should().Be("8888");
        var reply = (await smsc.WaitForSubmitsAsync(1, timeout.Token)).Single();
        reply.GetProperty("destination_addr").GetString().Should().Be("256700000001");
        Text(reply).Should().Be("karibu sana");
    }

    [PeerFact(NodeSmsc.Install, "node", Paths = [NodeSmsc.Modules])]
    public async Task Receive_UnicodeDeliverSm_DecodedFromUcs2()
    {
        await using var smsc = await NodeSmsc.StartAsync();
        await using var host = await SmppTestHost.StartAsync("127.0.0.1", smsc.Port);
        using var timeout = Timeout();
        await smsc.WaitForEventAsync("bind", 1, timeout.Token);

        (await smsc.DeliverAsync(Phone, "Привет, мир 👋", timeout.Token)).Should().Be(0);

        (await host.App.WaitForReceivedAsync(1, timeout.Token)).Single().Text.Should().Be("Привет, мир 👋");
    }

    [PeerFact(NodeSmsc.Install, "node", Paths = [NodeSmsc.Modules])]
    public async Task Receive_ConcatenatedPartsOutOfOrder_ReassembledIntoOneMessage()
    {
        await using var smsc = await NodeSmsc.StartAsync();
        await using var host = await SmppTestHost.StartAsync("127.0.0.1", smsc.Port);
        using var timeout = Timeout();
        await smsc.WaitForEventAsync("bind", 1, timeout.Token);

        // Part 2 first; the backend holds its answer until part 1 completes the message.
        var second = smsc.DeliverAsync(Phone, "second half.", timeout.Token, udhHex: "0500037A0202");
        await Task.Delay(100, timeout.Token);
        host.App.Received.Should().BeEmpty();
        (await smsc.DeliverAsync(Phone, "First half, ", timeout.Token, udhHex: "0500037A0201")).Should().Be(0);
        (await second).Should().Be(0);

        var message = (await host.App.WaitForReceivedAsync(1, timeout.Token)).Single();
        message.Text.Should().Be("First half, second half.");
        message.Fields[SmppFields.Parts].Should().Be(2);
    }

    [PeerFact(NodeSmsc.Install, "node", Paths = [NodeSmsc.Modules])]
    public async Task Receive_AppFails_AnswersErrorSoSmscRetries()
    {
        await using var smsc = await NodeSmsc.StartAsync();
        await using var host = await SmppTestHost.StartAsync("127.0.0.1", smsc.Port);
        using var timeout = Timeout();
        await smsc.WaitForEventAsync("bind", 1, timeout.Token);
        host.App.Reject = _ => true;

        var status = await smsc.DeliverAsync(Phone, "this one is refused", timeout.Token);

        // The router logs and counts an app's exception but still accepts the message, so the status is OK;
        // refusal by the router itself (shutting down) is covered in StoppingTests.
        status.Should().BeOneOf(0, (int)SmppCommandStatus.ReceiverTemporaryAppError);
    }

    [PeerTheory(NodeSmsc.Install, "node", Paths = [NodeSmsc.Modules])]
    [InlineData(false, false)]
    [InlineData(true, false)]
    [InlineData(false, true)]
    public async Task Receipt_ForSentMessage_BecomesCorrelatedDeliveryReport(bool hexIds, bool withTlvs)
    {
        await using var smsc = hexIds ? await NodeSmsc.StartAsync("--hex-ids") : await NodeSmsc.StartAsync();
        await using var host = await SmppTestHost.StartAsync("127.0.0.1", smsc.Port);
        using var timeout = Timeout();
        var message = new OutgoingMessage(host.To(Phone), "please confirm");

        var result = await host.Router.SendOutgoingAsync(message, timeout.Token);
        var answeredId = result.Recipients.Single().BackendMessageId!;

        // A hex-answering SMSC reports the id in decimal.
        var reportedId = hexIds ? Convert.ToInt64(answeredId, 16).ToString(System.Globalization.CultureInfo.InvariantCulture) : answeredId;
        (await smsc.ReceiptAsync(reportedId, Phone, "DELIVRD", withTlvs, timeout.Token)).Should().Be(0);

        var report = (await host.App.WaitForReportsAsync(1, timeout.Token)).Single();
        report.MessageId.Should().Be(message.Id);
        report.Identity.Should().Be(Phone);
        report.Status.Should().Be(DeliveryStatus.Delivered);
        report.BackendMessageId.Should().Be(answeredId);
        report.Backend.Should().Be(SmppTestHost.BackendName);
    }

    [PeerFact(NodeSmsc.Install, "node", Paths = [NodeSmsc.Modules])]
    public async Task Receipt_LongMessage_ReportedOnceAllPartsAreFinal()
    {
        await using var smsc = await NodeSmsc.StartAsync("--auto-receipts");
        await using var host = await SmppTestHost.StartAsync("127.0.0.1", smsc.Port);
        using var timeout = Timeout();
        var message = new OutgoingMessage(host.To(Phone), new string('r', 300));

        (await host.Router.SendOutgoingAsync(message, timeout.Token)).Succeeded.Should().BeTrue();

        var report = (await host.App.WaitForReportsAsync(1, timeout.Token)).Single();
        report.MessageId.Should().Be(message.Id);
        report.Status.Should().Be(DeliveryStatus.Delivered);
        await Task.Delay(200, timeout.Token);
        host.App.Reports.Should().ContainSingle("two parts give one report");
    }

    [PeerFact(NodeSmsc.Install, "node", Paths = [NodeSmsc.Modules])]
    public async Task Send_ServerDropsConnectionMidStream_ReconnectsAndNoAcknowledgedMessageIsLostOrSentTwice()
    {
        await using var smsc = await NodeSmsc.StartAsync();
        await using var host = await SmppTestHost.StartAsync("127.0.0.1", smsc.Port, o => o.WindowSize = 5);
        using var timeout = Timeout(60);
        await host.WaitForBindAsync(timeout.Token);
        await smsc.SendAsync(new { cmd = "drop_at_submit", n = 40 });
        const int count = 100;

        var sends = Enumerable.Range(0, count).Select(i => host.Router.SendAsync($"message {i:D3}", host.To(Phone), timeout.Token).AsTask()).ToList();
        var results = await Task.WhenAll(sends);

        results.Should().OnlyContain(r => r.Succeeded);
        await smsc.WaitForEventAsync("bind", 2, timeout.Token);
        smsc.Events("dropped").Should().ContainSingle();

        // The server may have queued answers that never left it before the drop: those messages were not
        // acknowledged to us, so sending them again is right. What reached us as acknowledged must be the last copy.
        var received = smsc.Events("submit_sm").Select(e => (Text: Text(e), Id: e.TryGetProperty("message_id", out var id) ? id.GetString() : null)).ToList();
        var acknowledged = results.Select(r => r.Recipients.Single().BackendMessageId).ToList();
        acknowledged.Should().OnlyHaveUniqueItems();
        foreach (var id in acknowledged)
        {
            var at = received.FindIndex(r => r.Id == id);
            at.Should().BeGreaterThanOrEqualTo(0, $"the server answered id {id}");
            received.Skip(at + 1).Should().NotContain(r => r.Text == received[at].Text, "an acknowledged message is never sent again");
        }

        received.Select(r => r.Text).Distinct().Should().BeEquivalentTo(Enumerable.Range(0, count).Select(i => $"message {i:D3}"), "no message is lost");
    }

    [PeerFact(NodeSmsc.Install, "node", Paths = [NodeSmsc.Modules])]
    public async Task Send_ServerThrottles_PausesAndResendsSamePduFirst()
    {
        await using var smsc = await NodeSmsc.StartAsync();
        await using var host = await SmppTestHost.StartAsync("127.0.0.1", smsc.Port, o =>
        {
            o.ThrottlePause = TimeSpan.FromMilliseconds(200);
            o.WindowSize = 1;
        });
        using var timeout = Timeout();
        await host.WaitForBindAsync(timeout.Token);
        await smsc.SendAsync(new { cmd = "throttle", count = 3, status = 0x58 });
        await Task.Delay(100, timeout.Token);

        for (var i = 0; i < 5; i++)
        {
            (await host.Router.SendAsync($"in order {i}", host.To(Phone), timeout.Token)).Succeeded.Should().BeTrue();
        }

        smsc.Events("throttled").Should().HaveCount(3);
        var acked = await smsc.WaitForSubmitsAsync(5, timeout.Token);
        acked.Select(Text).Should().Equal(Enumerable.Range(0, 5).Select(i => $"in order {i}"));
        host.Logs.Records.Should().Contain(r => r.EventId.Id == 5014);
    }

    [PeerFact(NodeSmsc.Install, "node", Paths = [NodeSmsc.Modules])]
    public async Task Send_TenThousandMessagesThroughTheWindow_NoneLost()
    {
        await using var smsc = await NodeSmsc.StartAsync();
        await using var host = await SmppTestHost.StartAsync("127.0.0.1", smsc.Port, o => o.RegisteredDelivery = 0);
        using var timeout = Timeout(120);
        await host.WaitForBindAsync(timeout.Token);
        const int count = 10_000;

        var failures = 0;
        await Parallel.ForEachAsync(Enumerable.Range(0, count), new ParallelOptions { MaxDegreeOfParallelism = 32, CancellationToken = timeout.Token }, async (i, ct) =>
        {
            var result = await host.Router.SendAsync($"bulk {i}", host.To(Phone), ct);
            if (!result.Succeeded)
            {
                Interlocked.Increment(ref failures);
            }
        });

        failures.Should().Be(0);
        var acked = await smsc.WaitForSubmitsAsync(count, timeout.Token);
        acked.Select(Text).Distinct().Should().HaveCount(count);
    }

    [PeerFact(NodeSmsc.Install, "node", Paths = [NodeSmsc.Modules])]
    public async Task Tls_ServerWithSelfSignedCertificate_BindsSendsAndReceives()
    {
        var directory = Peers.CreateTempDirectory("smpp-tls");
        try
        {
            var (key, cert) = WriteSelfSignedCertificate(directory);
            await using var smsc = await NodeSmsc.StartAsync("--tls-key", key, "--tls-cert", cert);
            await using var host = await SmppTestHost.StartAsync("127.0.0.1", smsc.Port, o =>
            {
                o.UseTls = true;
                o.TlsTargetHost = "localhost";
                o.AllowInvalidCertificate = true;
            });
            using var timeout = Timeout();
            await host.WaitForBindAsync(timeout.Token);

            (await host.Router.SendAsync("over TLS", host.To(Phone), timeout.Token)).Succeeded.Should().BeTrue();
            Text((await smsc.WaitForSubmitsAsync(1, timeout.Token)).Single()).Should().Be("over TLS");
            (await smsc.DeliverAsync(Phone, "back over TLS", timeout.Token)).Should().Be(0);
            (await host.App.WaitForReceivedAsync(1, timeout.Token)).Single().Text.Should().Be("back over TLS");
        }
        finally
        {
            Directory.Delete(directory, recursive: true);
        }
    }

    [PeerFact(NodeSmsc.Install, "node", Paths = [NodeSmsc.Modules])]
    public async Task Tls_UntrustedCertificateNotAllowed_DoesNotBind()
    {
        var directory = Peers.CreateTempDirectory("smpp-tls");
        try
        {
            var (key, cert) = WriteSelfSignedCertificate(directory);
            await using var smsc = await NodeSmsc.StartAsync("--tls-key", key, "--tls-cert", cert);
            await using var host = await SmppTestHost.StartAsync("127.0.0.1", smsc.Port, o =>
            {
                o.UseTls = true;
                o.TlsTargetHost = "localhost";
            });
            using var timeout = Timeout();

            while (!host.Logs.Records.Any(r => r.EventId.Id == 5002))
            {
                await Task.Delay(20, timeout.Token);
            }

            host.Backend.IsBound.Should().BeFalse();
            smsc.Events("bind").Should().BeEmpty();
        }
        finally
        {
            Directory.Delete(directory, recursive: true);
        }
    }

    private static (string Key, string Cert) WriteSelfSignedCertificate(string directory)
    {
        using var rsa = System.Security.Cryptography.RSA.Create(2048);
        var request = new System.Security.Cryptography.X509Certificates.CertificateRequest(
            "CN=localhost", rsa, System.Security.Cryptography.HashAlgorithmName.SHA256, System.Security.Cryptography.RSASignaturePadding.Pkcs1);
        using var certificate = request.CreateSelfSigned(DateTimeOffset.Now.AddDays(-1), DateTimeOffset.Now.AddDays(1));
        var key = Path.Combine(directory, "key.pem");
        var cert = Path.Combine(directory, "cert.pem");
        File.WriteAllText(key, rsa.ExportPkcs8PrivateKeyPem());
        File.WriteAllText(cert, certificate.ExportCertificatePem());
        return (key, cert);
    }

    [PeerFact(NodeSmsc.Install, "node", Paths = [NodeSmsc.Modules])]
    public async Task Stop_Bound_UnbindsCleanly()
    {
        await using var smsc = await NodeSmsc.StartAsync();
        var host = await SmppTestHost.StartAsync("127.0.0.1", smsc.Port);
        using var timeout = Timeout();
        await host.WaitForBindAsync(timeout.Token);

        await host.DisposeAsync();

        await smsc.WaitForEventAsync("unbind", 1, timeout.Token);
    }
}

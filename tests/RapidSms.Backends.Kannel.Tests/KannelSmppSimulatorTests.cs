using System.Globalization;
using RapidSms.Backends.Smpp.Protocol;
using RapidSms.Testing;
using RapidSms.Tests.Shared;

namespace RapidSms.Backends.Kannel.Tests;

/// <summary>
/// RapidSms.Testing's <see cref="SmppSimulator"/> against an SMPP client that is not ours: Kannel's bearerbox bound
/// as a transceiver. The Kannel backend sends through sendsms, bearerbox submits to the simulator, and what the
/// simulator delivers (messages, receipts) comes back through smsbox to the app.
/// </summary>
public sealed class KannelSmppSimulatorTests : IAsyncLifetime
{
    private const string Handset = "+256700000031";

    private readonly CancellationTokenSource _timeout = new(TimeSpan.FromSeconds(20));
    private KannelSmppPeer? _kannel;
    private RapidSmsTestHost? _host;

    private KannelSmppPeer Kannel => _kannel!;

    private SmppSimulator Smsc => Kannel.Simulator;

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
    public async Task Send_ThroughKannel_ArrivesAtSimulatorAsSubmitSm()
    {
        await StartAsync();

        var result = await Host.Router.SendAsync("Habari, your clinic visit is tomorrow @ 10:00", new Connection("kannel", Handset), _timeout.Token);

        result.Succeeded.Should().BeTrue();
        var submission = (await WaitAsync(() => Smsc.WaitForSubmissionsAsync(1, _timeout.Token))).Single();
        submission.To.Should().Be(Handset, "Kannel sends a + number as TON 1 without the +");
        submission.Pdu.Destination.Ton.Should().Be(1);
        submission.From.Should().Be(KannelBoxes.ShortCode);
        submission.Pdu.DataCoding.Should().Be(SmppText.DataCodingDefault);
        submission.Text.Should().Be("Habari, your clinic visit is tomorrow @ 10:00");
        submission.Concatenation.Should().BeNull();
        Smsc.BoundSessions.Should().Be(1);
    }

    [PeerFact(KannelPeer.Install, "bearerbox", "smsbox")]
    public async Task Send_NonGsmText_ArrivesAsUcs2()
    {
        await StartAsync();
        const string text = "مرحبا بكم في العيادة 👋";

        (await Host.Router.SendAsync(text, new Connection("kannel", Handset), _timeout.Token)).Succeeded.Should().BeTrue();

        var message = (await WaitAsync(() => Smsc.WaitForMessagesAsync(1, _timeout.Token))).Single();
        message.Text.Should().Be(text);
        message.To.Should().Be(Handset);
        message.Parts.Should().ContainSingle().Which.Pdu.DataCoding.Should().Be(SmppText.DataCodingUcs2);
    }

    [PeerFact(KannelPeer.Install, "bearerbox", "smsbox")]
    public async Task Send_LongText_ArrivesInConcatenatedPartsTheSimulatorJoins()
    {
        await StartAsync();
        var text = string.Concat(Enumerable.Range(0, 50).Select(i => $"part {i % 10:D1} ok"))[..400];

        (await Host.Router.SendAsync(text, new Connection("kannel", Handset), _timeout.Token)).Succeeded.Should().BeTrue();

        var message = (await WaitAsync(() => Smsc.WaitForMessagesAsync(1, _timeout.Token))).Single();
        message.Text.Should().Be(text);
        message.Parts.Should().HaveCount(3, "400 GSM characters take 3 parts of at most 153");
        message.Parts.Select(p => p.Concatenation!.Value.Sequence).Should().Equal((byte)1, (byte)2, (byte)3);
        message.Parts.Should().OnlyContain(p => p.Concatenation!.Value.Total == 3 && (p.Pdu.EsmClass & 0x40) != 0);
        message.Parts.Select(p => p.Concatenation!.Value.Reference).Distinct().Should().ContainSingle();
        Smsc.Submissions.Should().HaveCount(3);
    }

    [PeerFact(KannelPeer.Install, "bearerbox", "smsbox")]
    public async Task Receive_FromSimulator_ReachesAppThroughSmsbox()
    {
        await StartAsync();

        var status = await Smsc.SendMessageAsync(Handset, KannelBoxes.ShortCode, "ping from the network", _timeout.Token);
        var unicode = await Smsc.SendMessageAsync("+256700000032", KannelBoxes.ShortCode, "مرحبا 👋", _timeout.Token);

        status.Should().Be(SmppCommandStatus.Ok, "Kannel accepts the deliver_sm");
        unicode.Should().Be(SmppCommandStatus.Ok);
        var received = await WaitAsync(() => Host.App.WaitForReceivedAsync(2, _timeout.Token));
        received.Select(m => (m.Connection.Identity, m.Text)).Should().BeEquivalentTo(
            [(Handset, "ping from the network"), ("+256700000032", "مرحبا 👋")]);
        received.Should().OnlyContain(m => m.Connection.Backend == "kannel" && Equals(m.Fields["kannel.smsc"], "simulator") && Equals(m.Fields["kannel.to"], KannelBoxes.ShortCode));
    }

    [PeerFact(KannelPeer.Install, "bearerbox", "smsbox")]
    public async Task Receive_LongMessageFromSimulator_KannelJoinsItForTheApp()
    {
        await StartAsync();
        var text = string.Concat(Enumerable.Repeat("0123456789", 35));

        var status = await Smsc.SendMessageAsync(Handset, KannelBoxes.ShortCode, text, _timeout.Token);

        status.Should().Be(SmppCommandStatus.Ok);
        var received = (await WaitAsync(() => Host.App.WaitForReceivedAsync(1, _timeout.Token))).Single();
        received.Text.Should().Be(text);
        received.Connection.Identity.Should().Be(Handset);
    }

    // 20 messages, so that the simulator's ids pass 16: "00000010" in hexadecimal is 16, read as decimal it is 10,
    // and a Kannel told the wrong msg-id-type would pin the receipt on another message.
    [PeerTheory(KannelPeer.Install, "bearerbox", "smsbox")]
    [InlineData(false)]
    [InlineData(true)]
    public async Task Receipts_FromSimulator_KannelMatchesThemAndReportsDelivered(bool hexMessageIds)
    {
        await StartAsync(hexMessageIds);
        var messages = Enumerable.Range(0, 20)
            .Select(i => new OutgoingMessage(new Connection("kannel", $"+2567000001{i:D2}"), $"please confirm {i}"))
            .ToList();

        foreach (var message in messages)
        {
            (await Host.Router.SendOutgoingAsync(message, _timeout.Token)).Succeeded.Should().BeTrue();
        }

        var submissions = await WaitAsync(() => Smsc.WaitForSubmissionsAsync(messages.Count, _timeout.Token));
        submissions.Should().OnlyContain(s => s.Pdu.RegisteredDelivery != 0, "the backend asks Kannel for delivery reports");
        var reports = await WaitAsync(() => Host.App.WaitForReportsAsync(2 * messages.Count, _timeout.Token));
        foreach (var message in messages)
        {
            var submission = submissions.Single(s => s.To == message.Connection.Identity);
            var simulatorId = long.Parse(submission.MessageId, hexMessageIds ? NumberStyles.HexNumber : NumberStyles.None, CultureInfo.InvariantCulture)
                .ToString(CultureInfo.InvariantCulture);
            var mine = reports.Where(r => r.MessageId == message.Id).ToList();
            mine.Select(r => r.Status).Should().BeEquivalentTo([DeliveryStatus.Sent, DeliveryStatus.Delivered], "Kannel reports the SMSC's acknowledgement, then the receipt");
            mine.Should().OnlyContain(r => r.Identity == message.Connection.Identity && r.Backend == "kannel");
            mine.Select(r => r.BackendMessageId).Should().AllBe(simulatorId, "Kannel reads the submit_sm_resp id as msg-id-type says");
            var delivered = mine.Single(r => r.Status == DeliveryStatus.Delivered);
            delivered.IsFinal.Should().BeTrue();
            delivered.Detail.Should().Contain($" id:{simulatorId} sub:").And.Contain("stat:DELIVRD");
        }
    }

    private async Task StartAsync(bool hexMessageIds = false)
    {
        _kannel = await KannelSmppPeer.StartAsync(hexMessageIds);
        _host = await RapidSmsTestHost.StartAsync(rapid => rapid.AddBackend("kannel", b => b.UseKannel(o => _kannel.Configure(o))));
    }

    private async Task<T> WaitAsync<T>(Func<Task<T>> wait)
    {
        try
        {
            return await wait();
        }
        catch (OperationCanceledException ex)
        {
            throw new TimeoutException("Timed out waiting on Kannel and the simulator." + Environment.NewLine + Kannel.DescribeLogs(), ex);
        }
    }
}

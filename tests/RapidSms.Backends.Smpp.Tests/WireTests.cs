using RapidSms.Backends.Smpp.Protocol;
using RapidSms.Backends.Smpp.Tests.Infrastructure;

namespace RapidSms.Backends.Smpp.Tests;

/// <summary>The session's framing and robustness, with exact octets from a raw loopback server.</summary>
public sealed class WireTests
{
    private static CancellationTokenSource Timeout() => new(TimeSpan.FromSeconds(30));

    // The raw server does not answer unbind: keep the wait for unbind_resp at stop short.
    private static void Quick(SmppOptions options) => options.RequestTimeout = TimeSpan.FromSeconds(1);

    private static byte[] DeliverSm(uint sequence, string text) => SmppPduCodec.Encode(new SmppPdu(SmppCommandId.DeliverSm, sequence)
    {
        Source = new SmppAddress(1, 1, "256700000001"),
        Destination = new SmppAddress(0, 1, "8888"),
        DataCoding = SmppText.DataCodingLatin1,
        ShortMessage = System.Text.Encoding.Latin1.GetBytes(text),
    });

    [Fact]
    public async Task Bind_SentAsTransceiverVersion34WithCredentials()
    {
        await using var smsc = new RawSmsc();
        await using var host = await SmppTestHost.StartAsync("127.0.0.1", smsc.Port, o => { o.SystemType = "VMA"; Quick(o); });
        using var timeout = Timeout();

        await smsc.AcceptAsync(timeout.Token);
        var bind = await smsc.ReadPduAsync(timeout.Token);

        bind.CommandId.Should().Be(SmppCommandId.BindTransceiver);
        bind.InterfaceVersion.Should().Be(0x34);
        bind.SystemId.Should().Be("rapidsms");
        bind.Password.Should().Be("secret");
        bind.SystemType.Should().Be("VMA");
    }

    [Fact]
    public async Task DeliverSm_SplitIntoSingleOctets_StillFramedAndAnsweredWithSameSequence()
    {
        await using var smsc = new RawSmsc();
        await using var host = await SmppTestHost.StartAsync("127.0.0.1", smsc.Port, Quick);
        using var timeout = Timeout();
        await smsc.AcceptAndBindAsync(timeout.Token);

        var frame = DeliverSm(77, "one octet at a time");
        foreach (var octet in frame)
        {
            await smsc.WriteAsync(new[] { octet }, timeout.Token);
        }

        var answer = await smsc.ReadUntilAsync(SmppCommandId.DeliverSmResp, timeout.Token);
        answer.SequenceNumber.Should().Be(77);
        answer.Status.Should().Be(SmppCommandStatus.Ok);
        host.App.Received.Single().Text.Should().Be("one octet at a time");
    }

    [Fact]
    public async Task ManyPdus_InOneWrite_AllFramedInOrder()
    {
        await using var smsc = new RawSmsc();
        await using var host = await SmppTestHost.StartAsync("127.0.0.1", smsc.Port, Quick);
        using var timeout = Timeout();
        await smsc.AcceptAndBindAsync(timeout.Token);

        var batch = Enumerable.Range(1, 20).SelectMany(i => DeliverSm((uint)i, $"batched {i}")).ToArray();
        await smsc.WriteAsync(batch, timeout.Token);

        var sequences = new List<uint>();
        while (sequences.Count < 20)
        {
            sequences.Add((await smsc.ReadUntilAsync(SmppCommandId.DeliverSmResp, timeout.Token)).SequenceNumber);
        }

        sequences.Should().Equal(Enumerable.Range(1, 20).Select(i => (uint)i));
        host.App.Received.Select(m => m.Text).Should().Equal(Enumerable.Range(1, 20).Select(i => $"batched {i}"));
    }

    [Fact]
    public async Task UnknownCommand_AnsweredWithGenericNackAndLinkStays()
    {
        await using var smsc = new RawSmsc();
        await using var host = await SmppTestHost.StartAsync("127.0.0.1", smsc.Port, Quick);
        using var timeout = Timeout();
        await smsc.AcceptAndBindAsync(timeout.Token);

        var unknown = new byte[16];
        SmppPduCodec.WriteHeader(unknown, new SmppHeader(16, (SmppCommandId)0x00000042, SmppCommandStatus.Ok, 5));
        await smsc.WriteAsync(unknown, timeout.Token);

        var nack = await smsc.ReadUntilAsync(SmppCommandId.GenericNack, timeout.Token);
        nack.SequenceNumber.Should().Be(5);
        nack.Status.Should().Be(SmppCommandStatus.InvalidCommandId);

        await smsc.WriteAsync(DeliverSm(6, "still bound"), timeout.Token);
        (await smsc.ReadUntilAsync(SmppCommandId.DeliverSmResp, timeout.Token)).SequenceNumber.Should().Be(6);
    }

    [Fact]
    public async Task ImpossibleCommandLength_NackedThenLinkClosedAndRebound()
    {
        await using var smsc = new RawSmsc();
        await using var host = await SmppTestHost.StartAsync("127.0.0.1", smsc.Port, Quick);
        using var timeout = Timeout();
        await smsc.AcceptAndBindAsync(timeout.Token);

        var huge = new byte[16];
        SmppPduCodec.WriteHeader(huge, new SmppHeader(0x7FFFFFFF, SmppCommandId.DeliverSm, SmppCommandStatus.Ok, 9));
        await smsc.WriteAsync(huge, timeout.Token);

        var nack = await smsc.ReadUntilAsync(SmppCommandId.GenericNack, timeout.Token);
        nack.Status.Should().Be(SmppCommandStatus.InvalidCommandLength);
        (await smsc.IsClosedByPeerAsync(timeout.Token)).Should().BeTrue();
        host.Logs.Records.Should().Contain(r => r.EventId.Id == 5009);

        await smsc.AcceptAndBindAsync(timeout.Token);
        await host.WaitForBindAsync(timeout.Token);
    }

    [Fact]
    public async Task SubmitSmResp_ErrorWithoutBody_FailsTheMessageWithThatStatus()
    {
        await using var smsc = new RawSmsc();
        await using var host = await SmppTestHost.StartAsync("127.0.0.1", smsc.Port, Quick);
        using var timeout = Timeout();
        await smsc.AcceptAndBindAsync(timeout.Token);
        await host.WaitForBindAsync(timeout.Token);

        var sending = host.Router.SendAsync("refused", host.To("+256700000001"), timeout.Token).AsTask();
        var submit = await smsc.ReadUntilAsync(SmppCommandId.SubmitSm, timeout.Token);
        var answer = new byte[16];
        SmppPduCodec.WriteHeader(answer, new SmppHeader(16, SmppCommandId.SubmitSmResp, SmppCommandStatus.InvalidSourceAddress, submit.SequenceNumber));
        await smsc.WriteAsync(answer, timeout.Token);

        var failure = (await sending).Failures.Should().ContainSingle().Which;
        failure.Error.Should().Contain("InvalidSourceAddress");
        failure.IsTransient.Should().BeFalse();
    }
}

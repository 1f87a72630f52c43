using System.Buffers.Binary;
using System.Net.Sockets;
using System.Text;
using RapidSms.Backends.Smpp.Protocol;

namespace RapidSms.Testing.Tests;

/// <summary>The simulator's delivery receipts on the wire, read by a bare ESME over loopback.</summary>
public sealed class SmppSimulatorReceiptTests
{
    [Fact]
    public async Task AutoReceipt_IsAddressedFromHandsetToOriginalSenderWithRealDates()
    {
        using var timeout = new CancellationTokenSource(TimeSpan.FromSeconds(10));
        var clock = new ManualTimeProvider(new DateTimeOffset(2026, 11, 22, 10, 30, 15, TimeSpan.Zero));
        await using var smsc = SmppSimulator.Start(new SmppSimulatorOptions { AutoReceipts = true, TimeProvider = clock });
        using var esme = new TcpClient();
        await esme.ConnectAsync(smsc.Host, smsc.Port, timeout.Token);
        var stream = esme.GetStream();

        await WriteAsync(stream, new SmppPdu(SmppCommandId.BindTransceiver, 1) { SystemId = "esme", Password = "pw" }, timeout.Token);
        (await ReadAsync(stream, timeout.Token)).Status.Should().Be(SmppCommandStatus.Ok);
        await WriteAsync(stream, new SmppPdu(SmppCommandId.SubmitSm, 2)
        {
            Source = new SmppAddress(0, 1, "12345"),
            Destination = new SmppAddress(1, 1, "256700000001"),
            RegisteredDelivery = 1,
            ShortMessage = Encoding.ASCII.GetBytes("hi"),
        }, timeout.Token);
        var response = await ReadAsync(stream, timeout.Token);
        var receipt = await ReadAsync(stream, timeout.Token);

        response.CommandId.Should().Be(SmppCommandId.SubmitSmResp);
        receipt.CommandId.Should().Be(SmppCommandId.DeliverSm);
        (receipt.EsmClass & 0x3C).Should().Be(0x04, "esm_class marks an SMSC delivery receipt");
        receipt.Source.Should().Be(new SmppAddress(1, 1, "256700000001"), "the receipt comes from the handset the message went to");
        receipt.Destination.Should().Be(new SmppAddress(0, 1, "12345"), "the receipt goes to the sender of the original message");
        SmppDeliveryReceipt.TryParse(Encoding.ASCII.GetString(receipt.ShortMessage.Span), out var text).Should().BeTrue();
        text!.Id.Should().Be(response.MessageId);
        text.State.Should().Be("DELIVRD");
        text.SubmitDate.Should().Be("2611221030", "appendix B dates are YYMMDDhhmm");
        text.DoneDate.Should().Be("2611221030");
    }

    [Fact]
    public async Task SendReceipt_ForRecordedMessage_IsAddressedToOriginalSenderWithSubmitAndDoneDates()
    {
        using var timeout = new CancellationTokenSource(TimeSpan.FromSeconds(10));
        var clock = new ManualTimeProvider(new DateTimeOffset(2026, 11, 22, 10, 30, 0, TimeSpan.Zero));
        await using var smsc = SmppSimulator.Start(new SmppSimulatorOptions { TimeProvider = clock });
        using var esme = new TcpClient();
        await esme.ConnectAsync(smsc.Host, smsc.Port, timeout.Token);
        var stream = esme.GetStream();
        await WriteAsync(stream, new SmppPdu(SmppCommandId.BindTransceiver, 1) { SystemId = "esme" }, timeout.Token);
        await ReadAsync(stream, timeout.Token);
        await WriteAsync(stream, new SmppPdu(SmppCommandId.SubmitSm, 2)
        {
            Source = new SmppAddress(5, 0, "Clinic"),
            Destination = new SmppAddress(1, 1, "256700000002"),
            ShortMessage = Encoding.ASCII.GetBytes("hi"),
        }, timeout.Token);
        var messageId = (await ReadAsync(stream, timeout.Token)).MessageId;

        clock.Advance(TimeSpan.FromMinutes(75));
        var answered = smsc.SendReceiptAsync(messageId, "+256700000002", "UNDELIV", cancellationToken: timeout.Token);
        var receipt = await ReadAsync(stream, timeout.Token);
        await WriteAsync(stream, new SmppPdu(SmppCommandId.DeliverSmResp, receipt.SequenceNumber), timeout.Token);

        (await answered).Should().Be(SmppCommandStatus.Ok);
        receipt.Source.Should().Be(new SmppAddress(1, 1, "256700000002"));
        receipt.Destination.Should().Be(new SmppAddress(5, 0, "Clinic"));
        SmppDeliveryReceipt.TryParse(Encoding.ASCII.GetString(receipt.ShortMessage.Span), out var text).Should().BeTrue();
        text!.State.Should().Be("UNDELIV");
        text.SubmitDate.Should().Be("2611221030", "the message was accepted then");
        text.DoneDate.Should().Be("2611221145", "it reached its final state then");
    }

    private static async Task WriteAsync(NetworkStream stream, SmppPdu pdu, CancellationToken cancellationToken) =>
        await stream.WriteAsync(SmppPduCodec.Encode(pdu), cancellationToken);

    private static async Task<SmppPdu> ReadAsync(NetworkStream stream, CancellationToken cancellationToken)
    {
        var header = new byte[4];
        await stream.ReadExactlyAsync(header, cancellationToken);
        var frame = new byte[BinaryPrimitives.ReadUInt32BigEndian(header)];
        header.CopyTo(frame, 0);
        await stream.ReadExactlyAsync(frame.AsMemory(4), cancellationToken);
        SmppPduCodec.TryDecode(frame, out var pdu, out var error).Should().BeTrue("the simulator sends well-formed PDUs ({0})", error);
        return pdu!;
    }
}

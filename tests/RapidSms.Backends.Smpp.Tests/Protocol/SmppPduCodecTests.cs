using RapidSms.Backends.Smpp.Protocol;

namespace RapidSms.Backends.Smpp.Tests.Protocol;

public sealed class SmppPduCodecTests
{
    // bind_transmitter, seq 1, system_id "SMPP3TEST", password "secret08", system_type "SUBMIT1",
    // interface_version 0x34, addr_ton 1, addr_npi 1, address_range empty: written out field by field from SMPP 3.4 section 4.1.1.
    private const string BindTransmitterHex =
        "0000002F" + "00000002" + "00000000" + "00000001" +
        "534D50503354455354" + "00" + "7365637265743038" + "00" + "5355424D495431" + "00" + "34" + "01" + "01" + "00";

    [Fact]
    public void TryDecode_BindTransmitterFromSpecFields_ReadsEveryField()
    {
        var frame = Convert.FromHexString(BindTransmitterHex);

        SmppPduCodec.TryDecode(frame, out var pdu, out var error).Should().BeTrue(error.Reason);

        pdu!.CommandId.Should().Be(SmppCommandId.BindTransmitter);
        pdu.SequenceNumber.Should().Be(1);
        pdu.SystemId.Should().Be("SMPP3TEST");
        pdu.Password.Should().Be("secret08");
        pdu.SystemType.Should().Be("SUBMIT1");
        pdu.InterfaceVersion.Should().Be(0x34);
        pdu.AddressRange.Should().Be(new SmppAddress(1, 1, string.Empty));
    }

    [Fact]
    public void Encode_BindTransmitter_MatchesSpecOctets()
    {
        var pdu = new SmppPdu(SmppCommandId.BindTransmitter, 1)
        {
            SystemId = "SMPP3TEST",
            Password = "secret08",
            SystemType = "SUBMIT1",
            AddressRange = new SmppAddress(1, 1, string.Empty),
        };

        Convert.ToHexString(SmppPduCodec.Encode(pdu)).Should().Be(BindTransmitterHex);
    }

    [Fact]
    public void ToString_Bind_NeverShowsPassword()
    {
        var pdu = new SmppPdu(SmppCommandId.BindTransceiver) { SystemId = "user", Password = "hunter2" };

        pdu.ToString().Should().Contain("user").And.NotContain("hunter2");
    }

    public static TheoryData<SmppPdu> EveryCommand()
    {
        var submit = new SmppPdu(SmppCommandId.SubmitSm, 7)
        {
            ServiceType = "CMT",
            Source = new SmppAddress(5, 0, "RapidSMS"),
            Destination = new SmppAddress(1, 1, "256700000001"),
            EsmClass = 0x40,
            RegisteredDelivery = 1,
            DataCoding = 8,
            ValidityPeriod = "000001000000000R",
            ShortMessage = new byte[] { 5, 0, 3, 9, 2, 1, 0, 0x41 },
        };
        submit.Tlvs.Add(SmppTlv.FromUInt16(SmppTlvTag.SarMessageReferenceNumber, 513));
        var multi = new SmppPdu(SmppCommandId.SubmitMulti, 8) { Source = new SmppAddress(0, 1, "8888"), ShortMessage = "hi"u8.ToArray() };
        multi.Destinations.Add(new SmppMultiDestination(new SmppAddress(1, 1, "256700000001")));
        multi.Destinations.Add(new SmppMultiDestination(SmppAddress.Empty, "staff"));
        var multiResp = new SmppPdu(SmppCommandId.SubmitMultiResp, 8) { MessageId = "m1" };
        multiResp.UnsuccessfulDestinations.Add(new SmppUnsuccessfulDestination(new SmppAddress(1, 1, "256700000009"), SmppCommandStatus.InvalidDestinationAddress));
        var dataSm = new SmppPdu(SmppCommandId.DataSm, 9) { Source = new SmppAddress(1, 1, "256700000001"), Destination = new SmppAddress(0, 1, "8888"), DataCoding = 0 };
        dataSm.Tlvs.Add(new SmppTlv(SmppTlvTag.MessagePayload, "long text"u8.ToArray()));
        var alert = new SmppPdu(SmppCommandId.AlertNotification, 10) { Source = new SmppAddress(1, 1, "256700000001"), Destination = new SmppAddress(0, 0, "esme") };
        alert.Tlvs.Add(SmppTlv.FromByte(SmppTlvTag.MsAvailabilityStatus, 0));
        var bindResp = new SmppPdu(SmppCommandId.BindTransceiverResp, 1) { SystemId = "SMSC" };
        bindResp.Tlvs.Add(SmppTlv.FromByte(SmppTlvTag.ScInterfaceVersion, 0x34));

        return
        [
            new SmppPdu(SmppCommandId.BindReceiver, 1) { SystemId = "a", Password = "b", SystemType = "c", AddressRange = new SmppAddress(1, 1, "2567*") },
            new SmppPdu(SmppCommandId.BindTransceiver, 2) { SystemId = "a" },
            bindResp,
            new SmppPdu(SmppCommandId.BindTransmitterResp, 3) { SystemId = "SMSC" },
            new SmppPdu(SmppCommandId.Outbind, 4) { SystemId = "SMSC", Password = "pw" },
            new SmppPdu(SmppCommandId.Unbind, 5),
            new SmppPdu(SmppCommandId.UnbindResp, 5),
            new SmppPdu(SmppCommandId.EnquireLink, 6),
            new SmppPdu(SmppCommandId.EnquireLinkResp, 6),
            new SmppPdu(SmppCommandId.GenericNack, 6, SmppCommandStatus.InvalidCommandId),
            submit,
            new SmppPdu(SmppCommandId.SubmitSmResp, 7) { MessageId = "0A1B2C" },
            multi,
            multiResp,
            new SmppPdu(SmppCommandId.DeliverSm, 11) { Source = new SmppAddress(1, 1, "256700000001"), EsmClass = 4, ShortMessage = "id:1 stat:DELIVRD"u8.ToArray() },
            new SmppPdu(SmppCommandId.DeliverSmResp, 11),
            dataSm,
            new SmppPdu(SmppCommandId.DataSmResp, 9) { MessageId = "d1" },
            new SmppPdu(SmppCommandId.QuerySm, 12) { MessageId = "q1", Source = new SmppAddress(0, 1, "8888") },
            new SmppPdu(SmppCommandId.QuerySmResp, 12) { MessageId = "q1", FinalDate = "261122010203000+", MessageState = 2, ErrorCode = 0 },
            new SmppPdu(SmppCommandId.CancelSm, 13) { MessageId = "c1", Source = new SmppAddress(0, 1, "8888"), Destination = new SmppAddress(1, 1, "256700000001") },
            new SmppPdu(SmppCommandId.CancelSmResp, 13),
            new SmppPdu(SmppCommandId.ReplaceSm, 14) { MessageId = "r1", Source = new SmppAddress(0, 1, "8888"), RegisteredDelivery = 1, ShortMessage = "new"u8.ToArray() },
            new SmppPdu(SmppCommandId.ReplaceSmResp, 14),
            alert,
        ];
    }

    [Theory]
    [MemberData(nameof(EveryCommand))]
    public void EncodeThenDecode_EveryCommand_RoundTripsEveryField(SmppPdu pdu)
    {
        var encoded = SmppPduCodec.Encode(pdu);

        SmppPduCodec.TryDecode(encoded, out var decoded, out var error).Should().BeTrue(error.Reason);
        decoded.Should().BeEquivalentTo(pdu, o => o.ComparingByMembers<SmppPdu>().Excluding(p => p.ShortMessage).Excluding(p => p.Tlvs));
        decoded!.ShortMessage.ToArray().Should().Equal(pdu.ShortMessage.ToArray());
        decoded.Tlvs.Select(t => (t.Tag, Convert.ToHexString(t.Value.Span))).Should().Equal(pdu.Tlvs.Select(t => (t.Tag, Convert.ToHexString(t.Value.Span))));
        SmppPduCodec.Encode(decoded).Should().Equal(encoded);
    }

    [Theory]
    [MemberData(nameof(EveryCommand))]
    public void TryDecode_EveryTruncation_FailsWithStatusInsteadOfThrowing(SmppPdu pdu)
    {
        var encoded = SmppPduCodec.Encode(pdu);

        for (var length = 0; length < encoded.Length; length++)
        {
            var cut = encoded.AsSpan(0, length).ToArray();
            if (cut.Length >= 4)
            {
                // A truncated body whose header claims exactly what is there.
                System.Buffers.Binary.BinaryPrimitives.WriteUInt32BigEndian(cut, (uint)cut.Length);
            }

            var decoded = SmppPduCodec.TryDecode(cut, out _, out var error);
            if (!decoded)
            {
                error.Status.Should().BeOneOf(SmppCommandStatus.InvalidCommandLength, SmppCommandStatus.InvalidCommandId);
                error.Reason.Should().NotBeNullOrEmpty();
            }
        }
    }

    [Fact]
    public void TryDecode_UnknownCommand_AsksForInvalidCommandIdNack()
    {
        var frame = new byte[16];
        SmppPduCodec.WriteHeader(frame, new SmppHeader(16, (SmppCommandId)0x00000077, SmppCommandStatus.Ok, 3));

        SmppPduCodec.TryDecode(frame, out _, out var error).Should().BeFalse();

        error.Status.Should().Be(SmppCommandStatus.InvalidCommandId);
    }

    [Fact]
    public void TryDecode_LengthDisagreesWithHeader_AsksForInvalidCommandLengthNack()
    {
        var frame = SmppPduCodec.Encode(new SmppPdu(SmppCommandId.EnquireLink, 1));

        SmppPduCodec.TryDecode([.. frame, 0], out _, out var error).Should().BeFalse();

        error.Status.Should().Be(SmppCommandStatus.InvalidCommandLength);
    }

    [Fact]
    public void TryDecode_SmLengthBeyondEnd_FailsNamingTheField()
    {
        var pdu = new SmppPdu(SmppCommandId.DeliverSm, 1) { ShortMessage = "hello"u8.ToArray() };
        var frame = SmppPduCodec.Encode(pdu);
        frame[frame.Length - 6] = 200; // sm_length

        SmppPduCodec.TryDecode(frame, out _, out var error).Should().BeFalse();

        error.Reason.Should().Contain("short_message");
    }

    [Fact]
    public void TryDecode_UnterminatedString_FailsInsteadOfReadingOn()
    {
        var frame = Convert.FromHexString("0000001A" + "00000004" + "00000000" + "00000001" + "434D54" + "01" + "01" + "3132" + "3334" + "35");
        SmppPduCodec.TryDecode(frame, out _, out var error).Should().BeFalse();
        error.Status.Should().Be(SmppCommandStatus.InvalidCommandLength);
    }

    [Fact]
    public void TryDecode_StringLongerThanSpecAllows_Fails()
    {
        var pdu = new SmppPdu(SmppCommandId.BindTransmitter, 1) { SystemId = "fifteen-chars-x" };
        var frame = SmppPduCodec.Encode(pdu);
        var longer = new List<byte>(frame);
        longer.Insert(16, (byte)'y');
        var bytes = longer.ToArray();
        System.Buffers.Binary.BinaryPrimitives.WriteUInt32BigEndian(bytes, (uint)bytes.Length);

        SmppPduCodec.TryDecode(bytes, out _, out var error).Should().BeFalse();

        error.Reason.Should().Contain("system_id");
    }

    [Fact]
    public void Encode_FieldTooLong_Throws()
    {
        var pdu = new SmppPdu(SmppCommandId.BindTransmitter) { SystemId = new string('x', 16) };

        FluentActions.Invoking(() => SmppPduCodec.Encode(pdu)).Should().Throw<ArgumentException>().WithMessage("*system_id*");
    }

    [Fact]
    public void TryReadMessageId_ErrorResponseWithoutBody_GivesEmptyId()
    {
        SmppPduCodec.TryReadMessageId([], out var id).Should().BeTrue();
        id.Should().BeEmpty();
    }

    [Fact]
    public void CreateResponse_Request_KeepsSequenceAndSetsResponseBit()
    {
        var response = new SmppPdu(SmppCommandId.DeliverSm, 42).CreateResponse(SmppCommandStatus.ReceiverTemporaryAppError);

        response.CommandId.Should().Be(SmppCommandId.DeliverSmResp);
        response.SequenceNumber.Should().Be(42);
        response.Status.Should().Be(SmppCommandStatus.ReceiverTemporaryAppError);
    }
}

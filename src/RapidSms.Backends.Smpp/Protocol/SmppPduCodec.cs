using System.Buffers;
using System.Buffers.Binary;
using System.Diagnostics.CodeAnalysis;
using System.Text;

namespace RapidSms.Backends.Smpp.Protocol;

/// <summary>
/// Encodes and decodes SMPP 3.4 PDUs. Decoding is bounds-checked and never throws for bad input: it
/// reports a <see cref="SmppDecodeError"/> whose status is what to answer in a generic_nack.
/// </summary>
public static class SmppPduCodec
{
    /// <summary>The length of the PDU header: 16 octets.</summary>
    public const int HeaderLength = 16;

    /// <summary>The interface version this codec speaks: 0x34 (SMPP 3.4).</summary>
    public const byte InterfaceVersion34 = 0x34;

    /// <summary>The largest short_message: 254 octets.</summary>
    public const int MaxShortMessageLength = 254;

    /// <summary>Reads the header at the start of <paramref name="buffer"/>.</summary>
    /// <param name="buffer">At least <see cref="HeaderLength"/> octets.</param>
    /// <param name="header">The header.</param>
    /// <returns><see langword="false"/> when fewer than 16 octets are available.</returns>
    public static bool TryReadHeader(ReadOnlySpan<byte> buffer, out SmppHeader header)
    {
        if (buffer.Length < HeaderLength)
        {
            header = default;
            return false;
        }

        header = new SmppHeader(
            BinaryPrimitives.ReadUInt32BigEndian(buffer),
            (SmppCommandId)BinaryPrimitives.ReadUInt32BigEndian(buffer[4..]),
            (SmppCommandStatus)BinaryPrimitives.ReadUInt32BigEndian(buffer[8..]),
            BinaryPrimitives.ReadUInt32BigEndian(buffer[12..]));
        return true;
    }

    /// <summary>Writes a header.</summary>
    /// <param name="destination">At least 16 octets.</param>
    /// <param name="header">The header.</param>
    public static void WriteHeader(Span<byte> destination, SmppHeader header)
    {
        BinaryPrimitives.WriteUInt32BigEndian(destination, header.Length);
        BinaryPrimitives.WriteUInt32BigEndian(destination[4..], (uint)header.CommandId);
        BinaryPrimitives.WriteUInt32BigEndian(destination[8..], (uint)header.Status);
        BinaryPrimitives.WriteUInt32BigEndian(destination[12..], header.SequenceNumber);
    }

    /// <summary>Decodes one whole PDU (its header's command_length octets).</summary>
    /// <param name="frame">The PDU, header included.</param>
    /// <param name="pdu">The decoded PDU.</param>
    /// <param name="error">Why decoding failed, when it did.</param>
    /// <returns>Whether the PDU was decoded.</returns>
    public static bool TryDecode(ReadOnlySpan<byte> frame, [NotNullWhen(true)] out SmppPdu? pdu, out SmppDecodeError error)
    {
        pdu = null;
        if (!TryReadHeader(frame, out var header))
        {
            error = new SmppDecodeError(SmppCommandStatus.InvalidCommandLength, $"a PDU needs at least {HeaderLength} octets, got {frame.Length}");
            return false;
        }

        if (header.Length != frame.Length)
        {
            error = new SmppDecodeError(SmppCommandStatus.InvalidCommandLength, $"command_length says {header.Length} octets but the PDU has {frame.Length}");
            return false;
        }

        var result = new SmppPdu(header.CommandId, header.SequenceNumber, header.Status);
        var reader = new SmppSpanReader(frame[HeaderLength..]);
        if (!DecodeBody(ref reader, result))
        {
            error = new SmppDecodeError(SmppCommandStatus.InvalidCommandId, $"unknown command_id 0x{(uint)header.CommandId:X8}");
            return false;
        }

        if (reader.Error is { } problem)
        {
            error = new SmppDecodeError(SmppCommandStatus.InvalidCommandLength, $"{header.CommandId} seq {header.SequenceNumber}: {problem}");
            return false;
        }

        error = default;
        pdu = result;
        return true;
    }

    /// <summary>
    /// Reads the message_id of a submit_sm_resp, data_sm_resp or submit_multi_resp without decoding the rest;
    /// an empty body (error responses may omit it) gives an empty id.
    /// </summary>
    /// <param name="body">The PDU body, after the header.</param>
    /// <param name="messageId">The id.</param>
    /// <returns><see langword="false"/> when the id is not NUL-terminated or too long.</returns>
    public static bool TryReadMessageId(ReadOnlySpan<byte> body, out string messageId)
    {
        if (body.IsEmpty)
        {
            messageId = string.Empty;
            return true;
        }

        var end = body.IndexOf((byte)0);
        if (end < 0 || end > 64)
        {
            messageId = string.Empty;
            return false;
        }

        messageId = end == 0 ? string.Empty : Encoding.Latin1.GetString(body[..end]);
        return true;
    }

    /// <summary>Encodes a PDU into a new array.</summary>
    /// <param name="pdu">The PDU.</param>
    /// <returns>The PDU's octets.</returns>
    /// <exception cref="ArgumentException">A field is longer than SMPP allows.</exception>
    public static byte[] Encode(SmppPdu pdu)
    {
        ArgumentNullException.ThrowIfNull(pdu);
        var buffer = ArrayPool<byte>.Shared.Rent(GetMaxEncodedLength(pdu));
        try
        {
            var length = Encode(pdu, buffer);
            return buffer.AsSpan(0, length).ToArray();
        }
        finally
        {
            ArrayPool<byte>.Shared.Return(buffer);
        }
    }

    /// <summary>An upper bound of the encoded length of <paramref name="pdu"/>, to size a buffer for <see cref="Encode(SmppPdu, Span{byte})"/>.</summary>
    /// <param name="pdu">The PDU.</param>
    public static int GetMaxEncodedLength(SmppPdu pdu)
    {
        ArgumentNullException.ThrowIfNull(pdu);
        var length = HeaderLength + 64 + pdu.ShortMessage.Length
            + pdu.SystemId.Length + pdu.Password.Length + pdu.SystemType.Length + pdu.AddressRange.Address.Length
            + pdu.ServiceType.Length + pdu.Source.Address.Length + pdu.Destination.Address.Length
            + pdu.ScheduleDeliveryTime.Length + pdu.ValidityPeriod.Length + pdu.MessageId.Length + pdu.FinalDate.Length;
        if (pdu.HasDestinations)
        {
            foreach (var destination in pdu.Destinations)
            {
                length += 4 + destination.Address.Address.Length + (destination.DistributionList?.Length ?? 0);
            }
        }

        if (pdu.HasUnsuccessfulDestinations)
        {
            foreach (var failed in pdu.UnsuccessfulDestinations)
            {
                length += 8 + failed.Address.Address.Length;
            }
        }

        if (pdu.HasTlvs)
        {
            foreach (var tlv in pdu.Tlvs)
            {
                length += 4 + tlv.Value.Length;
            }
        }

        return length;
    }

    /// <summary>Encodes a PDU into <paramref name="destination"/>, setting command_length.</summary>
    /// <param name="pdu">The PDU.</param>
    /// <param name="destination">At least <see cref="GetMaxEncodedLength"/> octets.</param>
    /// <returns>How many octets were written.</returns>
    /// <exception cref="ArgumentException">A field is longer than SMPP allows, or the destination is too small.</exception>
    public static int Encode(SmppPdu pdu, Span<byte> destination)
    {
        ArgumentNullException.ThrowIfNull(pdu);
        if (destination.Length < GetMaxEncodedLength(pdu))
        {
            throw new ArgumentException($"The destination needs at least {GetMaxEncodedLength(pdu)} octets.", nameof(destination));
        }

        var writer = new SmppSpanWriter(destination);
        writer.WriteUInt32(0);
        writer.WriteUInt32((uint)pdu.CommandId);
        writer.WriteUInt32((uint)pdu.Status);
        writer.WriteUInt32(pdu.SequenceNumber);
        EncodeBody(ref writer, pdu);
        BinaryPrimitives.WriteUInt32BigEndian(destination, (uint)writer.Position);
        return writer.Position;
    }

    private static bool DecodeBody(ref SmppSpanReader r, SmppPdu p)
    {
        switch (p.CommandId)
        {
            case SmppCommandId.BindTransmitter or SmppCommandId.BindReceiver or SmppCommandId.BindTransceiver:
                p.SystemId = r.ReadCString("system_id", 16);
                p.Password = r.ReadCString("password", 9);
                p.SystemType = r.ReadCString("system_type", 13);
                p.InterfaceVersion = r.ReadByte("interface_version");
                p.AddressRange = r.ReadAddress("address_range", 41);
                break;
            case SmppCommandId.BindTransmitterResp or SmppCommandId.BindReceiverResp or SmppCommandId.BindTransceiverResp:
                if (r.Remaining > 0)
                {
                    p.SystemId = r.ReadCString("system_id", 16);
                    ReadTlvs(ref r, p);
                }

                break;
            case SmppCommandId.Outbind:
                p.SystemId = r.ReadCString("system_id", 16);
                p.Password = r.ReadCString("password", 9);
                break;
            case SmppCommandId.Unbind or SmppCommandId.UnbindResp or SmppCommandId.EnquireLink or SmppCommandId.EnquireLinkResp
                or SmppCommandId.GenericNack or SmppCommandId.CancelSmResp or SmppCommandId.ReplaceSmResp:
                break;
            case SmppCommandId.SubmitSm or SmppCommandId.DeliverSm:
                p.ServiceType = r.ReadCString("service_type", 6);
                p.Source = r.ReadAddress("source_addr", 21);
                p.Destination = r.ReadAddress("destination_addr", 21);
                ReadMessageFields(ref r, p);
                break;
            case SmppCommandId.SubmitMulti:
                p.ServiceType = r.ReadCString("service_type", 6);
                p.Source = r.ReadAddress("source_addr", 21);
                var count = r.ReadByte("number_of_dests");
                for (var i = 0; i < count && r.Error is null; i++)
                {
                    var flag = r.ReadByte("dest_flag");
                    if (flag == 1)
                    {
                        p.Destinations.Add(new SmppMultiDestination(r.ReadAddress("dest_address", 21)));
                    }
                    else if (flag == 2)
                    {
                        p.Destinations.Add(new SmppMultiDestination(SmppAddress.Empty, r.ReadCString("dl_name", 21)));
                    }
                    else
                    {
                        r.Fail($"dest_flag {flag} is neither 1 (SME address) nor 2 (distribution list)");
                    }
                }

                ReadMessageFields(ref r, p);
                break;
            case SmppCommandId.SubmitSmResp or SmppCommandId.DeliverSmResp:
                if (r.Remaining > 0)
                {
                    p.MessageId = r.ReadCString("message_id", 65);
                }

                break;
            case SmppCommandId.SubmitMultiResp:
                if (r.Remaining > 0)
                {
                    p.MessageId = r.ReadCString("message_id", 65);
                    var failed = r.ReadByte("no_unsuccess");
                    for (var i = 0; i < failed && r.Error is null; i++)
                    {
                        var address = r.ReadAddress("dest_addr", 21);
                        p.UnsuccessfulDestinations.Add(new SmppUnsuccessfulDestination(address, (SmppCommandStatus)r.ReadUInt32("error_status_code")));
                    }
                }

                break;
            case SmppCommandId.DataSm:
                p.ServiceType = r.ReadCString("service_type", 6);
                p.Source = r.ReadAddress("source_addr", 65);
                p.Destination = r.ReadAddress("destination_addr", 65);
                p.EsmClass = r.ReadByte("esm_class");
                p.RegisteredDelivery = r.ReadByte("registered_delivery");
                p.DataCoding = r.ReadByte("data_coding");
                ReadTlvs(ref r, p);
                break;
            case SmppCommandId.DataSmResp:
                if (r.Remaining > 0)
                {
                    p.MessageId = r.ReadCString("message_id", 65);
                    ReadTlvs(ref r, p);
                }

                break;
            case SmppCommandId.QuerySm:
                p.MessageId = r.ReadCString("message_id", 65);
                p.Source = r.ReadAddress("source_addr", 21);
                break;
            case SmppCommandId.QuerySmResp:
                if (r.Remaining > 0)
                {
                    p.MessageId = r.ReadCString("message_id", 65);
                    p.FinalDate = r.ReadCString("final_date", 17);
                    p.MessageState = r.ReadByte("message_state");
                    p.ErrorCode = r.ReadByte("error_code");
                }

                break;
            case SmppCommandId.CancelSm:
                p.ServiceType = r.ReadCString("service_type", 6);
                p.MessageId = r.ReadCString("message_id", 65);
                p.Source = r.ReadAddress("source_addr", 21);
                p.Destination = r.ReadAddress("destination_addr", 21);
                break;
            case SmppCommandId.ReplaceSm:
                p.MessageId = r.ReadCString("message_id", 65);
                p.Source = r.ReadAddress("source_addr", 21);
                p.ScheduleDeliveryTime = r.ReadCString("schedule_delivery_time", 17);
                p.ValidityPeriod = r.ReadCString("validity_period", 17);
                p.RegisteredDelivery = r.ReadByte("registered_delivery");
                p.DefaultMessageId = r.ReadByte("sm_default_msg_id");
                var length = r.ReadByte("sm_length");
                p.ShortMessage = r.ReadOctets("short_message", length).ToArray();
                break;
            case SmppCommandId.AlertNotification:
                p.Source = r.ReadAddress("source_addr", 65);
                p.Destination = r.ReadAddress("esme_addr", 65);
                ReadTlvs(ref r, p);
                break;
            default:
                return false;
        }

        if (r.Error is null && r.Remaining > 0 && !HasTlvs(p.CommandId))
        {
            r.Fail($"{r.Remaining} octets follow the last field");
        }

        return true;
    }

    private static bool HasTlvs(SmppCommandId command) => command is SmppCommandId.SubmitSm or SmppCommandId.DeliverSm
        or SmppCommandId.SubmitMulti or SmppCommandId.DataSm or SmppCommandId.DataSmResp or SmppCommandId.AlertNotification
        or SmppCommandId.BindTransmitterResp or SmppCommandId.BindReceiverResp or SmppCommandId.BindTransceiverResp;

    private static void ReadMessageFields(ref SmppSpanReader r, SmppPdu p)
    {
        p.EsmClass = r.ReadByte("esm_class");
        p.ProtocolId = r.ReadByte("protocol_id");
        p.PriorityFlag = r.ReadByte("priority_flag");
        p.ScheduleDeliveryTime = r.ReadCString("schedule_delivery_time", 17);
        p.ValidityPeriod = r.ReadCString("validity_period", 17);
        p.RegisteredDelivery = r.ReadByte("registered_delivery");
        p.ReplaceIfPresent = r.ReadByte("replace_if_present_flag");
        p.DataCoding = r.ReadByte("data_coding");
        p.DefaultMessageId = r.ReadByte("sm_default_msg_id");
        var length = r.ReadByte("sm_length");
        p.ShortMessage = r.ReadOctets("short_message", length).ToArray();
        ReadTlvs(ref r, p);
    }

    private static void ReadTlvs(ref SmppSpanReader r, SmppPdu p)
    {
        while (r.Error is null && r.Remaining > 0)
        {
            if (r.Remaining < 4)
            {
                r.Fail($"{r.Remaining} octets after the last field are too few for an optional parameter");
                return;
            }

            var tag = r.ReadUInt16("tag");
            var length = r.ReadUInt16("length");
            var value = r.ReadOctets($"optional parameter 0x{tag:X4}", length);
            if (r.Error is null)
            {
                p.Tlvs.Add(new SmppTlv(tag, value.ToArray()));
            }
        }
    }

    private static void EncodeBody(ref SmppSpanWriter w, SmppPdu p)
    {
        switch (p.CommandId)
        {
            case SmppCommandId.BindTransmitter or SmppCommandId.BindReceiver or SmppCommandId.BindTransceiver:
                w.WriteCString(Check(p.SystemId, 16, "system_id"));
                w.WriteCString(Check(p.Password, 9, "password"));
                w.WriteCString(Check(p.SystemType, 13, "system_type"));
                w.WriteByte(p.InterfaceVersion);
                WriteAddress(ref w, p.AddressRange, 41, "address_range");
                break;
            case SmppCommandId.BindTransmitterResp or SmppCommandId.BindReceiverResp or SmppCommandId.BindTransceiverResp:
                w.WriteCString(Check(p.SystemId, 16, "system_id"));
                WriteTlvs(ref w, p);
                break;
            case SmppCommandId.Outbind:
                w.WriteCString(Check(p.SystemId, 16, "system_id"));
                w.WriteCString(Check(p.Password, 9, "password"));
                break;
            case SmppCommandId.Unbind or SmppCommandId.UnbindResp or SmppCommandId.EnquireLink or SmppCommandId.EnquireLinkResp
                or SmppCommandId.GenericNack or SmppCommandId.CancelSmResp or SmppCommandId.ReplaceSmResp:
                break;
            case SmppCommandId.SubmitSm or SmppCommandId.DeliverSm:
                w.WriteCString(Check(p.ServiceType, 6, "service_type"));
                WriteAddress(ref w, p.Source, 21, "source_addr");
                WriteAddress(ref w, p.Destination, 21, "destination_addr");
                WriteMessageFields(ref w, p);
                break;
            case SmppCommandId.SubmitMulti:
                w.WriteCString(Check(p.ServiceType, 6, "service_type"));
                WriteAddress(ref w, p.Source, 21, "source_addr");
                if (!p.HasDestinations || p.Destinations.Count > 255)
                {
                    throw new ArgumentException($"submit_multi needs 1 to 255 destinations, not {(p.HasDestinations ? p.Destinations.Count : 0)}.", nameof(p));
                }

                w.WriteByte((byte)p.Destinations.Count);
                foreach (var destination in p.Destinations)
                {
                    if (destination.DistributionList is { } list)
                    {
                        w.WriteByte(2);
                        w.WriteCString(Check(list, 21, "dl_name"));
                    }
                    else
                    {
                        w.WriteByte(1);
                        WriteAddress(ref w, destination.Address, 21, "dest_address");
                    }
                }

                WriteMessageFields(ref w, p);
                break;
            case SmppCommandId.SubmitSmResp or SmppCommandId.DeliverSmResp:
                w.WriteCString(Check(p.MessageId, 65, "message_id"));
                break;
            case SmppCommandId.SubmitMultiResp:
                w.WriteCString(Check(p.MessageId, 65, "message_id"));
                w.WriteByte(checked((byte)(p.HasUnsuccessfulDestinations ? p.UnsuccessfulDestinations.Count : 0)));
                foreach (var failed in p.HasUnsuccessfulDestinations ? p.UnsuccessfulDestinations : [])
                {
                    WriteAddress(ref w, failed.Address, 21, "dest_addr");
                    w.WriteUInt32((uint)failed.Status);
                }

                break;
            case SmppCommandId.DataSm:
                w.WriteCString(Check(p.ServiceType, 6, "service_type"));
                WriteAddress(ref w, p.Source, 65, "source_addr");
                WriteAddress(ref w, p.Destination, 65, "destination_addr");
                w.WriteByte(p.EsmClass);
                w.WriteByte(p.RegisteredDelivery);
                w.WriteByte(p.DataCoding);
                WriteTlvs(ref w, p);
                break;
            case SmppCommandId.DataSmResp:
                w.WriteCString(Check(p.MessageId, 65, "message_id"));
                WriteTlvs(ref w, p);
                break;
            case SmppCommandId.QuerySm:
                w.WriteCString(Check(p.MessageId, 65, "message_id"));
                WriteAddress(ref w, p.Source, 21, "source_addr");
                break;
            case SmppCommandId.QuerySmResp:
                w.WriteCString(Check(p.MessageId, 65, "message_id"));
                w.WriteCString(Check(p.FinalDate, 17, "final_date"));
                w.WriteByte(p.MessageState);
                w.WriteByte(p.ErrorCode);
                break;
            case SmppCommandId.CancelSm:
                w.WriteCString(Check(p.ServiceType, 6, "service_type"));
                w.WriteCString(Check(p.MessageId, 65, "message_id"));
                WriteAddress(ref w, p.Source, 21, "source_addr");
                WriteAddress(ref w, p.Destination, 21, "destination_addr");
                break;
            case SmppCommandId.ReplaceSm:
                w.WriteCString(Check(p.MessageId, 65, "message_id"));
                WriteAddress(ref w, p.Source, 21, "source_addr");
                w.WriteCString(Check(p.ScheduleDeliveryTime, 17, "schedule_delivery_time"));
                w.WriteCString(Check(p.ValidityPeriod, 17, "validity_period"));
                w.WriteByte(p.RegisteredDelivery);
                w.WriteByte(p.DefaultMessageId);
                WriteShortMessage(ref w, p);
                break;
            case SmppCommandId.AlertNotification:
                WriteAddress(ref w, p.Source, 65, "source_addr");
                WriteAddress(ref w, p.Destination, 65, "esme_addr");
                WriteTlvs(ref w, p);
                break;
            default:
                throw new ArgumentException($"Cannot encode command_id 0x{(uint)p.CommandId:X8}.", nameof(p));
        }
    }

    private static void WriteMessageFields(ref SmppSpanWriter w, SmppPdu p)
    {
        w.WriteByte(p.EsmClass);
        w.WriteByte(p.ProtocolId);
        w.WriteByte(p.PriorityFlag);
        w.WriteCString(Check(p.ScheduleDeliveryTime, 17, "schedule_delivery_time"));
        w.WriteCString(Check(p.ValidityPeriod, 17, "validity_period"));
        w.WriteByte(p.RegisteredDelivery);
        w.WriteByte(p.ReplaceIfPresent);
        w.WriteByte(p.DataCoding);
        w.WriteByte(p.DefaultMessageId);
        WriteShortMessage(ref w, p);
        WriteTlvs(ref w, p);
    }

    private static void WriteShortMessage(ref SmppSpanWriter w, SmppPdu p)
    {
        if (p.ShortMessage.Length > MaxShortMessageLength)
        {
            throw new ArgumentException($"short_message is {p.ShortMessage.Length} octets, more than {MaxShortMessageLength}: use message_payload or split it.", nameof(p));
        }

        w.WriteByte((byte)p.ShortMessage.Length);
        w.WriteOctets(p.ShortMessage.Span);
    }

    private static void WriteTlvs(ref SmppSpanWriter w, SmppPdu p)
    {
        if (!p.HasTlvs)
        {
            return;
        }

        foreach (var tlv in p.Tlvs)
        {
            if (tlv.Value.Length > ushort.MaxValue)
            {
                throw new ArgumentException($"Optional parameter 0x{tlv.Tag:X4} is longer than 65535 octets.", nameof(p));
            }

            w.WriteUInt16(tlv.Tag);
            w.WriteUInt16((ushort)tlv.Value.Length);
            w.WriteOctets(tlv.Value.Span);
        }
    }

    private static void WriteAddress(ref SmppSpanWriter w, SmppAddress address, int max, string field)
    {
        Check(address.Address ?? string.Empty, max, field);
        w.WriteAddress(address with { Address = address.Address ?? string.Empty });
    }

    private static string Check(string value, int max, string field)
    {
        ArgumentNullException.ThrowIfNull(value, field);
        if (value.Length + 1 > max)
        {
            throw new ArgumentException($"{field} may be at most {max - 1} characters, not {value.Length}.", field);
        }

        return value;
    }
}

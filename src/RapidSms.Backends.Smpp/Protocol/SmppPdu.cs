using System.Text;

namespace RapidSms.Backends.Smpp.Protocol;

/// <summary>
/// One SMPP 3.4 PDU with the fields of every command an ESME sends or receives; a command uses the
/// fields its definition lists and ignores the others. Encode with <see cref="SmppPduCodec.Encode(SmppPdu)"/>, decode
/// with <see cref="SmppPduCodec.TryDecode"/>.
/// </summary>
/// <remarks><see cref="ToString"/> never shows <see cref="Password"/>.</remarks>
public sealed class SmppPdu
{
    private List<SmppMultiDestination>? _destinations;
    private List<SmppUnsuccessfulDestination>? _unsuccessful;
    private List<SmppTlv>? _tlvs;

    /// <summary>Creates a PDU.</summary>
    /// <param name="commandId">The command.</param>
    /// <param name="sequenceNumber">The sequence number; responses repeat the request's.</param>
    /// <param name="status">The command status (responses, generic_nack).</param>
    public SmppPdu(SmppCommandId commandId, uint sequenceNumber = 0, SmppCommandStatus status = SmppCommandStatus.Ok)
    {
        CommandId = commandId;
        SequenceNumber = sequenceNumber;
        Status = status;
    }

    /// <summary>The command.</summary>
    public SmppCommandId CommandId { get; }

    /// <summary>The command status.</summary>
    public SmppCommandStatus Status { get; set; }

    /// <summary>The sequence number.</summary>
    public uint SequenceNumber { get; set; }

    /// <summary>Whether this is a response (bit 31 of the command id set).</summary>
    public bool IsResponse => ((uint)CommandId & 0x80000000) != 0;

    /// <summary>system_id (binds, bind responses, outbind).</summary>
    public string SystemId { get; set; } = string.Empty;

    /// <summary>password (binds, outbind). Never logged.</summary>
    public string Password { get; set; } = string.Empty;

    /// <summary>system_type (binds).</summary>
    public string SystemType { get; set; } = string.Empty;

    /// <summary>interface_version (binds); 0x34 for SMPP 3.4.</summary>
    public byte InterfaceVersion { get; set; } = 0x34;

    /// <summary>addr_ton, addr_npi and address_range (binds).</summary>
    public SmppAddress AddressRange { get; set; } = SmppAddress.Empty;

    /// <summary>service_type (submit_sm, submit_multi, deliver_sm, data_sm, cancel_sm).</summary>
    public string ServiceType { get; set; } = string.Empty;

    /// <summary>The source address (messages, query_sm, cancel_sm, replace_sm, alert_notification).</summary>
    public SmppAddress Source { get; set; } = SmppAddress.Empty;

    /// <summary>The destination address (submit_sm, deliver_sm, data_sm, cancel_sm); the ESME address in alert_notification.</summary>
    public SmppAddress Destination { get; set; } = SmppAddress.Empty;

    /// <summary>The destinations of submit_multi.</summary>
    public IList<SmppMultiDestination> Destinations => _destinations ??= [];

    /// <summary>esm_class: messaging mode, type (receipt bits 2–5) and the UDH indicator (0x40).</summary>
    public byte EsmClass { get; set; }

    /// <summary>protocol_id.</summary>
    public byte ProtocolId { get; set; }

    /// <summary>priority_flag.</summary>
    public byte PriorityFlag { get; set; }

    /// <summary>schedule_delivery_time, in SMPP time format or empty.</summary>
    public string ScheduleDeliveryTime { get; set; } = string.Empty;

    /// <summary>validity_period, in SMPP time format or empty.</summary>
    public string ValidityPeriod { get; set; } = string.Empty;

    /// <summary>registered_delivery: 1 asks for a final delivery receipt.</summary>
    public byte RegisteredDelivery { get; set; }

    /// <summary>replace_if_present_flag.</summary>
    public byte ReplaceIfPresent { get; set; }

    /// <summary>data_coding: 0 SMSC default, 3 Latin-1, 8 UCS2, 4 binary, …</summary>
    public byte DataCoding { get; set; }

    /// <summary>sm_default_msg_id.</summary>
    public byte DefaultMessageId { get; set; }

    /// <summary>short_message octets, with the UDH first when <see cref="EsmClass"/> has 0x40 set (at most 254 octets).</summary>
    public ReadOnlyMemory<byte> ShortMessage { get; set; }

    /// <summary>message_id (responses of submits, query_sm, cancel_sm, replace_sm).</summary>
    public string MessageId { get; set; } = string.Empty;

    /// <summary>final_date (query_sm_resp).</summary>
    public string FinalDate { get; set; } = string.Empty;

    /// <summary>message_state (query_sm_resp).</summary>
    public byte MessageState { get; set; }

    /// <summary>error_code (query_sm_resp).</summary>
    public byte ErrorCode { get; set; }

    /// <summary>The destinations submit_multi_resp reports as failed.</summary>
    public IList<SmppUnsuccessfulDestination> UnsuccessfulDestinations => _unsuccessful ??= [];

    /// <summary>Optional parameters, in wire order.</summary>
    public IList<SmppTlv> Tlvs => _tlvs ??= [];

    internal bool HasDestinations => _destinations is { Count: > 0 };

    internal bool HasUnsuccessfulDestinations => _unsuccessful is { Count: > 0 };

    internal bool HasTlvs => _tlvs is { Count: > 0 };

    /// <summary>The first optional parameter with <paramref name="tag"/>, or <see langword="null"/>.</summary>
    /// <param name="tag">The tag.</param>
    public SmppTlv? FindTlv(ushort tag)
    {
        if (_tlvs is null)
        {
            return null;
        }

        foreach (var tlv in _tlvs)
        {
            if (tlv.Tag == tag)
            {
                return tlv;
            }
        }

        return null;
    }

    /// <summary>A response to this request with the same sequence number.</summary>
    /// <param name="status">The status to answer with.</param>
    /// <exception cref="InvalidOperationException">This PDU is a response or generic_nack.</exception>
    public SmppPdu CreateResponse(SmppCommandStatus status = SmppCommandStatus.Ok)
    {
        if (IsResponse)
        {
            throw new InvalidOperationException($"{CommandId} is a response; it has no response.");
        }

        return new SmppPdu((SmppCommandId)((uint)CommandId | 0x80000000), SequenceNumber, status);
    }

    /// <summary>Describes the PDU for diagnostics, without the password or message content.</summary>
    public override string ToString()
    {
        var text = new StringBuilder();
        text.Append(CommandId).Append(" seq=").Append(SequenceNumber);
        if (IsResponse)
        {
            text.Append(" status=").Append(Status);
        }

        if (SystemId.Length > 0)
        {
            text.Append(" system_id=").Append(SystemId);
        }

        if (MessageId.Length > 0)
        {
            text.Append(" message_id=").Append(MessageId);
        }

        if (Source.Address.Length > 0)
        {
            text.Append(" from=").Append(Source.Address);
        }

        if (Destination.Address.Length > 0)
        {
            text.Append(" to=").Append(Destination.Address);
        }

        if (!ShortMessage.IsEmpty)
        {
            text.Append(" sm_length=").Append(ShortMessage.Length);
        }

        return text.ToString();
    }
}

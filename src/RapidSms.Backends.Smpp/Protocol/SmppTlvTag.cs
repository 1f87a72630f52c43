namespace RapidSms.Backends.Smpp.Protocol;

/// <summary>Tags of the SMPP 3.4 optional parameters (TLVs) this package reads or writes.</summary>
public static class SmppTlvTag
{
    /// <summary>dest_addr_subunit.</summary>
    public const ushort DestinationAddressSubunit = 0x0005;

    /// <summary>user_message_reference.</summary>
    public const ushort UserMessageReference = 0x0204;

    /// <summary>source_port.</summary>
    public const ushort SourcePort = 0x020A;

    /// <summary>destination_port.</summary>
    public const ushort DestinationPort = 0x020B;

    /// <summary>sar_msg_ref_num: reference of a segmented message (2 octets).</summary>
    public const ushort SarMessageReferenceNumber = 0x020C;

    /// <summary>sar_total_segments (1 octet).</summary>
    public const ushort SarTotalSegments = 0x020E;

    /// <summary>sar_segment_seqnum (1 octet, from 1).</summary>
    public const ushort SarSegmentSequenceNumber = 0x020F;

    /// <summary>sc_interface_version, in bind responses.</summary>
    public const ushort ScInterfaceVersion = 0x0210;

    /// <summary>message_payload: the text when it does not fit short_message.</summary>
    public const ushort MessagePayload = 0x0424;

    /// <summary>receipted_message_id: the SMSC message id a receipt is about.</summary>
    public const ushort ReceiptedMessageId = 0x001E;

    /// <summary>message_state: the final state a receipt reports (1 octet).</summary>
    public const ushort MessageState = 0x0427;

    /// <summary>network_error_code: 3 octets (network type, error code).</summary>
    public const ushort NetworkErrorCode = 0x0423;

    /// <summary>ms_availability_status, in alert_notification.</summary>
    public const ushort MsAvailabilityStatus = 0x0422;
}

namespace RapidSms.Backends.Smpp;

/// <summary>How text longer than one short message is sent.</summary>
public enum SmppLongMessageMode
{
    /// <summary>Split into parts with a concatenation user data header (8-bit reference), esm_class 0x40.</summary>
    Udh = 0,

    /// <summary>Split into parts tagged with the sar_msg_ref_num, sar_total_segments and sar_segment_seqnum optional parameters.</summary>
    Sar,

    /// <summary>One submit_sm with the whole text in the message_payload optional parameter; the SMSC splits it.</summary>
    MessagePayload,
}

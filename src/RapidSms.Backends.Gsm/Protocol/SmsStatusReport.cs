namespace RapidSms.Backends.Gsm.Protocol;

/// <summary>An SMS-STATUS-REPORT: what became of a message the modem sent (3GPP TS 23.040 §9.2.2.3).</summary>
public sealed class SmsStatusReport : SmsPdu
{
    /// <summary>The message reference of the SMS-SUBMIT this report is about (the <c>+CMGS</c> value).</summary>
    public byte MessageReference { get; init; }

    /// <summary>The recipient of the original message.</summary>
    public required SmsAddress Recipient { get; init; }

    /// <summary>When the service centre received the original message.</summary>
    public DateTimeOffset? ServiceCenterTimestamp { get; init; }

    /// <summary>When the message was delivered, or the last attempt failed.</summary>
    public DateTimeOffset? DischargeTime { get; init; }

    /// <summary>The TP-ST status octet: 0x00–0x1F completed, 0x20–0x3F still trying, 0x40–0x7F failed.</summary>
    public byte Status { get; init; }

    /// <summary>Whether the service centre is done with the message (delivered or given up).</summary>
    public bool IsFinal => Status < 0x20 || Status >= 0x40;

    /// <summary>The status as a <see cref="RapidSms.DeliveryStatus"/>.</summary>
    public DeliveryStatus DeliveryStatus => Status switch
    {
        < 0x20 => DeliveryStatus.Delivered,
        < 0x40 => DeliveryStatus.Queued,
        0x46 or 0x65 => DeliveryStatus.Expired,
        0x42 or 0x47 or 0x48 or 0x63 => DeliveryStatus.Rejected,
        _ => DeliveryStatus.Failed,
    };

    /// <summary>A short English description of <see cref="Status"/>.</summary>
    public string StatusDescription => Status switch
    {
        0x00 => "delivered",
        0x01 => "forwarded, delivery not confirmed",
        0x02 => "replaced by the service centre",
        < 0x20 => "completed",
        0x20 => "congestion, still trying",
        0x21 => "recipient busy, still trying",
        0x22 => "no response from recipient, still trying",
        0x23 => "service rejected, still trying",
        0x24 => "quality of service not available, still trying",
        0x25 => "error in recipient, still trying",
        < 0x40 => "temporary error, still trying",
        0x40 => "remote procedure error",
        0x41 => "incompatible destination",
        0x42 => "connection rejected by recipient",
        0x43 => "not obtainable",
        0x44 => "quality of service not available",
        0x45 => "no interworking available",
        0x46 => "validity period expired",
        0x47 => "deleted by the sender",
        0x48 => "deleted by the service centre",
        0x49 => "message does not exist",
        < 0x60 => "permanent error",
        0x60 => "congestion, given up",
        0x61 => "recipient busy, given up",
        0x62 => "no response from recipient, given up",
        0x63 => "service rejected, given up",
        0x64 => "quality of service not available, given up",
        0x65 => "error in recipient, given up",
        _ => "temporary error, given up",
    };

    internal static SmsStatusReport Read(ref PduReader reader, SmsAddress? serviceCenter, byte firstOctet)
    {
        var reference = reader.ReadByte("message reference");
        var recipient = ReadAddress(ref reader, "recipient address");
        var scts = ReadTimestamp(ref reader, "service centre timestamp");
        var discharge = ReadTimestamp(ref reader, "discharge time");
        var status = reader.ReadByte("status");

        // Optional parameter indicator, PID, DCS and user data follow on some networks; nothing here needs them.
        return new SmsStatusReport
        {
            ServiceCenter = serviceCenter,
            FirstOctet = firstOctet,
            MessageReference = reference,
            Recipient = recipient,
            ServiceCenterTimestamp = scts,
            DischargeTime = discharge,
            Status = status,
        };
    }
}

namespace RapidSms.Backends.Gsm.Protocol;

/// <summary>An SMS-DELIVER: a message from the network to the modem (3GPP TS 23.040 §9.2.2.1).</summary>
public sealed class SmsDeliver : SmsPdu
{
    /// <summary>Who sent the message.</summary>
    public required SmsAddress Originator { get; init; }

    /// <summary>The protocol identifier (TP-PID).</summary>
    public byte ProtocolIdentifier { get; init; }

    /// <summary>The data coding scheme octet (TP-DCS).</summary>
    public byte DataCodingScheme { get; init; }

    /// <summary>The alphabet the data coding scheme names.</summary>
    public SmsEncoding Encoding { get; init; }

    /// <summary>When the service centre received the message, with the sender's time zone; <see langword="null"/> when the PDU's timestamp is not a valid date.</summary>
    public DateTimeOffset? ServiceCenterTimestamp { get; init; }

    /// <summary>The user data header, when present.</summary>
    public UserDataHeader? Header { get; init; }

    /// <summary>The text (for 8-bit data, the octets read as Latin-1).</summary>
    public required string Text { get; init; }

    /// <summary>The user data after the header: septets for GSM 7-bit, octets otherwise.</summary>
    public ReadOnlyMemory<byte> Payload { get; init; }

    /// <summary>Whether the sender asked for a status report (TP-SRI).</summary>
    public bool StatusReportIndication => (FirstOctet & 0x20) != 0;

    /// <summary>This part's concatenation details, when it is one part of a long message.</summary>
    public ConcatenationInfo? Concatenation => Header?.Concatenation;

    internal static SmsDeliver Read(ref PduReader reader, SmsAddress? serviceCenter, byte firstOctet)
    {
        var originator = ReadAddress(ref reader, "originating address");
        var pid = reader.ReadByte("protocol identifier");
        var dcs = reader.ReadByte("data coding scheme");
        var timestamp = ReadTimestamp(ref reader, "service centre timestamp");
        var (header, text, payload) = ReadUserData(ref reader, (firstOctet & 0x40) != 0, dcs);
        return new SmsDeliver
        {
            ServiceCenter = serviceCenter,
            FirstOctet = firstOctet,
            Originator = originator,
            ProtocolIdentifier = pid,
            DataCodingScheme = dcs,
            Encoding = ReadDataCoding(dcs).Encoding,
            ServiceCenterTimestamp = timestamp,
            Header = header,
            Text = text,
            Payload = payload,
        };
    }
}

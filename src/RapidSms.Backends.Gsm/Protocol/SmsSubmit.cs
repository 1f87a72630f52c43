namespace RapidSms.Backends.Gsm.Protocol;

/// <summary>An SMS-SUBMIT: a message from the modem to the network (3GPP TS 23.040 §9.2.2.2).</summary>
public sealed class SmsSubmit : SmsPdu
{
    /// <summary>The message reference (TP-MR); modems usually replace it with their own.</summary>
    public byte MessageReference { get; init; }

    /// <summary>The recipient.</summary>
    public required SmsAddress Destination { get; init; }

    /// <summary>The protocol identifier (TP-PID).</summary>
    public byte ProtocolIdentifier { get; init; }

    /// <summary>The data coding scheme octet (TP-DCS).</summary>
    public byte DataCodingScheme { get; init; }

    /// <summary>The alphabet the data coding scheme names.</summary>
    public SmsEncoding Encoding { get; init; }

    /// <summary>The relative validity period, when the PDU has one.</summary>
    public TimeSpan? ValidityPeriod { get; init; }

    /// <summary>The absolute validity period, when the PDU has one.</summary>
    public DateTimeOffset? ValidUntil { get; init; }

    /// <summary>The user data header, when present.</summary>
    public UserDataHeader? Header { get; init; }

    /// <summary>The text (for 8-bit data, the octets read as Latin-1).</summary>
    public required string Text { get; init; }

    /// <summary>The user data after the header: septets for GSM 7-bit, octets otherwise.</summary>
    public ReadOnlyMemory<byte> Payload { get; init; }

    /// <summary>Whether a status report is requested (TP-SRR).</summary>
    public bool StatusReportRequest => (FirstOctet & 0x20) != 0;

    /// <summary>This part's concatenation details, when it is one part of a long message.</summary>
    public ConcatenationInfo? Concatenation => Header?.Concatenation;

    /// <summary>Encodes a relative validity period as its TP-VP octet (3GPP TS 23.040 §9.2.3.12.1), rounding up.</summary>
    /// <param name="period">The period, from 5 minutes to 63 weeks.</param>
    public static byte EncodeRelativeValidity(TimeSpan period)
    {
        var minutes = Math.Ceiling(period.TotalMinutes);
        if (minutes <= 12 * 60)
        {
            return (byte)Math.Max(0, (Math.Ceiling(minutes / 5) - 1));
        }

        if (minutes <= 24 * 60)
        {
            return (byte)(143 + Math.Ceiling((minutes - (12 * 60)) / 30));
        }

        var days = Math.Ceiling(period.TotalDays);
        if (days <= 30)
        {
            return (byte)(166 + days);
        }

        return (byte)Math.Min(255, 192 + Math.Ceiling(period.TotalDays / 7));
    }

    /// <summary>Decodes a TP-VP octet in relative format.</summary>
    /// <param name="value">The octet.</param>
    public static TimeSpan DecodeRelativeValidity(byte value) => value switch
    {
        <= 143 => TimeSpan.FromMinutes((value + 1) * 5),
        <= 167 => TimeSpan.FromHours(12) + TimeSpan.FromMinutes((value - 143) * 30),
        <= 196 => TimeSpan.FromDays(value - 166),
        _ => TimeSpan.FromDays((value - 192) * 7),
    };

    internal static SmsSubmit Read(ref PduReader reader, SmsAddress? serviceCenter, byte firstOctet)
    {
        var reference = reader.ReadByte("message reference");
        var destination = ReadAddress(ref reader, "destination address");
        var pid = reader.ReadByte("protocol identifier");
        var dcs = reader.ReadByte("data coding scheme");
        TimeSpan? relative = null;
        DateTimeOffset? absolute = null;
        switch ((firstOctet >> 3) & 0x03)
        {
            case 2:
                relative = DecodeRelativeValidity(reader.ReadByte("validity period"));
                break;
            case 1:
                // Enhanced format: seven octets this codec skips.
                reader.ReadBytes(7, "validity period");
                break;
            case 3:
                absolute = ReadTimestamp(ref reader, "validity period");
                break;
        }

        var (header, text, payload) = ReadUserData(ref reader, (firstOctet & 0x40) != 0, dcs);
        return new SmsSubmit
        {
            ServiceCenter = serviceCenter,
            FirstOctet = firstOctet,
            MessageReference = reference,
            Destination = destination,
            ProtocolIdentifier = pid,
            DataCodingScheme = dcs,
            Encoding = ReadDataCoding(dcs).Encoding,
            ValidityPeriod = relative,
            ValidUntil = absolute,
            Header = header,
            Text = text,
            Payload = payload,
        };
    }
}

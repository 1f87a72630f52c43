using System.Text;

namespace RapidSms.Backends.Gsm.Protocol;

/// <summary>
/// Encodes SMS-SUBMIT (what a modem sends), and SMS-DELIVER and SMS-STATUS-REPORT (what a network
/// delivers, for simulators), splitting long texts into concatenated parts.
/// </summary>
public static class SmsPduEncoder
{
    /// <summary>Encodes a message to send as one or more SMS-SUBMIT PDUs.</summary>
    /// <param name="destination">The recipient: <c>+</c> and digits for international, digits for national.</param>
    /// <param name="text">The text.</param>
    /// <param name="options">Encoding options; <see langword="null"/> for the defaults.</param>
    /// <returns>One PDU per part, in order.</returns>
    /// <exception cref="ArgumentException">The destination is not a number, or the text needs more parts than allowed.</exception>
    public static IReadOnlyList<EncodedPdu> EncodeSubmit(string destination, string text, SmsEncodingOptions? options = null)
    {
        ArgumentException.ThrowIfNullOrWhiteSpace(destination);
        ArgumentNullException.ThrowIfNull(text);
        options ??= new SmsEncodingOptions();
        var address = SmsAddress.Parse(destination);
        if (address.IsAlphanumeric)
        {
            throw new ArgumentException($"'{destination}' is not a phone number: a modem can only send to digits, optionally with a leading '+'.", nameof(destination));
        }

        var parts = Split(text, options);
        var result = new List<EncodedPdu>(parts.Count);
        for (var i = 0; i < parts.Count; i++)
        {
            var header = parts.Count > 1 ? UserDataHeader.ForConcatenation(options.ConcatenationReference, parts.Count, i + 1, options.Use16BitReference) : null;
            var output = new List<byte>(160);
            var scLength = WriteServiceCenter(options.ServiceCenter, output);
            var firstOctet = 0x01;
            if (options.ValidityPeriod is not null)
            {
                firstOctet |= 0x10;
            }

            if (options.StatusReportRequest)
            {
                firstOctet |= 0x20;
            }

            if (header is not null)
            {
                firstOctet |= 0x40;
            }

            output.Add((byte)firstOctet);
            output.Add(options.MessageReference);
            address.WriteAddressField(output);
            output.Add(0x00);
            output.Add(parts.Encoding.DataCodingScheme());
            if (options.ValidityPeriod is { } period)
            {
                output.Add(SmsSubmit.EncodeRelativeValidity(period));
            }

            WriteUserData(parts.Encoding, parts[i], header, output);
            result.Add(new EncodedPdu(Convert.ToHexString([.. output]), output.Count - scLength));
        }

        return result;
    }

    /// <summary>Encodes a message as the network would deliver it, as one or more SMS-DELIVER PDUs.</summary>
    /// <param name="originator">The sender: a number or an alphanumeric name.</param>
    /// <param name="text">The text.</param>
    /// <param name="timestamp">The service-centre timestamp (its offset is written as the time zone).</param>
    /// <param name="options">Encoding options; <see langword="null"/> for the defaults.</param>
    /// <returns>One PDU per part, in order.</returns>
    public static IReadOnlyList<EncodedPdu> EncodeDeliver(string originator, string text, DateTimeOffset timestamp, SmsEncodingOptions? options = null)
    {
        ArgumentException.ThrowIfNullOrWhiteSpace(originator);
        ArgumentNullException.ThrowIfNull(text);
        options ??= new SmsEncodingOptions();
        var address = SmsAddress.Parse(originator);
        var parts = Split(text, options);
        var result = new List<EncodedPdu>(parts.Count);
        for (var i = 0; i < parts.Count; i++)
        {
            var header = parts.Count > 1 ? UserDataHeader.ForConcatenation(options.ConcatenationReference, parts.Count, i + 1, options.Use16BitReference) : null;
            var output = new List<byte>(160);
            var scLength = WriteServiceCenter(options.ServiceCenter, output);
            var firstOctet = 0x04;
            if (options.StatusReportRequest)
            {
                firstOctet |= 0x20;
            }

            if (header is not null)
            {
                firstOctet |= 0x40;
            }

            output.Add((byte)firstOctet);
            address.WriteAddressField(output);
            output.Add(0x00);
            output.Add(parts.Encoding.DataCodingScheme());
            SmsPdu.WriteTimestamp(timestamp, output);
            WriteUserData(parts.Encoding, parts[i], header, output);
            result.Add(new EncodedPdu(Convert.ToHexString([.. output]), output.Count - scLength));
        }

        return result;
    }

    /// <summary>Encodes an SMS-STATUS-REPORT, as a network sends it about a message the modem sent.</summary>
    /// <param name="messageReference">The reference the modem returned in <c>+CMGS</c>.</param>
    /// <param name="recipient">The recipient of the original message.</param>
    /// <param name="serviceCenterTimestamp">When the service centre received the original message.</param>
    /// <param name="dischargeTime">When it was delivered or given up.</param>
    /// <param name="status">The TP-ST status octet (0x00 delivered).</param>
    /// <param name="serviceCenter">The service centre, or <see langword="null"/> for none.</param>
    public static EncodedPdu EncodeStatusReport(byte messageReference, string recipient, DateTimeOffset serviceCenterTimestamp, DateTimeOffset dischargeTime, byte status, string? serviceCenter = null)
    {
        ArgumentException.ThrowIfNullOrWhiteSpace(recipient);
        var output = new List<byte>(40);
        var scLength = WriteServiceCenter(serviceCenter, output);
        output.Add(0x06);
        output.Add(messageReference);
        SmsAddress.Parse(recipient).WriteAddressField(output);
        SmsPdu.WriteTimestamp(serviceCenterTimestamp, output);
        SmsPdu.WriteTimestamp(dischargeTime, output);
        output.Add(status);
        return new EncodedPdu(Convert.ToHexString([.. output]), output.Count - scLength);
    }

    /// <summary>How many parts <paramref name="text"/> takes with these options.</summary>
    /// <param name="text">The text.</param>
    /// <param name="options">Encoding options; <see langword="null"/> for the defaults.</param>
    public static int CountParts(string text, SmsEncodingOptions? options = null)
    {
        ArgumentNullException.ThrowIfNull(text);
        return Split(text, options ?? new SmsEncodingOptions()).Count;
    }

    private static int WriteServiceCenter(string? serviceCenter, List<byte> output)
    {
        if (string.IsNullOrWhiteSpace(serviceCenter))
        {
            output.Add(0x00);
            return 1;
        }

        var address = SmsAddress.Parse(serviceCenter);
        if (address.IsAlphanumeric)
        {
            throw new ArgumentException($"The service centre '{serviceCenter}' is not a number.", nameof(serviceCenter));
        }

        address.WriteServiceCenterField(output);
        return output.Count;
    }

    private static byte DataCodingScheme(this SmsEncoding encoding) => encoding switch
    {
        SmsEncoding.Ucs2 => 0x08,
        SmsEncoding.EightBit => 0x04,
        _ => 0x00,
    };

    private static void WriteUserData(SmsEncoding encoding, byte[] part, UserDataHeader? header, List<byte> output)
    {
        var headerBytes = header?.ToBytes() ?? [];
        if (encoding == SmsEncoding.Gsm7)
        {
            var fill = headerBytes.Length == 0 ? 0 : (7 - (headerBytes.Length * 8 % 7)) % 7;
            var headerSeptets = ((headerBytes.Length * 8) + fill) / 7;
            output.Add((byte)(headerSeptets + part.Length));
            output.AddRange(headerBytes);
            output.AddRange(GsmAlphabet.Pack(part, fill));
            return;
        }

        output.Add((byte)(headerBytes.Length + part.Length));
        output.AddRange(headerBytes);
        output.AddRange(part);
    }

    private static Parts Split(string text, SmsEncodingOptions options)
    {
        var encoding = options.Encoding ?? (GsmAlphabet.CanEncode(text) ? SmsEncoding.Gsm7 : SmsEncoding.Ucs2);
        var headerOctets = options.Use16BitReference ? 7 : 6;

        // Units that must stay together: a GSM character with its escape, a UTF-16 surrogate pair.
        var units = new List<byte[]>();
        int single, perPart;
        switch (encoding)
        {
            case SmsEncoding.Gsm7:
                if (!GsmAlphabet.CanEncode(text))
                {
                    throw new ArgumentException("The text has characters outside the GSM 7-bit alphabet; use UCS-2.", nameof(text));
                }

                foreach (var c in text)
                {
                    units.Add(GsmAlphabet.ToSeptets(c.ToString()));
                }

                single = 160;
                perPart = 160 - (((headerOctets * 8) + 6) / 7);
                break;
            case SmsEncoding.Ucs2:
                for (var i = 0; i < text.Length; i++)
                {
                    var count = char.IsHighSurrogate(text[i]) && i + 1 < text.Length && char.IsLowSurrogate(text[i + 1]) ? 2 : 1;
                    units.Add(Encoding.BigEndianUnicode.GetBytes(text.ToCharArray(i, count)));
                    i += count - 1;
                }

                single = 140;
                perPart = (140 - headerOctets) / 2 * 2;
                break;
            default:
                foreach (var c in text)
                {
                    if (c > 0xFF)
                    {
                        throw new ArgumentException($"The character U+{(int)c:X4} does not fit 8-bit data.", nameof(text));
                    }

                    units.Add([(byte)c]);
                }

                single = 140;
                perPart = 140 - headerOctets;
                break;
        }

        var total = units.Sum(u => u.Length);
        var parts = new Parts(encoding);
        if (total <= single)
        {
            parts.Add([.. units.SelectMany(u => u)]);
            return parts;
        }

        var current = new List<byte>(perPart);
        foreach (var unit in units)
        {
            if (current.Count + unit.Length > perPart)
            {
                parts.Add([.. current]);
                current.Clear();
            }

            current.AddRange(unit);
        }

        if (current.Count > 0)
        {
            parts.Add([.. current]);
        }

        if (parts.Count > Math.Min(255, options.MaxParts))
        {
            throw new ArgumentException($"The text needs {parts.Count} parts; at most {Math.Min(255, options.MaxParts)} are allowed.", nameof(text));
        }

        return parts;
    }

    private sealed class Parts(SmsEncoding encoding) : List<byte[]>
    {
        public SmsEncoding Encoding { get; } = encoding;
    }
}

using System.Globalization;

namespace RapidSms.Backends.Gsm.Protocol;

/// <summary>
/// An SMS transfer PDU as a modem exchanges it in PDU mode (3GPP TS 27.005): an optional service-centre
/// address followed by the TPDU (3GPP TS 23.040).
/// </summary>
public abstract class SmsPdu
{
    /// <summary>Only the PDU types of this package derive from this class.</summary>
    private protected SmsPdu()
    {
    }

    /// <summary>The service centre, or <see langword="null"/> when the PDU carries none (a <c>00</c> prefix).</summary>
    public SmsAddress? ServiceCenter { get; init; }

    /// <summary>The first octet of the TPDU (message type and flags).</summary>
    public byte FirstOctet { get; init; }

    /// <summary>
    /// Decodes a PDU given as hex, as <c>AT+CMGR</c>, <c>AT+CMGL</c>, <c>+CMT</c> and <c>+CDS</c> show it (with
    /// the service-centre prefix).
    /// </summary>
    /// <param name="hex">The PDU in hex.</param>
    /// <param name="direction">Whether it travels to the modem (DELIVER, STATUS-REPORT) or from it (SUBMIT).</param>
    /// <returns>An <see cref="SmsDeliver"/>, <see cref="SmsStatusReport"/> or <see cref="SmsSubmit"/>.</returns>
    /// <exception cref="PduFormatException">The PDU is malformed or of a type this codec does not read.</exception>
    public static SmsPdu Decode(string hex, PduDirection direction = PduDirection.ToMobile)
    {
        ArgumentNullException.ThrowIfNull(hex);
        var octets = FromHex(hex);
        var reader = new PduReader(octets);
        var scLength = reader.ReadByte("service centre length");
        SmsAddress? serviceCenter = null;
        if (scLength > 0)
        {
            var scOctets = reader.ReadBytes(scLength, "service centre address");
            var digits = SmsAddress.ReadSemiOctets(scOctets[1..], (scLength - 1) * 2);
            serviceCenter = new SmsAddress(((scOctets[0] & 0x70) == 0x10 ? "+" : string.Empty) + digits, scOctets[0]);
        }

        var firstOctet = reader.ReadByte("first octet");
        var type = firstOctet & 0x03;
        return (direction, type) switch
        {
            (PduDirection.ToMobile, 0) => SmsDeliver.Read(ref reader, serviceCenter, firstOctet),
            (PduDirection.ToMobile, 2) => SmsStatusReport.Read(ref reader, serviceCenter, firstOctet),
            (PduDirection.FromMobile, 1) => SmsSubmit.Read(ref reader, serviceCenter, firstOctet),
            _ => throw new PduFormatException($"Message type {type} travelling {direction} is not one this codec reads (SMS-DELIVER, SMS-STATUS-REPORT, SMS-SUBMIT)."),
        };
    }

    /// <summary>Decodes a PDU, or says why it could not.</summary>
    /// <param name="hex">The PDU in hex.</param>
    /// <param name="direction">Which way it travels.</param>
    /// <param name="pdu">The PDU when decoded.</param>
    /// <param name="error">Why decoding failed.</param>
    /// <returns>Whether it was decoded.</returns>
    public static bool TryDecode(string hex, PduDirection direction, [System.Diagnostics.CodeAnalysis.NotNullWhen(true)] out SmsPdu? pdu, out string? error)
    {
        try
        {
            pdu = Decode(hex, direction);
            error = null;
            return true;
        }
        catch (PduFormatException ex)
        {
            pdu = null;
            error = ex.Message;
            return false;
        }
    }

    /// <summary>The TPDU part of a hex PDU (what follows the service-centre field), upper-case; identifies a message.</summary>
    /// <param name="hex">The PDU in hex, with its service-centre prefix.</param>
    /// <exception cref="PduFormatException">The hex is malformed.</exception>
    public static string TpduOf(string hex)
    {
        ArgumentNullException.ThrowIfNull(hex);
        var octets = FromHex(hex);
        var skip = 1 + octets[0];
        if (skip > octets.Length)
        {
            throw new PduFormatException("The service centre field runs past the end of the PDU.");
        }

        return Convert.ToHexString(octets, skip, octets.Length - skip);
    }

    internal static byte[] FromHex(string hex)
    {
        hex = hex.Trim();
        if (hex.Length == 0)
        {
            throw new PduFormatException("The PDU is empty.");
        }

        if (hex.Length % 2 != 0)
        {
            throw new PduFormatException($"The PDU has an odd number of hex digits ({hex.Length}).");
        }

        var octets = new byte[hex.Length / 2];
        for (var i = 0; i < octets.Length; i++)
        {
            if (!byte.TryParse(hex.AsSpan(i * 2, 2), NumberStyles.AllowHexSpecifier, CultureInfo.InvariantCulture, out octets[i]))
            {
                throw new PduFormatException($"The PDU has a non-hex character at position {i * 2}.");
            }
        }

        return octets;
    }

    internal static SmsAddress ReadAddress(ref PduReader reader, string field)
    {
        var length = reader.ReadByte(field + " length");
        var toa = reader.ReadByte(field + " type");
        var octetCount = (length + 1) / 2;
        var octets = reader.ReadBytes(octetCount, field);
        if ((toa & 0x70) == 0x50)
        {
            var septets = length * 4 / 7;
            return new SmsAddress(GsmAlphabet.FromSeptets(GsmAlphabet.Unpack(octets, septets)), toa);
        }

        var digits = SmsAddress.ReadSemiOctets(octets, length);
        return new SmsAddress(((toa & 0x70) == 0x10 ? "+" : string.Empty) + digits, toa);
    }

    internal static (SmsEncoding Encoding, bool Compressed) ReadDataCoding(byte dcs)
    {
        var group = dcs >> 4;
        return group switch
        {
            <= 0x7 => (((dcs >> 2) & 0x3) switch { 1 => SmsEncoding.EightBit, 2 => SmsEncoding.Ucs2, _ => SmsEncoding.Gsm7 }, (dcs & 0x20) != 0),
            0xE => (SmsEncoding.Ucs2, false),
            0xF => ((dcs & 0x04) != 0 ? SmsEncoding.EightBit : SmsEncoding.Gsm7, false),
            _ => (SmsEncoding.Gsm7, false),
        };
    }

    internal static (UserDataHeader? Header, string Text, byte[] Payload) ReadUserData(ref PduReader reader, bool hasHeader, byte dcs)
    {
        var (encoding, compressed) = ReadDataCoding(dcs);
        if (compressed)
        {
            throw new PduFormatException($"Compressed user data (DCS 0x{dcs:X2}) is not supported.");
        }

        var udl = reader.ReadByte("user data length");
        if (encoding == SmsEncoding.Gsm7)
        {
            if (udl > 160)
            {
                throw new PduFormatException($"The user data length {udl} exceeds 160 septets.");
            }

            var octetCount = ((udl * 7) + 7) / 8;
            var data = reader.ReadBytes(octetCount, "user data");
            var all = GsmAlphabet.Unpack(data, udl);
            UserDataHeader? header = null;
            var skip = 0;
            if (hasHeader)
            {
                header = UserDataHeader.Parse(data);
                skip = ((header.Length * 8) + 6) / 7;
                if (skip > udl)
                {
                    throw new PduFormatException("The user data header is longer than the user data.");
                }
            }

            var septets = all.AsSpan(skip);
            return (header, GsmAlphabet.FromSeptets(septets), septets.ToArray());
        }

        if (udl > 140)
        {
            throw new PduFormatException($"The user data length {udl} exceeds 140 octets.");
        }

        var octets = reader.ReadBytes(udl, "user data");
        UserDataHeader? udh = null;
        var start = 0;
        if (hasHeader)
        {
            udh = UserDataHeader.Parse(octets);
            start = udh.Length;
        }

        var payload = octets[start..].ToArray();
        var text = encoding == SmsEncoding.Ucs2 ? DecodeUcs2(payload) : DecodeEightBit(payload);
        return (udh, text, payload);
    }

    internal static string DecodeUcs2(ReadOnlySpan<byte> payload)
    {
        // Decoded unit by unit so that a surrogate half at the end of one part joins the other half
        // at the start of the next when a long message is reassembled.
        var chars = new char[payload.Length / 2];
        for (var i = 0; i < chars.Length; i++)
        {
            chars[i] = (char)((payload[2 * i] << 8) | payload[(2 * i) + 1]);
        }

        return new string(chars);
    }

    private static string DecodeEightBit(ReadOnlySpan<byte> payload) => System.Text.Encoding.Latin1.GetString(payload);

    internal static DateTimeOffset? ReadTimestamp(ref PduReader reader, string field)
    {
        var octets = reader.ReadBytes(7, field);
        Span<int> values = stackalloc int[6];
        for (var i = 0; i < 6; i++)
        {
            var low = octets[i] & 0x0F;
            var high = octets[i] >> 4;
            if (low > 9 || high > 9)
            {
                return null;
            }

            values[i] = (low * 10) + high;
        }

        var tzLow = octets[6] & 0x0F;
        var tzHigh = octets[6] >> 4;
        var negative = (tzLow & 0x08) != 0;
        var quarters = ((tzLow & 0x07) * 10) + tzHigh;
        var offset = TimeSpan.FromMinutes(quarters * 15 * (negative ? -1 : 1));
        var year = values[0] >= 80 ? 1900 + values[0] : 2000 + values[0];
        try
        {
            return new DateTimeOffset(year, values[1], values[2], values[3], values[4], values[5], offset);
        }
        catch (ArgumentOutOfRangeException)
        {
            // A service centre that sends an impossible date still delivered a message: keep the message.
            return null;
        }
    }

    internal static void WriteTimestamp(DateTimeOffset value, List<byte> output)
    {
        int[] parts = [value.Year % 100, value.Month, value.Day, value.Hour, value.Minute, value.Second];
        foreach (var part in parts)
        {
            output.Add((byte)(((part % 10) << 4) | (part / 10)));
        }

        var quarters = (int)Math.Round(value.Offset.TotalMinutes / 15);
        var magnitude = Math.Abs(quarters);
        var tens = (magnitude / 10) | (quarters < 0 ? 0x08 : 0);
        output.Add((byte)(((magnitude % 10) << 4) | tens));
    }
}

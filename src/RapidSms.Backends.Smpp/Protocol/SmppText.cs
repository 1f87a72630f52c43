using System.Text;

namespace RapidSms.Backends.Smpp.Protocol;

/// <summary>Maps data_coding values to alphabets, and decodes short message octets to text.</summary>
public static class SmppText
{
    /// <summary>data_coding 0: the SMSC's default alphabet.</summary>
    public const byte DataCodingDefault = 0x00;

    /// <summary>data_coding 1: IA5 (ASCII).</summary>
    public const byte DataCodingAscii = 0x01;

    /// <summary>data_coding 3: Latin-1.</summary>
    public const byte DataCodingLatin1 = 0x03;

    /// <summary>data_coding 4: 8-bit binary.</summary>
    public const byte DataCodingBinary = 0x04;

    /// <summary>data_coding 8: UCS2.</summary>
    public const byte DataCodingUcs2 = 0x08;

    /// <summary>The alphabet a data_coding value stands for.</summary>
    /// <param name="dataCoding">The data_coding octet.</param>
    /// <param name="defaultAlphabet">What data_coding 0 (the SMSC default) means on this link.</param>
    public static SmppAlphabet GetAlphabet(byte dataCoding, SmppAlphabet defaultAlphabet = SmppAlphabet.Gsm7) => dataCoding switch
    {
        0x00 => defaultAlphabet,
        0x01 => SmppAlphabet.Ascii,
        0x02 or 0x04 => SmppAlphabet.Binary,
        0x08 => SmppAlphabet.Ucs2,
        >= 0xF0 => (dataCoding & 0x04) != 0 ? SmppAlphabet.Binary : SmppAlphabet.Gsm7,
        >= 0xE0 => SmppAlphabet.Ucs2,
        >= 0xC0 => SmppAlphabet.Gsm7,
        >= 0x10 and <= 0x3F => ((dataCoding >> 2) & 0x03) switch
        {
            0 => SmppAlphabet.Gsm7,
            2 => SmppAlphabet.Ucs2,
            _ => SmppAlphabet.Binary,
        },
        _ => SmppAlphabet.Latin1,
    };

    /// <summary>Decodes message octets (without a user data header) to text.</summary>
    /// <param name="octets">The octets.</param>
    /// <param name="alphabet">Their alphabet.</param>
    /// <param name="gsmPacked">Whether GSM 7-bit text is packed (7 bits per character) rather than one septet per octet.</param>
    /// <param name="fillBits">Fill bits before the first packed septet (after a user data header).</param>
    /// <returns>The text.</returns>
    public static string Decode(ReadOnlySpan<byte> octets, SmppAlphabet alphabet, bool gsmPacked = false, int fillBits = 0) => alphabet switch
    {
        SmppAlphabet.Gsm7 => gsmPacked ? GsmAlphabet.Decode(GsmAlphabet.Unpack(octets, fillBits)) : GsmAlphabet.Decode(octets),
        SmppAlphabet.Ascii => DecodeAscii(octets),
        SmppAlphabet.Ucs2 => Encoding.BigEndianUnicode.GetString(octets[..(octets.Length & ~1)]),
        _ => Encoding.Latin1.GetString(octets),
    };

    private static string DecodeAscii(ReadOnlySpan<byte> octets)
    {
        foreach (var b in octets)
        {
            if (b > 0x7F)
            {
                return Encoding.Latin1.GetString(octets);
            }
        }

        return Encoding.ASCII.GetString(octets);
    }
}

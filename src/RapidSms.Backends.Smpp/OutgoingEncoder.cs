using System.Text;
using RapidSms.Backends.Smpp.Protocol;

namespace RapidSms.Backends.Smpp;

/// <summary>
/// Turns outgoing text into submit_sm PDUs: picks the alphabet, encodes, and splits long text by UDH
/// concatenation, SAR parameters or message_payload without cutting an escape sequence or a surrogate pair.
/// </summary>
internal static class OutgoingEncoder
{
    /// <summary>Encodes <paramref name="text"/> to one or more submit_sm PDUs, or says why it cannot.</summary>
    public static List<SmppPdu>? Encode(
        string text,
        SmppOptions options,
        SmppTextEncoding encoding,
        SmppAddress source,
        SmppAddress destination,
        int reference,
        out string? error)
    {
        error = null;
        if (!TryChooseAlphabet(text, options, encoding, out var alphabet, out var dataCoding, out error))
        {
            return null;
        }

        // Units: septets for GSM, octets for Latin-1/ASCII, UTF-16 code units (2 octets) for UCS2.
        var units = ToUnits(text, alphabet);
        var unitSize = alphabet == SmppAlphabet.Ucs2 ? 2 : 1;
        var (single, withUdh) = alphabet switch
        {
            SmppAlphabet.Gsm7 or SmppAlphabet.Ascii => (160, 153),
            SmppAlphabet.Ucs2 => (70, 67),
            _ => (140, 134),
        };
        var count = units.Length / unitSize;

        var template = new SmppPdu(SmppCommandId.SubmitSm)
        {
            ServiceType = options.ServiceType,
            Source = source,
            Destination = destination,
            RegisteredDelivery = options.RegisteredDelivery,
            DataCoding = dataCoding,
        };

        if (count <= single)
        {
            template.ShortMessage = Pack(units, alphabet, options.Gsm7Packed, udh: default);
            return [template];
        }

        if (options.LongMessages == SmppLongMessageMode.MessagePayload)
        {
            template.Tlvs.Add(new SmppTlv(SmppTlvTag.MessagePayload, Pack(units, alphabet, options.Gsm7Packed, udh: default)));
            return [template];
        }

        var perPart = options.LongMessages == SmppLongMessageMode.Udh ? withUdh : single;
        var chunks = Split(units, unitSize, perPart, alphabet);
        if (chunks.Count > options.MaxParts)
        {
            error = $"The text needs {chunks.Count} parts, more than MaxParts ({options.MaxParts}).";
            return null;
        }

        var parts = new List<SmppPdu>(chunks.Count);
        for (var i = 0; i < chunks.Count; i++)
        {
            var part = new SmppPdu(SmppCommandId.SubmitSm)
            {
                ServiceType = template.ServiceType,
                Source = source,
                Destination = destination,
                RegisteredDelivery = template.RegisteredDelivery,
                DataCoding = dataCoding,
            };
            if (options.LongMessages == SmppLongMessageMode.Udh)
            {
                var udh = new byte[SmppUserDataHeader.ConcatenationLength];
                SmppUserDataHeader.WriteConcatenation(udh, (byte)reference, (byte)chunks.Count, (byte)(i + 1));
                part.EsmClass = 0x40;
                part.ShortMessage = Pack(chunks[i], alphabet, options.Gsm7Packed, udh);
            }
            else
            {
                part.ShortMessage = Pack(chunks[i], alphabet, options.Gsm7Packed, udh: default);
                part.Tlvs.Add(SmppTlv.FromUInt16(SmppTlvTag.SarMessageReferenceNumber, (ushort)reference));
                part.Tlvs.Add(SmppTlv.FromByte(SmppTlvTag.SarTotalSegments, (byte)chunks.Count));
                part.Tlvs.Add(SmppTlv.FromByte(SmppTlvTag.SarSegmentSequenceNumber, (byte)(i + 1)));
            }

            parts.Add(part);
        }

        return parts;
    }

    private static bool TryChooseAlphabet(string text, SmppOptions options, SmppTextEncoding encoding, out SmppAlphabet alphabet, out byte dataCoding, out string? error)
    {
        error = null;
        switch (encoding)
        {
            case SmppTextEncoding.Gsm7:
                alphabet = SmppAlphabet.Gsm7;
                dataCoding = SmppText.DataCodingDefault;
                if (!GsmAlphabet.TryCountSeptets(text, out _, out var bad))
                {
                    error = Unencodable(text, bad, "the GSM 03.38 alphabet");
                    return false;
                }

                return true;
            case SmppTextEncoding.Latin1:
                alphabet = SmppAlphabet.Latin1;
                dataCoding = SmppText.DataCodingLatin1;
                var index = IndexOutside(text, 0xFF);
                if (index >= 0)
                {
                    error = Unencodable(text, index, "Latin-1");
                    return false;
                }

                return true;
            case SmppTextEncoding.Ucs2:
                alphabet = SmppAlphabet.Ucs2;
                dataCoding = SmppText.DataCodingUcs2;
                return true;
            default:
                var fits = options.DefaultAlphabet switch
                {
                    SmppAlphabet.Gsm7 => GsmAlphabet.CanEncode(text),
                    SmppAlphabet.Latin1 => IndexOutside(text, 0xFF) < 0,
                    _ => IndexOutside(text, 0x7F) < 0,
                };
                alphabet = fits ? options.DefaultAlphabet : SmppAlphabet.Ucs2;
                dataCoding = fits ? SmppText.DataCodingDefault : SmppText.DataCodingUcs2;
                return true;
        }
    }

    private static string Unencodable(string text, int index, string alphabet) =>
        $"'{text[index]}' (U+{(int)text[index]:X4}) at position {index} is not in {alphabet}; send it with Encoding Auto or Ucs2.";

    private static int IndexOutside(string text, int max)
    {
        for (var i = 0; i < text.Length; i++)
        {
            if (text[i] > max)
            {
                return i;
            }
        }

        return -1;
    }

    private static byte[] ToUnits(string text, SmppAlphabet alphabet)
    {
        switch (alphabet)
        {
            case SmppAlphabet.Gsm7:
                GsmAlphabet.TryCountSeptets(text, out var septets, out _);
                var buffer = new byte[septets];
                GsmAlphabet.Encode(text, buffer);
                return buffer;
            case SmppAlphabet.Ucs2:
                return Encoding.BigEndianUnicode.GetBytes(text);
            default:
                return Encoding.Latin1.GetBytes(text);
        }
    }

    private static List<byte[]> Split(byte[] units, int unitSize, int perPart, SmppAlphabet alphabet)
    {
        var chunks = new List<byte[]>();
        var position = 0;
        var total = units.Length / unitSize;
        while (position < total)
        {
            var take = Math.Min(perPart, total - position);
            if (position + take < total)
            {
                if (alphabet == SmppAlphabet.Gsm7 && units[position + take - 1] == GsmAlphabet.Escape)
                {
                    // Do not separate an escape from the extension character it announces.
                    take--;
                }
                else if (alphabet == SmppAlphabet.Ucs2 && char.IsHighSurrogate((char)((units[(position + take - 1) * 2] << 8) | units[((position + take - 1) * 2) + 1])))
                {
                    // Do not separate a surrogate pair.
                    take--;
                }
            }

            chunks.Add(units.AsSpan(position * unitSize, take * unitSize).ToArray());
            position += take;
        }

        return chunks;
    }

    private static byte[] Pack(byte[] units, SmppAlphabet alphabet, bool packed, ReadOnlyMemory<byte> udh)
    {
        if (alphabet != SmppAlphabet.Gsm7 || !packed)
        {
            if (udh.IsEmpty)
            {
                return units;
            }

            var joined = new byte[udh.Length + units.Length];
            udh.Span.CopyTo(joined);
            units.CopyTo(joined, udh.Length);
            return joined;
        }

        // Packed septets start at the next septet boundary after the header.
        var fill = udh.IsEmpty ? 0 : (7 - (udh.Length * 8 % 7)) % 7;
        var result = new byte[udh.Length + GsmAlphabet.GetPackedLength(units.Length, fill)];
        udh.Span.CopyTo(result);
        GsmAlphabet.Pack(units, result.AsSpan(udh.Length), fill);
        return result;
    }
}

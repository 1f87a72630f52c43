namespace RapidSms.Backends.Smpp.Protocol;

/// <summary>
/// The GSM 03.38 (3GPP TS 23.038) default alphabet with its extension table: text to septets and back,
/// and septet packing (7 bits per character) with fill bits after a user data header.
/// </summary>
public static class GsmAlphabet
{
    /// <summary>The escape septet that announces a character from the extension table.</summary>
    public const byte Escape = 0x1B;

    private const string Basic =
        "@£$¥èéùìòÇ\nØø\rÅåΔ_ΦΓΛΩΠΨΣΘΞ\u001bÆæßÉ !\"#¤%&'()*+,-./0123456789:;<=>?" +
        "¡ABCDEFGHIJKLMNOPQRSTUVWXYZÄÖÑÜ§¿abcdefghijklmnopqrstuvwxyzäöñüà";

    private static readonly Dictionary<char, byte> BasicIndex = BuildBasic();
    private static readonly Dictionary<char, byte> ExtensionIndex = new()
    {
        ['\f'] = 0x0A, ['^'] = 0x14, ['{'] = 0x28, ['}'] = 0x29, ['\\'] = 0x2F,
        ['['] = 0x3C, ['~'] = 0x3D, [']'] = 0x3E, ['|'] = 0x40, ['€'] = 0x65,
    };

    private static readonly char[] ExtensionTable = BuildExtension();

    /// <summary>
    /// Counts the septets <paramref name="text"/> needs (extension characters count two), or returns
    /// <see langword="false"/> with the index of the first character the alphabet lacks.
    /// </summary>
    /// <param name="text">The text.</param>
    /// <param name="septets">The septet count.</param>
    /// <param name="firstUnencodable">The index of the first character that cannot be encoded, or -1.</param>
    public static bool TryCountSeptets(ReadOnlySpan<char> text, out int septets, out int firstUnencodable)
    {
        septets = 0;
        for (var i = 0; i < text.Length; i++)
        {
            var c = text[i];
            if (IsBasicFast(c) || BasicIndex.ContainsKey(c))
            {
                septets++;
            }
            else if (ExtensionIndex.ContainsKey(c))
            {
                septets += 2;
            }
            else
            {
                firstUnencodable = i;
                return false;
            }
        }

        firstUnencodable = -1;
        return true;
    }

    /// <summary>Whether every character of <paramref name="text"/> is in the alphabet or its extension table.</summary>
    /// <param name="text">The text.</param>
    public static bool CanEncode(ReadOnlySpan<char> text) => TryCountSeptets(text, out _, out _);

    /// <summary>The septets of one character (one, or two for an extension character); 0 when not encodable.</summary>
    /// <param name="c">The character.</param>
    /// <param name="first">The first septet.</param>
    /// <param name="second">The second septet, when two.</param>
    public static int GetSeptets(char c, out byte first, out byte second)
    {
        second = 0;
        if (IsBasicFast(c))
        {
            first = (byte)c;
            return 1;
        }

        if (BasicIndex.TryGetValue(c, out first))
        {
            return 1;
        }

        if (ExtensionIndex.TryGetValue(c, out second))
        {
            first = Escape;
            return 2;
        }

        first = 0;
        return 0;
    }

    /// <summary>Writes the septets of <paramref name="text"/>, one per octet (unpacked).</summary>
    /// <param name="text">The text; every character must be encodable.</param>
    /// <param name="destination">Room for the septet count.</param>
    /// <returns>How many septets were written.</returns>
    /// <exception cref="ArgumentException">A character is not in the alphabet.</exception>
    public static int Encode(ReadOnlySpan<char> text, Span<byte> destination)
    {
        var written = 0;
        for (var i = 0; i < text.Length; i++)
        {
            var count = GetSeptets(text[i], out var first, out var second);
            if (count == 0)
            {
                throw new ArgumentException($"'{text[i]}' (U+{(int)text[i]:X4}) at {i} is not in the GSM 03.38 alphabet.", nameof(text));
            }

            destination[written++] = first;
            if (count == 2)
            {
                destination[written++] = second;
            }
        }

        return written;
    }

    /// <summary>Decodes unpacked septets (one per octet; the top bit is ignored). An escape before an unknown code gives a space.</summary>
    /// <param name="septets">The septets.</param>
    /// <returns>The text.</returns>
    public static string Decode(ReadOnlySpan<byte> septets)
    {
        var chars = septets.Length <= 512 ? stackalloc char[septets.Length] : new char[septets.Length];
        var n = 0;
        for (var i = 0; i < septets.Length; i++)
        {
            var s = septets[i] & 0x7F;
            if (s == Escape)
            {
                if (i + 1 < septets.Length)
                {
                    var e = ExtensionTable[septets[++i] & 0x7F];
                    chars[n++] = e == '\0' ? ' ' : e;
                }
                else
                {
                    chars[n++] = ' ';
                }
            }
            else
            {
                chars[n++] = Basic[s];
            }
        }

        return new string(chars[..n]);
    }

    /// <summary>The octets needed to pack <paramref name="septets"/> septets after <paramref name="fillBits"/> fill bits.</summary>
    /// <param name="septets">The septet count.</param>
    /// <param name="fillBits">Fill bits before the first septet (0–6).</param>
    public static int GetPackedLength(int septets, int fillBits = 0) => ((septets * 7) + fillBits + 7) / 8;

    /// <summary>Packs septets 7 bits each, least significant bit first, after <paramref name="fillBits"/> zero bits.</summary>
    /// <param name="septets">The septets.</param>
    /// <param name="destination">At least <see cref="GetPackedLength"/> octets; cleared first.</param>
    /// <param name="fillBits">Fill bits before the first septet (0–6), to align septets after a user data header.</param>
    /// <returns>How many octets were written.</returns>
    public static int Pack(ReadOnlySpan<byte> septets, Span<byte> destination, int fillBits = 0)
    {
        ArgumentOutOfRangeException.ThrowIfNegative(fillBits);
        ArgumentOutOfRangeException.ThrowIfGreaterThan(fillBits, 6);
        var length = GetPackedLength(septets.Length, fillBits);
        destination[..length].Clear();
        var bit = fillBits;
        foreach (var s in septets)
        {
            var value = (s & 0x7F) << (bit % 8);
            destination[bit / 8] |= (byte)value;
            if ((bit % 8) > 1)
            {
                destination[(bit / 8) + 1] |= (byte)(value >> 8);
            }

            bit += 7;
        }

        return length;
    }

    /// <summary>Unpacks septets packed 7 bits each after <paramref name="fillBits"/> fill bits.</summary>
    /// <param name="packed">The packed octets.</param>
    /// <param name="fillBits">Fill bits before the first septet (0–6).</param>
    /// <returns>The septets, one per octet. Seven zero padding bits at the end are not returned as a septet.</returns>
    public static byte[] Unpack(ReadOnlySpan<byte> packed, int fillBits = 0)
    {
        ArgumentOutOfRangeException.ThrowIfNegative(fillBits);
        var bits = (packed.Length * 8) - fillBits;
        if (bits <= 0)
        {
            return [];
        }

        var count = bits / 7;
        var result = new byte[count];
        var bit = fillBits;
        for (var i = 0; i < count; i++)
        {
            var index = bit / 8;
            var value = packed[index] >> (bit % 8);
            if ((bit % 8) > 1 && index + 1 < packed.Length)
            {
                value |= packed[index + 1] << (8 - (bit % 8));
            }

            result[i] = (byte)(value & 0x7F);
            bit += 7;
        }

        // When the bits divide exactly, a last septet of zero is the padding of a count that left 7 spare bits.
        if (count > 0 && bits % 7 == 0 && result[^1] == 0)
        {
            return result[..^1];
        }

        return result;
    }

    private static bool IsBasicFast(char c) =>
        (c is >= 'A' and <= 'Z') || (c is >= 'a' and <= 'z') || (c is >= '0' and <= '9') || c == ' ';

    private static Dictionary<char, byte> BuildBasic()
    {
        var index = new Dictionary<char, byte>();
        for (var i = 0; i < Basic.Length; i++)
        {
            if (i != Escape)
            {
                index[Basic[i]] = (byte)i;
            }
        }

        return index;
    }

    private static char[] BuildExtension()
    {
        var table = new char[128];
        foreach (var (c, code) in ExtensionIndex)
        {
            table[code] = c;
        }

        return table;
    }
}

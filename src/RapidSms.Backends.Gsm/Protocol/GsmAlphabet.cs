namespace RapidSms.Backends.Gsm.Protocol;

/// <summary>
/// The GSM 7-bit default alphabet and its extension table (3GPP TS 23.038 §6.2.1), and the packing of
/// septets into octets used by SMS user data and alphanumeric addresses.
/// </summary>
public static class GsmAlphabet
{
    /// <summary>The escape septet that introduces a character from the extension table.</summary>
    public const byte Escape = 0x1B;

    private const string Basic =
        "@£$¥èéùìòÇ\nØø\rÅåΔ_ΦΓΛΩΠΨΣΘΞ\u001bÆæßÉ !\"#¤%&'()*+,-./0123456789:;<=>?" +
        "¡ABCDEFGHIJKLMNOPQRSTUVWXYZÄÖÑÜ§¿abcdefghijklmnopqrstuvwxyzäöñüà";

    private static readonly Dictionary<char, byte> BasicCodes = BuildBasic();

    private static readonly Dictionary<char, byte> ExtensionCodes = new()
    {
        ['\f'] = 0x0A,
        ['^'] = 0x14,
        ['{'] = 0x28,
        ['}'] = 0x29,
        ['\\'] = 0x2F,
        ['['] = 0x3C,
        ['~'] = 0x3D,
        [']'] = 0x3E,
        ['|'] = 0x40,
        ['€'] = 0x65,
    };

    private static readonly Dictionary<byte, char> ExtensionChars = ExtensionCodes.ToDictionary(p => p.Value, p => p.Key);

    /// <summary>Whether every character of <paramref name="text"/> is in the default alphabet or its extension table.</summary>
    /// <param name="text">The text.</param>
    public static bool CanEncode(string text)
    {
        ArgumentNullException.ThrowIfNull(text);
        foreach (var c in text)
        {
            if (c == '\u001b' || (!BasicCodes.ContainsKey(c) && !ExtensionCodes.ContainsKey(c)))
            {
                return false;
            }
        }

        return true;
    }

    /// <summary>How many septets <paramref name="text"/> takes (extension characters take two).</summary>
    /// <param name="text">Text that <see cref="CanEncode"/> accepts.</param>
    public static int CountSeptets(string text)
    {
        ArgumentNullException.ThrowIfNull(text);
        var count = 0;
        foreach (var c in text)
        {
            count += ExtensionCodes.ContainsKey(c) ? 2 : 1;
        }

        return count;
    }

    /// <summary>Converts text to unpacked septets (one byte per septet, escapes included).</summary>
    /// <param name="text">The text.</param>
    /// <exception cref="ArgumentException">A character is not in the GSM alphabet.</exception>
    public static byte[] ToSeptets(string text)
    {
        ArgumentNullException.ThrowIfNull(text);
        var result = new List<byte>(text.Length);
        foreach (var c in text)
        {
            if (c != '\u001b' && BasicCodes.TryGetValue(c, out var code))
            {
                result.Add(code);
            }
            else if (ExtensionCodes.TryGetValue(c, out var ext))
            {
                result.Add(Escape);
                result.Add(ext);
            }
            else
            {
                throw new ArgumentException($"The character U+{(int)c:X4} is not in the GSM 7-bit alphabet.", nameof(text));
            }
        }

        return [.. result];
    }

    /// <summary>Converts unpacked septets to text. An escape before a code the extension table lacks yields the basic character, as the specification asks.</summary>
    /// <param name="septets">One septet per byte.</param>
    public static string FromSeptets(ReadOnlySpan<byte> septets)
    {
        var builder = new System.Text.StringBuilder(septets.Length);
        for (var i = 0; i < septets.Length; i++)
        {
            var septet = (byte)(septets[i] & 0x7F);
            if (septet == Escape)
            {
                if (i + 1 >= septets.Length)
                {
                    // A trailing escape has nothing to extend: show it as a space.
                    builder.Append(' ');
                    break;
                }

                var next = (byte)(septets[++i] & 0x7F);
                builder.Append(ExtensionChars.TryGetValue(next, out var ext) ? ext : next == Escape ? ' ' : Basic[next]);
            }
            else
            {
                builder.Append(Basic[septet]);
            }
        }

        return builder.ToString();
    }

    /// <summary>Packs septets into octets, leaving <paramref name="fillBits"/> zero bits first (used after a user data header).</summary>
    /// <param name="septets">One septet per byte.</param>
    /// <param name="fillBits">Zero bits before the first septet, 0 to 6.</param>
    public static byte[] Pack(ReadOnlySpan<byte> septets, int fillBits = 0)
    {
        ArgumentOutOfRangeException.ThrowIfNegative(fillBits);
        ArgumentOutOfRangeException.ThrowIfGreaterThan(fillBits, 6);
        var totalBits = fillBits + (septets.Length * 7);
        var result = new byte[(totalBits + 7) / 8];
        for (var i = 0; i < septets.Length; i++)
        {
            var value = septets[i] & 0x7F;
            var bit = fillBits + (i * 7);
            var index = bit / 8;
            var shift = bit % 8;
            result[index] |= (byte)(value << shift);
            if (shift > 1)
            {
                result[index + 1] |= (byte)(value >> (8 - shift));
            }
        }

        return result;
    }

    /// <summary>Unpacks <paramref name="septetCount"/> septets from packed octets.</summary>
    /// <param name="packed">The packed octets.</param>
    /// <param name="septetCount">How many septets to read.</param>
    /// <param name="fillBits">Bits to skip before the first septet.</param>
    /// <exception cref="PduFormatException">The octets hold fewer septets than asked for.</exception>
    public static byte[] Unpack(ReadOnlySpan<byte> packed, int septetCount, int fillBits = 0)
    {
        ArgumentOutOfRangeException.ThrowIfNegative(septetCount);
        ArgumentOutOfRangeException.ThrowIfNegative(fillBits);
        if (fillBits + (septetCount * 7) > packed.Length * 8)
        {
            throw new PduFormatException($"{septetCount} septets need {(fillBits + (septetCount * 7) + 7) / 8} octets but only {packed.Length} are present.");
        }

        var result = new byte[septetCount];
        for (var i = 0; i < septetCount; i++)
        {
            var bit = fillBits + (i * 7);
            var index = bit / 8;
            var shift = bit % 8;
            var value = packed[index] >> shift;
            if (shift > 1)
            {
                value |= packed[index + 1] << (8 - shift);
            }

            result[i] = (byte)(value & 0x7F);
        }

        return result;
    }

    private static Dictionary<char, byte> BuildBasic()
    {
        var map = new Dictionary<char, byte>(128);
        for (var i = 0; i < Basic.Length; i++)
        {
            map.TryAdd(Basic[i], (byte)i);
        }

        return map;
    }
}

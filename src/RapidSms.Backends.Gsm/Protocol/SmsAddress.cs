using System.Text;

namespace RapidSms.Backends.Gsm.Protocol;

/// <summary>
/// An SMS address (originator, destination, recipient or service centre) with its type-of-address octet
/// (3GPP TS 23.040 §9.1.2.5). <see cref="Number"/> starts with <c>+</c> for international numbers.
/// </summary>
/// <param name="Number">The number as a user writes it: <c>+27381000015</c>, <c>0129998765</c>, or a name such as <c>Megafon</c>.</param>
/// <param name="TypeOfAddress">The type-of-address octet: 0x91 international, 0x81 or 0xA1 national/unknown, 0xD0 alphanumeric.</param>
public sealed record SmsAddress(string Number, byte TypeOfAddress)
{
    /// <summary>The type-of-address octet for international numbers in the ISDN plan.</summary>
    public const byte International = 0x91;

    /// <summary>The type-of-address octet for numbers of unknown type in the ISDN plan.</summary>
    public const byte Unknown = 0x81;

    /// <summary>The type-of-address octet for alphanumeric (GSM 7-bit) addresses.</summary>
    public const byte Alphanumeric = 0xD0;

    /// <summary>Whether the type of number is international.</summary>
    public bool IsInternational => (TypeOfAddress & 0x70) == 0x10;

    /// <summary>Whether the address is alphanumeric text rather than digits.</summary>
    public bool IsAlphanumeric => (TypeOfAddress & 0x70) == 0x50;

    /// <summary>
    /// Reads what a user wrote: <c>+</c> and digits is international, digits (and <c>*#</c>) alone are
    /// of unknown type, anything else is alphanumeric.
    /// </summary>
    /// <param name="text">The address.</param>
    /// <exception cref="ArgumentException">The address is empty.</exception>
    public static SmsAddress Parse(string text)
    {
        ArgumentException.ThrowIfNullOrWhiteSpace(text);
        text = text.Trim();
        if (text.StartsWith('+') && text.Length > 1 && IsDialable(text.AsSpan(1)))
        {
            return new SmsAddress(text, International);
        }

        return IsDialable(text) ? new SmsAddress(text, Unknown) : new SmsAddress(text, Alphanumeric);
    }

    /// <summary>Returns <see cref="Number"/>.</summary>
    public override string ToString() => Number;

    internal static bool IsDialable(ReadOnlySpan<char> digits)
    {
        if (digits.IsEmpty)
        {
            return false;
        }

        foreach (var c in digits)
        {
            if (!char.IsAsciiDigit(c) && c is not '*' and not '#')
            {
                return false;
            }
        }

        return true;
    }

    /// <summary>Writes the address as an address field: length in semi-octets (useful digits), TOA, value.</summary>
    internal void WriteAddressField(List<byte> output)
    {
        if (IsAlphanumeric)
        {
            var packed = GsmAlphabet.Pack(GsmAlphabet.ToSeptets(Number));
            var septets = GsmAlphabet.CountSeptets(Number);
            output.Add((byte)(((septets * 7) + 3) / 4));
            output.Add(TypeOfAddress);
            output.AddRange(packed);
            return;
        }

        var digits = Number.TrimStart('+');
        output.Add((byte)digits.Length);
        output.Add(TypeOfAddress);
        WriteSemiOctets(digits, output);
    }

    /// <summary>Writes the address as a service-centre field: length in octets including the TOA.</summary>
    internal void WriteServiceCenterField(List<byte> output)
    {
        var digits = Number.TrimStart('+');
        output.Add((byte)(1 + ((digits.Length + 1) / 2)));
        output.Add(TypeOfAddress);
        WriteSemiOctets(digits, output);
    }

    internal static void WriteSemiOctets(string digits, List<byte> output)
    {
        for (var i = 0; i < digits.Length; i += 2)
        {
            var low = DigitValue(digits[i]);
            var high = i + 1 < digits.Length ? DigitValue(digits[i + 1]) : 0xF;
            output.Add((byte)((high << 4) | low));
        }
    }

    internal static string ReadSemiOctets(ReadOnlySpan<byte> octets, int digitCount)
    {
        var builder = new StringBuilder(digitCount);
        for (var i = 0; i < digitCount; i++)
        {
            var octet = octets[i / 2];
            var nibble = i % 2 == 0 ? octet & 0x0F : octet >> 4;
            if (nibble == 0xF)
            {
                break;
            }

            builder.Append(nibble switch
            {
                <= 9 => (char)('0' + nibble),
                0xA => '*',
                0xB => '#',
                0xC => 'a',
                0xD => 'b',
                _ => 'c',
            });
        }

        return builder.ToString();
    }

    private static int DigitValue(char c) => c switch
    {
        >= '0' and <= '9' => c - '0',
        '*' => 0xA,
        '#' => 0xB,
        'a' or 'A' => 0xC,
        'b' or 'B' => 0xD,
        'c' or 'C' => 0xE,
        _ => throw new ArgumentException($"'{c}' cannot be written as a semi-octet digit."),
    };
}

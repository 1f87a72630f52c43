using System.Text;

namespace RapidSms.Backends.Email.Protocol;

/// <summary>Quoted-printable (RFC 2045 section 6.7) and the "Q" encoding of RFC 2047.</summary>
internal static class QuotedPrintable
{
    private const int MaxLine = 76;
    private static readonly byte[] Hex = "0123456789ABCDEF"u8.ToArray();

    /// <summary>
    /// Decodes quoted-printable, tolerating what real mail contains: lowercase hex, a lone "=" that is
    /// not an escape (kept as is), trailing spaces before a line break (dropped, as the RFC asks).
    /// </summary>
    /// <param name="input">The encoded bytes.</param>
    /// <param name="underscoreIsSpace">True for RFC 2047 "Q" words, where "_" stands for a space.</param>
    public static byte[] Decode(ReadOnlySpan<byte> input, bool underscoreIsSpace = false)
    {
        var output = new byte[input.Length];
        var length = 0;
        var i = 0;
        while (i < input.Length)
        {
            var b = input[i];
            if (b == (byte)'=')
            {
                if (i + 2 < input.Length && IsHex(input[i + 1]) && IsHex(input[i + 2]))
                {
                    output[length++] = (byte)((HexValue(input[i + 1]) << 4) | HexValue(input[i + 2]));
                    i += 3;
                    continue;
                }

                // Soft line break: "=" followed by optional whitespace and CRLF or LF.
                var j = i + 1;
                while (j < input.Length && (input[j] == (byte)' ' || input[j] == (byte)'\t'))
                {
                    j++;
                }

                if (j < input.Length && input[j] == (byte)'\r' && j + 1 < input.Length && input[j + 1] == (byte)'\n')
                {
                    i = j + 2;
                    continue;
                }

                if (j < input.Length && input[j] == (byte)'\n')
                {
                    i = j + 1;
                    continue;
                }

                if (j == input.Length)
                {
                    i = j;
                    continue;
                }

                output[length++] = b;
                i++;
                continue;
            }

            if (b is (byte)' ' or (byte)'\t')
            {
                // Whitespace at the end of a line was added in transport and is not part of the text.
                var j = i;
                while (j < input.Length && (input[j] == (byte)' ' || input[j] == (byte)'\t'))
                {
                    j++;
                }

                if (j == input.Length || input[j] == (byte)'\r' || input[j] == (byte)'\n')
                {
                    i = j;
                    continue;
                }
            }

            output[length++] = underscoreIsSpace && b == (byte)'_' ? (byte)' ' : b;
            i++;
        }

        return output.AsSpan(0, length).ToArray();
    }

    /// <summary>
    /// Encodes text as quoted-printable with CRLF line breaks and lines of at most 76 characters, so it
    /// passes any 7-bit relay unchanged.
    /// </summary>
    public static string Encode(ReadOnlySpan<byte> input)
    {
        var output = new StringBuilder(input.Length * 3 / 2);
        var lineLength = 0;
        for (var i = 0; i < input.Length; i++)
        {
            var b = input[i];
            if (b == (byte)'\r' && i + 1 < input.Length && input[i + 1] == (byte)'\n')
            {
                output.Append("\r\n");
                lineLength = 0;
                i++;
                continue;
            }

            var atLineEnd = i + 1 == input.Length || input[i + 1] == (byte)'\r';
            var literal = (b >= 33 && b <= 126 && b != (byte)'=') || (b is (byte)' ' or (byte)'\t' && !atLineEnd);

            // A "." or "From " at the start of a line survives, but some relays mangle it: encode it.
            if (lineLength == 0 && (b == (byte)'.' || (b == (byte)'F' && input[i..].StartsWith("From "u8))))
            {
                literal = false;
            }

            var width = literal ? 1 : 3;
            var reserve = atLineEnd ? 0 : 1;
            if (lineLength + width + reserve > MaxLine)
            {
                output.Append("=\r\n");
                lineLength = 0;
            }

            if (literal)
            {
                output.Append((char)b);
            }
            else
            {
                output.Append('=').Append((char)Hex[b >> 4]).Append((char)Hex[b & 0xF]);
            }

            lineLength += width;
        }

        return output.ToString();
    }

    internal static bool IsHex(byte b) => b is >= (byte)'0' and <= (byte)'9' or >= (byte)'A' and <= (byte)'F' or >= (byte)'a' and <= (byte)'f';

    internal static int HexValue(byte b) => b switch
    {
        >= (byte)'0' and <= (byte)'9' => b - '0',
        >= (byte)'A' and <= (byte)'F' => b - 'A' + 10,
        _ => b - 'a' + 10,
    };
}

using System.Buffers;
using System.Text;

namespace RapidSms.Backends.Http.Protocol;

/// <summary>
/// Reads <c>application/x-www-form-urlencoded</c> text (a query string or a form body): finds a
/// parameter by name and decodes its value with <c>+</c> as space, <c>%XX</c> as a byte, and the bytes
/// in a given character set, strictly.
/// </summary>
/// <remarks>
/// Values are decoded to bytes before the character set is applied, so a gateway that sends
/// UTF-16BE (Kannel's <c>charset=UTF-16BE</c>) is read as faithfully as one that sends UTF-8. Characters
/// up to U+00FF that arrive unescaped stand for one byte each (a form body read as Latin-1); characters
/// above that are taken as UTF-8.
/// </remarks>
internal static class UrlEncoded
{
    /// <summary>A strict UTF-8: invalid bytes are an error, not U+FFFD.</summary>
    public static readonly Encoding StrictUtf8 = new UTF8Encoding(encoderShouldEmitUTF8Identifier: false, throwOnInvalidBytes: true);

    /// <summary>Finds the first parameter called <paramref name="name"/> and returns its still-encoded value.</summary>
    /// <param name="encoded">The query (with or without its leading <c>?</c>) or form body.</param>
    /// <param name="name">The parameter name, compared ordinally after decoding.</param>
    /// <param name="raw">The encoded value; empty for <c>name</c> or <c>name=</c>.</param>
    /// <returns>Whether the parameter is present.</returns>
    public static bool TryGetRaw(ReadOnlySpan<char> encoded, string name, out ReadOnlySpan<char> raw)
    {
        if (encoded.Length > 0 && encoded[0] == '?')
        {
            encoded = encoded[1..];
        }

        while (!encoded.IsEmpty)
        {
            var amp = encoded.IndexOf('&');
            var pair = amp < 0 ? encoded : encoded[..amp];
            encoded = amp < 0 ? [] : encoded[(amp + 1)..];
            if (pair.IsEmpty)
            {
                continue;
            }

            var equals = pair.IndexOf('=');
            var key = equals < 0 ? pair : pair[..equals];
            if (NameEquals(key, name))
            {
                raw = equals < 0 ? [] : pair[(equals + 1)..];
                return true;
            }
        }

        raw = default;
        return false;
    }

    /// <summary>Decodes an encoded value: <c>+</c> is a space, <c>%XX</c> a byte, then the bytes in <paramref name="encoding"/>.</summary>
    /// <param name="raw">The encoded value.</param>
    /// <param name="encoding">The character set of the bytes; it should throw on invalid input.</param>
    /// <param name="value">The decoded text.</param>
    /// <returns>False when an escape is malformed or the bytes are not valid in <paramref name="encoding"/>.</returns>
    public static bool TryDecode(ReadOnlySpan<char> raw, Encoding encoding, out string value)
    {
        ArgumentNullException.ThrowIfNull(encoding);
        if (raw.IndexOfAny('%', '+') < 0 && !raw.ContainsAnyExceptInRange((char)0x20, (char)0x7E) && IsAsciiCompatible(encoding))
        {
            // The common case: plain ASCII needs no byte round trip.
            value = raw.ToString();
            return true;
        }

        var rented = ArrayPool<byte>.Shared.Rent(raw.Length * 3);
        try
        {
            if (!TryDecodeBytes(raw, rented, out var length))
            {
                value = "";
                return false;
            }

            try
            {
                value = encoding.GetString(rented, 0, length);
                return true;
            }
            catch (DecoderFallbackException)
            {
                value = "";
                return false;
            }
        }
        finally
        {
            ArrayPool<byte>.Shared.Return(rented);
        }
    }

    /// <summary>Decodes an encoded value to its bytes.</summary>
    /// <param name="raw">The encoded value.</param>
    /// <param name="destination">At least three bytes per character of <paramref name="raw"/>.</param>
    /// <param name="written">How many bytes were written.</param>
    /// <returns>False when a <c>%</c> escape is malformed.</returns>
    public static bool TryDecodeBytes(ReadOnlySpan<char> raw, Span<byte> destination, out int written)
    {
        written = 0;
        for (var i = 0; i < raw.Length; i++)
        {
            var c = raw[i];
            switch (c)
            {
                case '+':
                    destination[written++] = (byte)' ';
                    break;
                case '%':
                    if (i + 2 >= raw.Length || !IsHex(raw[i + 1]) || !IsHex(raw[i + 2]))
                    {
                        return false;
                    }

                    destination[written++] = (byte)((HexValue(raw[i + 1]) << 4) | HexValue(raw[i + 2]));
                    i += 2;
                    break;
                case <= (char)0xFF:
                    destination[written++] = (byte)c;
                    break;
                default:
                    // Already text (a raw non-Latin-1 character): keep it as UTF-8.
                    var length = char.IsHighSurrogate(c) && i + 1 < raw.Length ? 2 : 1;
                    written += Encoding.UTF8.GetBytes(raw.Slice(i, length), destination[written..]);
                    i += length - 1;
                    break;
            }
        }

        return true;
    }

    private static bool NameEquals(ReadOnlySpan<char> key, string name)
    {
        if (key.IndexOfAny('%', '+') < 0)
        {
            return key.SequenceEqual(name);
        }

        return TryDecode(key, StrictUtf8, out var decoded) && string.Equals(decoded, name, StringComparison.Ordinal);
    }

    private static bool IsAsciiCompatible(Encoding encoding) =>
        encoding is UTF8Encoding || encoding.CodePage is 20127 or 28591 or 1252;

    private static bool IsHex(char c) => char.IsAsciiHexDigit(c);

    private static int HexValue(char c) => c <= '9' ? c - '0' : (c | 0x20) - 'a' + 10;
}

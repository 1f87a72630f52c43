using System.Text;

namespace RapidSms.Backends.Email.Protocol;

/// <summary>RFC 2047 encoded words ("=?utf-8?B?...?=") in header values.</summary>
internal static class EncodedWords
{
    // 75 is the RFC limit; 66 leaves room for "Subject: " on the first line of a header.
    private const int MaxWordLength = 66;

    /// <summary>
    /// Decodes every encoded word in <paramref name="value"/>. Whitespace between two adjacent encoded
    /// words is dropped, as the RFC says; a word with an unknown charset or broken encoding is kept as
    /// written rather than lost.
    /// </summary>
    public static string Decode(string value)
    {
        if (!value.Contains("=?", StringComparison.Ordinal))
        {
            return value;
        }

        var output = new StringBuilder(value.Length);
        var copied = 0;
        var afterWord = -1;
        var i = 0;
        while (i < value.Length)
        {
            if (value[i] == '=' && i + 1 < value.Length && value[i + 1] == '?' && TryReadWord(value, i, out var decoded, out var end))
            {
                var gap = value.AsSpan(copied, i - copied);
                if (!(afterWord == copied && gap.Trim(" \t\r\n").IsEmpty))
                {
                    output.Append(gap);
                }

                output.Append(decoded);
                copied = afterWord = i = end;
                continue;
            }

            i++;
        }

        output.Append(value.AsSpan(copied));
        return output.ToString();
    }

    /// <summary>
    /// Returns <paramref name="text"/> unchanged when it is printable ASCII, otherwise as UTF-8 "B"
    /// encoded words of at most 66 characters, separated by folding whitespace (CRLF SP).
    /// </summary>
    public static string Encode(string text)
    {
        if (!NeedsEncoding(text))
        {
            return text;
        }

        var output = new StringBuilder();
        const string prefix = "=?utf-8?B?";
        var maxBytes = (MaxWordLength - prefix.Length - 2) / 4 * 3;
        var start = 0;
        while (start < text.Length)
        {
            // Take whole characters (never split a surrogate pair) whose UTF-8 fits in one word.
            var end = start;
            var bytes = 0;
            while (end < text.Length)
            {
                var width = char.IsHighSurrogate(text[end]) && end + 1 < text.Length ? 2 : 1;
                var size = Encoding.UTF8.GetByteCount(text.AsSpan(end, width));
                if (bytes + size > maxBytes)
                {
                    break;
                }

                bytes += size;
                end += width;
            }

            if (output.Length > 0)
            {
                output.Append("\r\n ");
            }

            output.Append(prefix).Append(Convert.ToBase64String(Encoding.UTF8.GetBytes(text[start..end]))).Append("?=");
            start = end;
        }

        return output.ToString();
    }

    /// <summary>True when <paramref name="text"/> has characters that cannot stand in a header as they are.</summary>
    public static bool NeedsEncoding(string text)
    {
        foreach (var c in text)
        {
            if (c is < ' ' or > '~')
            {
                return true;
            }
        }

        return text.Contains("=?", StringComparison.Ordinal);
    }

    private static bool TryReadWord(string value, int start, out string decoded, out int end)
    {
        decoded = "";
        end = start;

        // =?charset[*lang]?encoding?text?=
        var charsetEnd = value.IndexOf('?', start + 2);
        if (charsetEnd < 0 || charsetEnd + 2 >= value.Length || value[charsetEnd + 2] != '?')
        {
            return false;
        }

        var textStart = charsetEnd + 3;
        var textEnd = value.IndexOf("?=", textStart, StringComparison.Ordinal);
        if (textEnd < 0)
        {
            return false;
        }

        var text = value.AsSpan(textStart, textEnd - textStart);
        if (text.ContainsAny(' ', '\t'))
        {
            return false;
        }

        var charset = value[(start + 2)..charsetEnd];
        var star = charset.IndexOf('*', StringComparison.Ordinal);
        if (star >= 0)
        {
            charset = charset[..star];
        }

        var raw = Encoding.Latin1.GetBytes(text.ToString());
        byte[] bytes;
        switch (value[charsetEnd + 1])
        {
            case 'B' or 'b':
                bytes = Base64.Decode(raw);
                break;
            case 'Q' or 'q':
                bytes = QuotedPrintable.Decode(raw, underscoreIsSpace: true);
                break;
            default:
                return false;
        }

        decoded = Charsets.Decode(bytes, Charsets.Find(charset));
        end = textEnd + 2;
        return true;
    }
}

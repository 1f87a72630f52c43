using System.Text;

namespace RapidSms.Backends.Email.Protocol;

/// <summary>Finds the <see cref="Encoding"/> for a MIME charset name, without registering anything process-wide.</summary>
internal static class Charsets
{
    private static readonly Encoding StrictUtf8 = new UTF8Encoding(encoderShouldEmitUTF8Identifier: false, throwOnInvalidBytes: true);

    /// <summary>Windows-1252, the usual truth behind mislabelled or unlabelled 8-bit Western text.</summary>
    public static Encoding Windows1252 { get; } = CodePagesEncodingProvider.Instance.GetEncoding(1252) ?? Encoding.Latin1;

    /// <summary>Returns the encoding for <paramref name="charset"/>, or <see langword="null"/> when it is unknown.</summary>
    public static Encoding? Find(string? charset)
    {
        if (string.IsNullOrWhiteSpace(charset))
        {
            return null;
        }

        var name = charset.Trim().Trim('"').ToLowerInvariant();
        switch (name)
        {
            case "utf-8" or "utf8" or "unicode-1-1-utf-8":
                return Encoding.UTF8;
            case "us-ascii" or "ascii" or "ansi_x3.4-1968":
                // 8-bit bytes in "ASCII" mail are almost always UTF-8 or Windows-1252; decoding handles both.
                return Encoding.UTF8;
            case "latin1" or "iso-8859-1" or "iso8859-1" or "iso_8859-1":
                return Encoding.Latin1;
        }

        if (name.StartsWith("iso8859-", StringComparison.Ordinal))
        {
            name = "iso-8859-" + name["iso8859-".Length..];
        }
        else if (name.StartsWith("cp125", StringComparison.Ordinal))
        {
            name = "windows-" + name[2..];
        }

        try
        {
            return CodePagesEncodingProvider.Instance.GetEncoding(name) ?? Encoding.GetEncoding(name);
        }
        catch (ArgumentException)
        {
            return null;
        }
    }

    /// <summary>
    /// Decodes <paramref name="bytes"/> in <paramref name="encoding"/>; UTF-8 that is not valid UTF-8, and text
    /// of no known charset, is read as UTF-8 when valid and as Windows-1252 otherwise.
    /// </summary>
    public static string Decode(ReadOnlySpan<byte> bytes, Encoding? encoding)
    {
        if (encoding is not null && encoding.CodePage != Encoding.UTF8.CodePage)
        {
            return encoding.GetString(bytes);
        }

        return DecodeUnknown(bytes);
    }

    /// <summary>Reads bytes of unknown charset: UTF-8 when valid, otherwise Windows-1252.</summary>
    public static string DecodeUnknown(ReadOnlySpan<byte> bytes)
    {
        if (!bytes.ContainsAnyExceptInRange((byte)0, (byte)0x7F))
        {
            return Encoding.ASCII.GetString(bytes);
        }

        try
        {
            return StrictUtf8.GetString(bytes);
        }
        catch (DecoderFallbackException)
        {
            return Windows1252.GetString(bytes);
        }
    }
}

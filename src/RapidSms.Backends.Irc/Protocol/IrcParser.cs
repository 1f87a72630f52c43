using System.Buffers;
using System.Text;

namespace RapidSms.Backends.Irc.Protocol;

/// <summary>Parses one IRC line (without its line ending) into an <see cref="IrcMessage"/>.</summary>
/// <remarks>
/// Text is decoded as UTF-8; a line that is not valid UTF-8 (older clients still send Latin-1) is decoded
/// as Latin-1 instead, so no byte is lost or replaced. IRCv3 tags are parsed and unescaped.
/// </remarks>
internal static class IrcParser
{
    private static readonly UTF8Encoding StrictUtf8 = new(encoderShouldEmitUTF8Identifier: false, throwOnInvalidBytes: true);

    /// <summary>Parses a line held in a sequence.</summary>
    /// <exception cref="FormatException">The line is not an IRC message.</exception>
    public static IrcMessage Parse(in ReadOnlySequence<byte> line) =>
        line.IsSingleSegment ? Parse(line.FirstSpan) : Parse((ReadOnlySpan<byte>)line.ToArray());

    /// <summary>Parses a line of bytes.</summary>
    /// <exception cref="FormatException">The line is not an IRC message.</exception>
    public static IrcMessage Parse(ReadOnlySpan<byte> line) => Parse(Decode(line));

    /// <summary>Decodes a line as UTF-8, or as Latin-1 when it is not valid UTF-8.</summary>
    public static string Decode(ReadOnlySpan<byte> line)
    {
        try
        {
            return StrictUtf8.GetString(line);
        }
        catch (DecoderFallbackException)
        {
            return Encoding.Latin1.GetString(line);
        }
    }

    /// <summary>Parses a decoded line.</summary>
    /// <exception cref="FormatException">The line is not an IRC message.</exception>
    public static IrcMessage Parse(string line)
    {
        ArgumentNullException.ThrowIfNull(line);
        var rest = line.AsSpan();
        Dictionary<string, string>? tags = null;
        if (rest.StartsWith('@'))
        {
            var end = rest.IndexOf(' ');
            if (end < 0)
            {
                throw new FormatException("The line has tags but no command.");
            }

            tags = ParseTags(rest[1..end]);
            rest = rest[(end + 1)..].TrimStart(' ');
        }

        string? prefix = null;
        if (rest.StartsWith(':'))
        {
            var end = rest.IndexOf(' ');
            if (end < 0)
            {
                throw new FormatException("The line has a prefix but no command.");
            }

            prefix = rest[1..end].ToString();
            if (prefix.Length == 0)
            {
                throw new FormatException("The line has an empty prefix.");
            }

            rest = rest[(end + 1)..].TrimStart(' ');
        }

        var commandEnd = rest.IndexOf(' ');
        var command = commandEnd < 0 ? rest : rest[..commandEnd];
        if (command.IsEmpty)
        {
            throw new FormatException("The line has no command.");
        }

        foreach (var c in command)
        {
            if (!char.IsAsciiLetterOrDigit(c))
            {
                throw new FormatException($"'{command}' is not an IRC command.");
            }
        }

        var parameters = new List<string>();
        rest = commandEnd < 0 ? [] : rest[(commandEnd + 1)..];
        while (true)
        {
            rest = rest.TrimStart(' ');
            if (rest.IsEmpty)
            {
                break;
            }

            if (rest[0] == ':')
            {
                parameters.Add(rest[1..].ToString());
                break;
            }

            var end = rest.IndexOf(' ');
            if (end < 0)
            {
                parameters.Add(rest.ToString());
                break;
            }

            parameters.Add(rest[..end].ToString());
            rest = rest[(end + 1)..];
        }

        return new IrcMessage(tags, prefix, command.ToString().ToUpperInvariant(), parameters);
    }

    private static Dictionary<string, string> ParseTags(ReadOnlySpan<char> tags)
    {
        var result = new Dictionary<string, string>(StringComparer.Ordinal);
        foreach (var range in tags.Split(';'))
        {
            var tag = tags[range];
            if (tag.IsEmpty)
            {
                continue;
            }

            var equals = tag.IndexOf('=');
            var key = (equals < 0 ? tag : tag[..equals]).ToString();
            var value = equals < 0 ? "" : Unescape(tag[(equals + 1)..]);
            result[key] = value; // the last of repeated keys wins (IRCv3)
        }

        return result;
    }

    private static string Unescape(ReadOnlySpan<char> value)
    {
        if (!value.Contains('\\'))
        {
            return value.ToString();
        }

        var text = new StringBuilder(value.Length);
        for (var i = 0; i < value.Length; i++)
        {
            if (value[i] != '\\')
            {
                text.Append(value[i]);
                continue;
            }

            if (++i == value.Length)
            {
                break; // a lone trailing backslash is dropped
            }

            text.Append(value[i] switch
            {
                ':' => ';',
                's' => ' ',
                'r' => '\r',
                'n' => '\n',
                var other => other,
            });
        }

        return text.ToString();
    }
}

using System.Text;

namespace RapidSms.Backends.Irc.Protocol;

/// <summary>Writes IRC lines: command, parameters and CR LF, at most 512 bytes in UTF-8.</summary>
internal static class IrcFormatter
{
    /// <summary>The longest line RFC 1459/2812 allows, CR LF included.</summary>
    public const int MaxLineBytes = 512;

    /// <summary>Whether a last parameter must be written as a trailing one (after a colon).</summary>
    public static bool NeedsTrailing(string parameter) =>
        parameter.Length == 0 || parameter[0] == ':' || parameter.Contains(' ', StringComparison.Ordinal);

    /// <summary>Formats a command and its parameters as one line with CR LF, in UTF-8.</summary>
    /// <exception cref="ArgumentException">
    /// A parameter holds CR, LF or NUL; a parameter other than the last is empty, holds a space or starts with
    /// a colon; or the line is longer than <see cref="MaxLineBytes"/>.
    /// </exception>
    public static byte[] Format(string command, params ReadOnlySpan<string> parameters)
    {
        ArgumentException.ThrowIfNullOrEmpty(command);
        var text = new StringBuilder(command.Length + 64).Append(command);
        for (var i = 0; i < parameters.Length; i++)
        {
            var parameter = parameters[i] ?? throw new ArgumentException($"Parameter {i} of {command} is null.", nameof(parameters));
            if (parameter.AsSpan().IndexOfAny('\r', '\n', '\0') >= 0)
            {
                throw new ArgumentException($"Parameter {i} of {command} contains a line break or NUL, which IRC cannot carry.", nameof(parameters));
            }

            text.Append(' ');
            if (i == parameters.Length - 1)
            {
                if (NeedsTrailing(parameter))
                {
                    text.Append(':');
                }
            }
            else if (NeedsTrailing(parameter))
            {
                throw new ArgumentException($"Parameter {i} of {command} is empty, holds a space or starts with ':'; only the last parameter may.", nameof(parameters));
            }

            text.Append(parameter);
        }

        text.Append("\r\n");
        var bytes = Encoding.UTF8.GetBytes(text.ToString());
        if (bytes.Length > MaxLineBytes)
        {
            throw new ArgumentException($"The {command} line is {bytes.Length} bytes long; IRC allows {MaxLineBytes} with CR LF.", nameof(parameters));
        }

        return bytes;
    }
}

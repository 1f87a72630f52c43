namespace RapidSms.Backends.Irc.Protocol;

/// <summary>
/// One IRC protocol message (RFC 1459/2812): optional IRCv3 tags, an optional prefix (the origin), a
/// command (a word or a three-digit numeric reply) and up to 15 parameters, the last of which may
/// contain spaces.
/// </summary>
internal sealed class IrcMessage
{
    private static readonly IReadOnlyDictionary<string, string> NoTags = new Dictionary<string, string>(StringComparer.Ordinal);

    public IrcMessage(string command, params IReadOnlyList<string> parameters)
        : this(tags: null, prefix: null, command, parameters)
    {
    }

    public IrcMessage(IReadOnlyDictionary<string, string>? tags, string? prefix, string command, IReadOnlyList<string> parameters)
    {
        ArgumentException.ThrowIfNullOrEmpty(command);
        ArgumentNullException.ThrowIfNull(parameters);
        Tags = tags ?? NoTags;
        Prefix = prefix;
        Command = command;
        Parameters = parameters;
    }

    /// <summary>IRCv3 message tags, unescaped; empty when the line had none.</summary>
    public IReadOnlyDictionary<string, string> Tags { get; }

    /// <summary>The origin (<c>nick!user@host</c> or a server name) without the leading colon, or null.</summary>
    public string? Prefix { get; }

    /// <summary>The command in upper case (<c>PRIVMSG</c>) or a numeric reply (<c>001</c>).</summary>
    public string Command { get; }

    /// <summary>The parameters, the trailing one included, without the colon that introduced it.</summary>
    public IReadOnlyList<string> Parameters { get; }

    /// <summary>The nick part of <see cref="Prefix"/> (before <c>!</c> or <c>@</c>), or null.</summary>
    public string? SourceNick
    {
        get
        {
            if (Prefix is null)
            {
                return null;
            }

            var end = Prefix.AsSpan().IndexOfAny('!', '@');
            return end < 0 ? Prefix : Prefix[..end];
        }
    }

    /// <summary>How many parameters there are.</summary>
    public int Count => Parameters.Count;

    /// <summary>Parameter <paramref name="index"/>, or an empty string when there is none.</summary>
    public string this[int index] => index >= 0 && index < Parameters.Count ? Parameters[index] : "";

    /// <summary>The line as it would be written, without the line ending.</summary>
    public override string ToString()
    {
        var text = new System.Text.StringBuilder();
        if (Prefix is not null)
        {
            text.Append(':').Append(Prefix).Append(' ');
        }

        text.Append(Command);
        for (var i = 0; i < Parameters.Count; i++)
        {
            text.Append(' ');
            if (i == Parameters.Count - 1 && IrcFormatter.NeedsTrailing(Parameters[i]))
            {
                text.Append(':');
            }

            text.Append(Parameters[i]);
        }

        return text.ToString();
    }
}

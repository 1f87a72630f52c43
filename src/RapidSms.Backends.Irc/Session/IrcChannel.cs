namespace RapidSms.Backends.Irc.Session;

/// <summary>A channel to join, with its key if it has one.</summary>
/// <param name="Name">The channel name, such as <c>#rapidsms</c>.</param>
/// <param name="Key">The channel key (password), or null.</param>
internal sealed record IrcChannel(string Name, string? Key)
{
    /// <summary>Reads <c>"#name"</c> or <c>"#name key"</c>.</summary>
    /// <exception cref="ArgumentException">The entry is not a channel name with an optional key.</exception>
    public static IrcChannel Parse(string entry)
    {
        ArgumentNullException.ThrowIfNull(entry);
        var parts = entry.Split(' ', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries);
        if (parts.Length is 0 or > 2
            || !Protocol.IrcNames.IsChannel(parts[0])
            || !Protocol.IrcNames.IsValidTarget(parts[0])
            || (parts.Length == 2 && !Protocol.IrcNames.IsValidTarget(parts[1])))
        {
#pragma warning disable CA2208 // Reported as the option's key.
            throw new ArgumentException(
                $"'{(parts.Length > 0 ? parts[0] : entry)}' is not a channel to join: write a channel name starting with #, &, + or !, optionally followed by a space and its key.",
                "Channels");
#pragma warning restore CA2208
        }

        return new IrcChannel(parts[0], parts.Length == 2 ? parts[1] : null);
    }
}

using System.Buffers;

namespace RapidSms.Backends.Irc.Protocol;

/// <summary>Rules for nicks and channel names.</summary>
internal static class IrcNames
{
    private static readonly SearchValues<char> NotInTargets = SearchValues.Create(" ,\r\n\0\a");

    /// <summary>The channel prefixes of RFC 2812, used until the server says otherwise (ISUPPORT CHANTYPES).</summary>
    public const string DefaultChannelTypes = "#&+!";

    /// <summary>Whether <paramref name="target"/> names a channel.</summary>
    public static bool IsChannel(string target, string channelTypes = DefaultChannelTypes) =>
        target.Length > 0 && channelTypes.Contains(target[0], StringComparison.Ordinal);

    /// <summary>
    /// Whether <paramref name="target"/> can be written as a PRIVMSG target: not empty, no space, comma,
    /// CR, LF, NUL or BEL, and not starting with a colon.
    /// </summary>
    public static bool IsValidTarget(string target) =>
        target.Length > 0 && target[0] != ':' && target.AsSpan().IndexOfAny(NotInTargets) < 0;

    /// <summary>
    /// Compares two nicks as IRC servers do: ignoring ASCII case and, under RFC 1459 case mapping (the
    /// default), treating <c>[]\~</c> as the upper case of <c>{}|^</c>.
    /// </summary>
    public static bool NickEquals(string a, string b, bool rfc1459 = true)
    {
        if (a.Length != b.Length)
        {
            return false;
        }

        for (var i = 0; i < a.Length; i++)
        {
            if (Fold(a[i], rfc1459) != Fold(b[i], rfc1459))
            {
                return false;
            }
        }

        return true;
    }

    private static char Fold(char c, bool rfc1459) => c switch
    {
        >= 'A' and <= 'Z' => (char)(c + 32),
        '[' when rfc1459 => '{',
        ']' when rfc1459 => '}',
        '\\' when rfc1459 => '|',
        '~' when rfc1459 => '^',
        _ => c,
    };
}

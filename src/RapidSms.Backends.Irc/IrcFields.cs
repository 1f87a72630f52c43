namespace RapidSms.Backends.Irc;

/// <summary>
/// Keys of the <see cref="MessageBase.Fields"/> the IRC backend sets on incoming messages and reads on outgoing ones.
/// </summary>
public static class IrcFields
{
    /// <summary>
    /// The channel a message was said in, such as <c>#rapidsms</c>; absent for a private message. On an outgoing
    /// message (or the incoming message it answers), the text goes to that channel addressed to the recipient
    /// (<c>nick: text</c>) instead of privately.
    /// </summary>
    public const string Channel = "irc.channel";

    /// <summary>The sender's full prefix, <c>nick!user@host</c>.</summary>
    public const string Hostmask = "irc.hostmask";
}

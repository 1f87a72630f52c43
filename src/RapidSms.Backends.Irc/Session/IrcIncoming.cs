namespace RapidSms.Backends.Irc.Session;

/// <summary>A message for the bot: a private message, or a channel line addressed to it (<c>bot: text</c>).</summary>
/// <param name="Nick">The sender's nick.</param>
/// <param name="Hostmask">The sender's full prefix (<c>nick!user@host</c>).</param>
/// <param name="Channel">The channel it was said in, or null for a private message.</param>
/// <param name="Text">The text, without the bot's nick when it was addressed in a channel.</param>
internal sealed record IrcIncoming(string Nick, string Hostmask, string? Channel, string Text);

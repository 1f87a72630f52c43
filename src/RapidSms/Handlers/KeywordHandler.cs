using System.Text.RegularExpressions;

namespace RapidSms;

/// <summary>
/// Answers messages that start with a keyword, like RapidSMS's <c>KeywordHandler</c>: "REGISTER John"
/// calls <see cref="HandleAsync"/> with "John"; "REGISTER" alone calls <see cref="HelpAsync"/>.
/// </summary>
/// <remarks>
/// Keywords match as whole words, case-insensitively, at the start of the message after optional
/// white space, and may be followed by white space or punctuation: <c>light</c> matches "light on"
/// and "LIGHT: on" but not "lightning".
/// </remarks>
/// <example>
/// <code>
/// public sealed class RegisterHandler() : KeywordHandler("register", "reg", "join")
/// {
///     public override string HelpText => "To register, send: REGISTER &lt;NAME&gt;";
///
///     protected override ValueTask HandleAsync(IncomingMessage message, string text, CancellationToken cancellationToken)
///     {
///         message.Respond($"Thank you for registering, {text}!");
///         return ValueTask.CompletedTask;
///     }
/// }
/// </code>
/// </example>
public abstract class KeywordHandler : IMessageHandler
{
    private readonly Regex _regex;

    /// <summary>Creates a handler for one or more keywords (synonyms).</summary>
    /// <param name="keywords">The keywords; the first is shown in help.</param>
    /// <exception cref="ArgumentException">No keyword was given, or one is empty.</exception>
    protected KeywordHandler(params string[] keywords)
    {
        ArgumentNullException.ThrowIfNull(keywords);
        if (keywords.Length == 0 || keywords.Any(string.IsNullOrWhiteSpace))
        {
            throw new ArgumentException("A keyword handler needs at least one non-empty keyword.", nameof(keywords));
        }

        Keywords = keywords.Select(k => k.Trim()).ToArray();
        _regex = BuildRegex(Keywords);
    }

    /// <summary>The keywords this handler answers to.</summary>
    public IReadOnlyList<string> Keywords { get; }

    /// <summary>What to tell a sender who sends the keyword alone, or asks HELP for it. Defaults to none.</summary>
    public virtual string? HelpText => null;

    /// <inheritdoc />
    public async ValueTask<bool> TryHandleAsync(IncomingMessage message, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(message);
        if (!TryMatch(message.Text, out var rest))
        {
            return false;
        }

        if (rest.Length == 0)
        {
            await HelpAsync(message, cancellationToken).ConfigureAwait(false);
        }
        else
        {
            await HandleAsync(message, rest, cancellationToken).ConfigureAwait(false);
        }

        return true;
    }

    /// <summary>Whether <paramref name="text"/> starts with one of the keywords, and what follows it.</summary>
    /// <param name="text">A message text.</param>
    /// <param name="rest">The text after the keyword and its separator, trimmed.</param>
    public bool TryMatch(string text, out string rest)
    {
        ArgumentNullException.ThrowIfNull(text);
        var match = _regex.Match(text);
        rest = match.Success ? match.Groups["rest"].Value.Trim() : string.Empty;
        return match.Success;
    }

    /// <summary>Handles the keyword followed by <paramref name="text"/>.</summary>
    /// <param name="message">The incoming message; answer with <see cref="IncomingMessage.Respond(string)"/>.</param>
    /// <param name="text">What followed the keyword, trimmed; never empty.</param>
    /// <param name="cancellationToken">Cancelled when the host stops.</param>
    protected abstract ValueTask HandleAsync(IncomingMessage message, string text, CancellationToken cancellationToken);

    /// <summary>Answers the keyword sent alone. The default responds with <see cref="HelpText"/>.</summary>
    /// <param name="message">The incoming message.</param>
    /// <param name="cancellationToken">Cancelled when the host stops.</param>
    protected virtual ValueTask HelpAsync(IncomingMessage message, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(message);
        message.Respond(HelpText ?? $"Send {Keywords[0].ToUpperInvariant()} followed by your message.");
        return ValueTask.CompletedTask;
    }

    private static Regex BuildRegex(IEnumerable<string> keywords)
    {
        // Longest first, so "reg" does not shadow "register"; inner spaces match any white space.
        var alternatives = keywords.OrderByDescending(k => k.Length)
            .Select(k => string.Join(@"\s+", k.Split((char[]?)null, StringSplitOptions.RemoveEmptyEntries).Select(Regex.Escape)));
        var pattern = $@"^\s*(?:{string.Join("|", alternatives)})(?:$|[\s\p{{P}}\p{{S}}]+(?<rest>.*))";
        return new Regex(pattern, RegexOptions.IgnoreCase | RegexOptions.CultureInvariant | RegexOptions.Singleline, TimeSpan.FromSeconds(1));
    }
}

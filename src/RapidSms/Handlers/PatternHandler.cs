using System.Text.RegularExpressions;

namespace RapidSms;

/// <summary>
/// Answers messages that match a regular expression, like RapidSMS's <c>PatternHandler</c>. The
/// pattern is matched against the text with leading and trailing white space removed; anchor it
/// with <c>^…$</c> to require the whole message to match.
/// </summary>
/// <example>
/// <code>
/// public sealed class SumHandler() : PatternHandler(@"^(\d+) plus (\d+)$")
/// {
///     protected override ValueTask HandleAsync(IncomingMessage message, Match match, CancellationToken cancellationToken)
///     {
///         var sum = int.Parse(match.Groups[1].Value) + int.Parse(match.Groups[2].Value);
///         message.Respond($"The sum is {sum}.");
///         return ValueTask.CompletedTask;
///     }
/// }
/// </code>
/// </example>
public abstract class PatternHandler : IMessageHandler
{
    /// <summary>Creates a handler for a pattern, matched case-insensitively by default.</summary>
    /// <param name="pattern">The regular expression; anchor it with <c>^…$</c> to match the whole text.</param>
    /// <param name="options">Regex options; defaults to case-insensitive, culture-invariant.</param>
    protected PatternHandler(string pattern, RegexOptions options = RegexOptions.IgnoreCase | RegexOptions.CultureInvariant)
    {
        ArgumentException.ThrowIfNullOrEmpty(pattern);
        Pattern = new Regex(pattern, options, TimeSpan.FromSeconds(1));
    }

    /// <summary>The compiled pattern.</summary>
    public Regex Pattern { get; }

    /// <summary>A short help text, or <see langword="null"/>.</summary>
    public virtual string? HelpText => null;

    /// <inheritdoc />
    public async ValueTask<bool> TryHandleAsync(IncomingMessage message, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(message);
        var match = Pattern.Match(message.Text.Trim());
        if (!match.Success)
        {
            return false;
        }

        await HandleAsync(message, match, cancellationToken).ConfigureAwait(false);
        return true;
    }

    /// <summary>Handles a matching message.</summary>
    /// <param name="message">The incoming message; answer with <see cref="IncomingMessage.Respond(string)"/>.</param>
    /// <param name="match">The match, with its groups.</param>
    /// <param name="cancellationToken">Cancelled when the host stops.</param>
    protected abstract ValueTask HandleAsync(IncomingMessage message, Match match, CancellationToken cancellationToken);
}

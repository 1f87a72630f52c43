using Microsoft.Extensions.DependencyInjection;

namespace RapidSms;

/// <summary>
/// Answers "HELP" with the list of keywords, and "HELP keyword" with that handler's help text.
/// </summary>
public sealed class HelpHandler : KeywordHandler
{
    private readonly IServiceProvider _services;

    /// <summary>Creates the handler for the keyword <c>help</c>.</summary>
    /// <param name="services">Where the other handlers are found (resolved lazily, since they include this one).</param>
    public HelpHandler(IServiceProvider services)
        : base("help")
    {
        ArgumentNullException.ThrowIfNull(services);
        _services = services;
    }

    /// <inheritdoc />
    public override string HelpText => "To see what you can send, send: HELP, or HELP <KEYWORD>";

    /// <inheritdoc />
    protected override ValueTask HandleAsync(IncomingMessage message, string text, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(message);
        var keywordHandlers = KeywordHandlers();
        var target = keywordHandlers.FirstOrDefault(h => h.TryMatch(text, out _));
        if (target is null)
        {
            message.Respond($"Unknown keyword '{text}'. {ListKeywords(keywordHandlers)}");
        }
        else
        {
            message.Respond(target.HelpText ?? $"No help is available for {target.Keywords[0].ToUpperInvariant()}.");
        }

        return ValueTask.CompletedTask;
    }

    /// <inheritdoc />
    protected override ValueTask HelpAsync(IncomingMessage message, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(message);
        message.Respond($"{ListKeywords(KeywordHandlers())} Send HELP <KEYWORD> for more.");
        return ValueTask.CompletedTask;
    }

    private List<KeywordHandler> KeywordHandlers() => _services.GetServices<IMessageHandler>().OfType<KeywordHandler>().ToList();

    private static string ListKeywords(IEnumerable<KeywordHandler> handlers) =>
        $"Available keywords: {string.Join(", ", handlers.Select(h => h.Keywords[0].ToUpperInvariant()))}.";
}

using Microsoft.Extensions.Options;

namespace RapidSms;

/// <summary>What the default response app answers.</summary>
public sealed class DefaultResponseOptions
{
    /// <summary>The reply to a message no app handled. Defaults to "Sorry, we didn't understand your message. Send HELP for help.".</summary>
    public string Text { get; set; } = "Sorry, we didn't understand your message. Send HELP for help.";
}

/// <summary>
/// Answers every message no app handled (RapidSMS contrib's default app). Register it last with
/// <c>AddDefaultResponse()</c> so more specific default phases run first.
/// </summary>
public sealed class DefaultResponseApp : AppBase
{
    private readonly IOptionsMonitor<DefaultResponseOptions> _options;

    /// <summary>Creates the app.</summary>
    /// <param name="options">The response text.</param>
    public DefaultResponseApp(IOptionsMonitor<DefaultResponseOptions> options)
    {
        ArgumentNullException.ThrowIfNull(options);
        _options = options;
    }

    /// <inheritdoc />
    public override ValueTask<bool> DefaultAsync(IncomingMessage message, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(message);
        message.Respond(_options.CurrentValue.Text);
        return Handled;
    }
}

namespace RapidSms;

/// <summary>Answers "ECHO text" with "text" (RapidSMS contrib's echo handler).</summary>
public sealed class EchoHandler : KeywordHandler
{
    /// <summary>Creates the handler for the keyword <c>echo</c>.</summary>
    public EchoHandler()
        : base("echo")
    {
    }

    /// <inheritdoc />
    public override string HelpText => "To echo some text, send: ECHO <ANYTHING>";

    /// <inheritdoc />
    protected override ValueTask HandleAsync(IncomingMessage message, string text, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(message);
        message.Respond(text);
        return ValueTask.CompletedTask;
    }
}

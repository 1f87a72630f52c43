namespace RapidSms;

/// <summary>Answers "PING" with "pong", to check that the service is alive.</summary>
public sealed class PingHandler : KeywordHandler
{
    /// <summary>The reply: <c>pong</c>.</summary>
    public const string Reply = "pong";

    /// <summary>Creates the handler for the keyword <c>ping</c>.</summary>
    public PingHandler()
        : base("ping")
    {
    }

    /// <inheritdoc />
    public override string HelpText => "To check the service is up, send: PING";

    /// <inheritdoc />
    protected override ValueTask HandleAsync(IncomingMessage message, string text, CancellationToken cancellationToken) => Pong(message);

    /// <inheritdoc />
    protected override ValueTask HelpAsync(IncomingMessage message, CancellationToken cancellationToken) => Pong(message);

    private static ValueTask Pong(IncomingMessage message)
    {
        ArgumentNullException.ThrowIfNull(message);
        message.Respond(Reply);
        return ValueTask.CompletedTask;
    }
}

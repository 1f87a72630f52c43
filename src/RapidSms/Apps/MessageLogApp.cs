using Microsoft.Extensions.Logging;

namespace RapidSms;

/// <summary>
/// Logs every incoming and outgoing message (RapidSMS contrib's message log, kept in the log instead
/// of a database): direction, id, backend and identity at Information, the text at Debug only.
/// Register it first with <c>AddMessageLog()</c> so it sees incoming messages before other apps and
/// outgoing ones last.
/// </summary>
public sealed partial class MessageLogApp : AppBase
{
    private readonly ILogger _logger;

    /// <summary>Creates the app.</summary>
    /// <param name="logger">Where messages are logged (category <c>RapidSms.MessageLogApp</c>).</param>
    public MessageLogApp(ILogger<MessageLogApp> logger)
    {
        ArgumentNullException.ThrowIfNull(logger);
        _logger = logger;
    }

    /// <inheritdoc />
    public override ValueTask ParseAsync(IncomingMessage message, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(message);
        Incoming(_logger, message.Id, message.Connection.Backend, message.Connection.Identity);
        IncomingText(_logger, message.Id, message.Text);
        return ValueTask.CompletedTask;
    }

    /// <inheritdoc />
    public override ValueTask<bool> OutgoingAsync(OutgoingMessage message, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(message);
        foreach (var connection in message.Connections)
        {
            Outgoing(_logger, message.Id, connection.Backend, connection.Identity, message.InResponseTo?.Id);
        }

        OutgoingText(_logger, message.Id, message.Text);
        return new ValueTask<bool>(true);
    }

    [LoggerMessage(EventId = 3000, EventName = "IncomingMessage", Level = LogLevel.Information, Message = "In {MessageId} from {Backend}:{Identity}")]
    private static partial void Incoming(ILogger logger, string messageId, string backend, string identity);

    [LoggerMessage(EventId = 3001, EventName = "IncomingText", Level = LogLevel.Debug, Message = "In {MessageId}: {Text}")]
    private static partial void IncomingText(ILogger logger, string messageId, string text);

    [LoggerMessage(EventId = 3002, EventName = "OutgoingMessage", Level = LogLevel.Information, Message = "Out {MessageId} to {Backend}:{Identity} in response to {InResponseTo}")]
    private static partial void Outgoing(ILogger logger, string messageId, string backend, string identity, string? inResponseTo);

    [LoggerMessage(EventId = 3003, EventName = "OutgoingText", Level = LogLevel.Debug, Message = "Out {MessageId}: {Text}")]
    private static partial void OutgoingText(ILogger logger, string messageId, string text);
}

using Microsoft.Extensions.Logging;

namespace RapidSms.Backends.Email;

/// <summary>The email backend's log events (7000-7099). Names and ids are frozen once shipped.</summary>
internal static partial class Log
{
    [LoggerMessage(EventId = 7000, EventName = "ImapConnected", Level = LogLevel.Information,
        Message = "Email backend {Backend} reads {Mailbox} on {Server} ({Waiting})")]
    public static partial void ImapConnected(ILogger logger, string backend, string mailbox, string server, string waiting);

    [LoggerMessage(EventId = 7001, EventName = "ImapConnectionLost", Level = LogLevel.Warning,
        Message = "Email backend {Backend} lost the IMAP link to {Server}; reconnecting in {Delay}")]
    public static partial void ImapConnectionLost(ILogger logger, string backend, string server, TimeSpan delay, Exception exception);

    [LoggerMessage(EventId = 7002, EventName = "MailRouted", Level = LogLevel.Debug,
        Message = "Email backend {Backend} routed mail UID {Uid} from {Identity}")]
    public static partial void MailRouted(ILogger logger, string backend, uint uid, string identity);

    [LoggerMessage(EventId = 7003, EventName = "MailSetAside", Level = LogLevel.Warning,
        Message = "Email backend {Backend} set mail UID {Uid} aside (marked seen and flagged, not routed): {Reason}")]
    public static partial void MailSetAside(ILogger logger, string backend, uint uid, string reason);

    [LoggerMessage(EventId = 7004, EventName = "MailRepaired", Level = LogLevel.Warning,
        Message = "Email backend {Backend} routed mail UID {Uid} with the text it could recover: {Problems}")]
    public static partial void MailRepaired(ILogger logger, string backend, uint uid, string problems);

    [LoggerMessage(EventId = 7005, EventName = "MailFetchFailed", Level = LogLevel.Warning,
        Message = "Email backend {Backend} could not fetch mail UID {Uid} (attempt {Attempt})")]
    public static partial void MailFetchFailed(ILogger logger, string backend, uint uid, int attempt, Exception exception);

    [LoggerMessage(EventId = 7006, EventName = "PendingAcknowledged", Level = LogLevel.Information,
        Message = "Email backend {Backend} marked mail UID {Uid} seen after reconnecting; the router already had it")]
    public static partial void PendingAcknowledged(ILogger logger, string backend, uint uid);

    [LoggerMessage(EventId = 7007, EventName = "SendFailed", Level = LogLevel.Warning,
        Message = "Email backend {Backend} could not send message {MessageId} to a recipient (transient: {Transient}): {Error}")]
    public static partial void SendFailed(ILogger logger, string backend, string messageId, bool transient, string error);

    [LoggerMessage(EventId = 7008, EventName = "ProtocolTrace", Level = LogLevel.Trace,
        Message = "Email backend {Backend} {Protocol} {Direction} {Line}")]
    public static partial void ProtocolTrace(ILogger logger, string backend, string protocol, string direction, string line);

    [LoggerMessage(EventId = 7009, EventName = "MailSent", Level = LogLevel.Debug,
        Message = "Email backend {Backend} sent message {MessageId} as {MailMessageId}")]
    public static partial void MailSent(ILogger logger, string backend, string messageId, string mailMessageId);

    [LoggerMessage(EventId = 7010, EventName = "ImapPolling", Level = LogLevel.Information,
        Message = "Email backend {Backend}: the IMAP server does not offer IDLE (or it is off); polling every {Interval}")]
    public static partial void ImapPolling(ILogger logger, string backend, TimeSpan interval);

    [LoggerMessage(EventId = 7011, EventName = "MailRoutingFailed", Level = LogLevel.Error,
        Message = "Email backend {Backend} could not hand mail UID {Uid} to the router; it is set aside")]
    public static partial void MailRoutingFailed(ILogger logger, string backend, uint uid, Exception exception);

    [LoggerMessage(EventId = 7012, EventName = "MailMarkFailed", Level = LogLevel.Error,
        Message = "Email backend {Backend} could not mark mail UID {Uid} seen ({Error}); it is skipped until restart, and may be read again then")]
    public static partial void MailMarkFailed(ILogger logger, string backend, uint uid, string error);

    [LoggerMessage(EventId = 7013, EventName = "MailUnreadable", Level = LogLevel.Error,
        Message = "Email backend {Backend} could not read mail UID {Uid}; it is set aside")]
    public static partial void MailUnreadable(ILogger logger, string backend, uint uid, Exception exception);
}

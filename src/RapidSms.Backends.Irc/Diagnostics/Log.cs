using Microsoft.Extensions.Logging;

namespace RapidSms.Backends.Irc.Diagnostics;

// Event ids 8000-8099 belong to the IRC backend. They are frozen once shipped: add new ones, never renumber.
internal static partial class Log
{
    [LoggerMessage(EventId = 8000, EventName = "IrcConnecting", Level = LogLevel.Information, Message = "Backend {Backend} connecting to {Server}:{Port} (TLS: {Tls}) as {Nick}")]
    public static partial void Connecting(ILogger logger, string backend, string server, int port, bool tls, string nick);

    [LoggerMessage(EventId = 8001, EventName = "IrcRegistered", Level = LogLevel.Information, Message = "Backend {Backend} registered on {Server} as {Nick}")]
    public static partial void Registered(ILogger logger, string backend, string server, string nick);

    [LoggerMessage(EventId = 8002, EventName = "IrcConnectionLost", Level = LogLevel.Warning, Message = "Backend {Backend} lost its link to {Server}; reconnect attempt {Attempt} in {Delay}")]
    public static partial void ConnectionLost(ILogger logger, Exception? exception, string backend, string server, int attempt, TimeSpan delay);

    [LoggerMessage(EventId = 8003, EventName = "IrcNickUnavailable", Level = LogLevel.Warning, Message = "Backend {Backend}: nick {Nick} is unavailable ({Reason}); trying {Next}")]
    public static partial void NickUnavailable(ILogger logger, string backend, string nick, string reason, string next);

    [LoggerMessage(EventId = 8004, EventName = "IrcJoined", Level = LogLevel.Information, Message = "Backend {Backend} joined {Channel}")]
    public static partial void Joined(ILogger logger, string backend, string channel);

    [LoggerMessage(EventId = 8005, EventName = "IrcJoinFailed", Level = LogLevel.Warning, Message = "Backend {Backend} could not join {Channel}: {Reason}")]
    public static partial void JoinFailed(ILogger logger, string backend, string channel, string reason);

    [LoggerMessage(EventId = 8006, EventName = "IrcServerError", Level = LogLevel.Warning, Message = "Backend {Backend}: the server closed the link: {Reason}")]
    public static partial void ServerError(ILogger logger, string backend, string reason);

    [LoggerMessage(EventId = 8007, EventName = "IrcNoticeIgnored", Level = LogLevel.Debug, Message = "Backend {Backend} ignored a NOTICE from {Sender}: notices are never answered")]
    public static partial void NoticeIgnored(ILogger logger, string backend, string sender);

    [LoggerMessage(EventId = 8008, EventName = "IrcCtcpAnswered", Level = LogLevel.Debug, Message = "Backend {Backend} answered CTCP {Command} from {Sender}")]
    public static partial void CtcpAnswered(ILogger logger, string backend, string command, string sender);

    [LoggerMessage(EventId = 8009, EventName = "IrcCtcpIgnored", Level = LogLevel.Debug, Message = "Backend {Backend} ignored CTCP {Command} from {Sender}")]
    public static partial void CtcpIgnored(ILogger logger, string backend, string command, string sender);

    [LoggerMessage(EventId = 8010, EventName = "IrcIncomingNotAccepted", Level = LogLevel.Warning, Message = "Backend {Backend}: a message from {Sender} arrived while the host was stopping and was not processed")]
    public static partial void IncomingNotAccepted(ILogger logger, string backend, string sender);

    [LoggerMessage(EventId = 8011, EventName = "IrcIncomingFailed", Level = LogLevel.Error, Message = "Backend {Backend}: handing a message from {Sender} to the router failed")]
    public static partial void IncomingFailed(ILogger logger, Exception exception, string backend, string sender);

    [LoggerMessage(EventId = 8012, EventName = "IrcOversizedLine", Level = LogLevel.Warning, Message = "Backend {Backend} skipped a line from the server longer than {Limit} bytes")]
    public static partial void OversizedLine(ILogger logger, string backend, int limit);

    [LoggerMessage(EventId = 8013, EventName = "IrcMalformedLine", Level = LogLevel.Warning, Message = "Backend {Backend} skipped a malformed line from the server ({Error}): {Line}")]
    public static partial void MalformedLine(ILogger logger, string backend, string error, string line);

    [LoggerMessage(EventId = 8014, EventName = "IrcSaslSucceeded", Level = LogLevel.Information, Message = "Backend {Backend} logged in with SASL PLAIN as {Account}")]
    public static partial void SaslSucceeded(ILogger logger, string backend, string account);

    [LoggerMessage(EventId = 8015, EventName = "IrcSaslFailed", Level = LogLevel.Error, Message = "Backend {Backend}: SASL login failed: {Reason}")]
    public static partial void SaslFailed(ILogger logger, string backend, string reason);

    [LoggerMessage(EventId = 8016, EventName = "IrcQuit", Level = LogLevel.Information, Message = "Backend {Backend} left {Server}")]
    public static partial void Quit(ILogger logger, string backend, string server);

    [LoggerMessage(EventId = 8017, EventName = "IrcPingTimeout", Level = LogLevel.Warning, Message = "Backend {Backend}: no answer from {Server} for {Idle}; dropping the link")]
    public static partial void PingTimeout(ILogger logger, string backend, string server, TimeSpan idle);

    [LoggerMessage(EventId = 8018, EventName = "IrcPasswordRejected", Level = LogLevel.Error, Message = "Backend {Backend}: the server rejected the password")]
    public static partial void PasswordRejected(ILogger logger, string backend);

    [LoggerMessage(EventId = 8019, EventName = "IrcSendFailed", Level = LogLevel.Debug, Message = "Backend {Backend} could not send to {Target}: {Reason}")]
    public static partial void SendFailed(ILogger logger, string backend, string target, string reason);

    [LoggerMessage(EventId = 8020, EventName = "IrcFloodDelayed", Level = LogLevel.Trace, Message = "Backend {Backend}: flood control held a line to {Target}")]
    public static partial void FloodDelayed(ILogger logger, string backend, string target);

    [LoggerMessage(EventId = 8021, EventName = "IrcNickRegained", Level = LogLevel.Information, Message = "Backend {Backend} has its own nick {Nick} again")]
    public static partial void NickRegained(ILogger logger, string backend, string nick);

    [LoggerMessage(EventId = 8022, EventName = "IrcKicked", Level = LogLevel.Warning, Message = "Backend {Backend} was kicked from {Channel} by {By}: {Reason}")]
    public static partial void Kicked(ILogger logger, string backend, string channel, string by, string reason);
}

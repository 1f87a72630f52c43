using Microsoft.Extensions.Logging;

namespace RapidSms;

// Event ids are frozen once shipped: add new ones, never renumber.
internal static partial class Log
{
    [LoggerMessage(EventId = 1000, EventName = "MessageReceived", Level = LogLevel.Debug, Message = "Incoming message {MessageId} from {Backend}")]
    public static partial void MessageReceived(ILogger logger, string messageId, string backend);

    [LoggerMessage(EventId = 1001, EventName = "MessageFiltered", Level = LogLevel.Information, Message = "Incoming message {MessageId} was filtered by app {App}")]
    public static partial void MessageFiltered(ILogger logger, string messageId, string app);

    [LoggerMessage(EventId = 1002, EventName = "MessageHandled", Level = LogLevel.Debug, Message = "Incoming message {MessageId} was handled by app {App}")]
    public static partial void MessageHandled(ILogger logger, string messageId, string app);

    [LoggerMessage(EventId = 1003, EventName = "AppFailed", Level = LogLevel.Error, Message = "App {App} threw in the {Phase} phase for message {MessageId}; the other apps carry on")]
    public static partial void AppFailed(ILogger logger, Exception exception, string app, string phase, string messageId);

    [LoggerMessage(EventId = 1004, EventName = "MessageCancelled", Level = LogLevel.Information, Message = "Outgoing message {MessageId} was cancelled by app {App}")]
    public static partial void MessageCancelled(ILogger logger, string messageId, string app);

    [LoggerMessage(EventId = 1005, EventName = "ResponseFailed", Level = LogLevel.Error, Message = "Sending response {ResponseId} to incoming message {MessageId} failed")]
    public static partial void ResponseFailed(ILogger logger, Exception exception, string responseId, string messageId);

    [LoggerMessage(EventId = 1006, EventName = "SendFailed", Level = LogLevel.Warning, Message = "Backend {Backend} failed to send message {MessageId} to {Count} recipient(s) on attempt {Attempt}: {Error}")]
    public static partial void SendFailed(ILogger logger, string backend, string messageId, int count, int attempt, string error);

    [LoggerMessage(EventId = 1007, EventName = "SendThrew", Level = LogLevel.Warning, Message = "Backend {Backend} threw while sending message {MessageId} (attempt {Attempt})")]
    public static partial void SendThrew(ILogger logger, Exception exception, string backend, string messageId, int attempt);

    [LoggerMessage(EventId = 1008, EventName = "SendRetrying", Level = LogLevel.Information, Message = "Retrying message {MessageId} on backend {Backend} for {Count} recipient(s) in {Delay}")]
    public static partial void SendRetrying(ILogger logger, string messageId, string backend, int count, TimeSpan delay);

    [LoggerMessage(EventId = 1009, EventName = "DeliveryReportObserverFailed", Level = LogLevel.Error, Message = "Delivery report observer {Observer} threw for a report from {Backend}")]
    public static partial void DeliveryReportObserverFailed(ILogger logger, Exception exception, string observer, string backend);

    [LoggerMessage(EventId = 1010, EventName = "MessageSent", Level = LogLevel.Debug, Message = "Outgoing message {MessageId} sent through {Backend} to {Count} recipient(s)")]
    public static partial void MessageSent(ILogger logger, string messageId, string backend, int count);

    [LoggerMessage(EventId = 1011, EventName = "MissingRecipientResult", Level = LogLevel.Warning, Message = "Backend {Backend} returned no result for a recipient of message {MessageId}; counting it as failed")]
    public static partial void MissingRecipientResult(ILogger logger, string backend, string messageId);

    [LoggerMessage(EventId = 2000, EventName = "BackendStarting", Level = LogLevel.Information, Message = "Starting backend {Backend} ({Type})")]
    public static partial void BackendStarting(ILogger logger, string backend, string type);

    [LoggerMessage(EventId = 2001, EventName = "BackendLoopFailed", Level = LogLevel.Error, Message = "Backend {Backend} stopped with an error; restart {Restart} in {Delay}")]
    public static partial void BackendLoopFailed(ILogger logger, Exception exception, string backend, int restart, TimeSpan delay);

    [LoggerMessage(EventId = 2002, EventName = "BackendStopping", Level = LogLevel.Information, Message = "Stopping backend {Backend}")]
    public static partial void BackendStopping(ILogger logger, string backend);

    [LoggerMessage(EventId = 2003, EventName = "BackendStopFailed", Level = LogLevel.Error, Message = "Backend {Backend} failed to stop cleanly")]
    public static partial void BackendStopFailed(ILogger logger, Exception exception, string backend);

    [LoggerMessage(EventId = 2004, EventName = "Draining", Level = LogLevel.Information, Message = "Router stopped accepting messages; draining {Count} in flight")]
    public static partial void Draining(ILogger logger, long count);

    [LoggerMessage(EventId = 2005, EventName = "DrainAbandoned", Level = LogLevel.Warning, Message = "Shutdown timed out with {Count} message(s) still in flight; cancelling them")]
    public static partial void DrainAbandoned(ILogger logger, long count);

    [LoggerMessage(EventId = 2006, EventName = "RouterStarted", Level = LogLevel.Information, Message = "RapidSms started with {Apps} app(s) and {Backends} backend(s): {BackendNames}")]
    public static partial void RouterStarted(ILogger logger, int apps, int backends, string backendNames);
}

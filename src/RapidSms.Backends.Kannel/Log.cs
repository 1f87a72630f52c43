using Microsoft.Extensions.Logging;

namespace RapidSms.Backends.Kannel;

/// <summary>Log events of the Kannel backend (event ids 4500–4599). Ids and names are frozen once shipped.</summary>
internal static partial class Log
{
    [LoggerMessage(EventId = 4500, EventName = "Listening", Level = LogLevel.Information, Message = "Backend {Backend} listens for Kannel's get-url and delivery reports on {Address}")]
    public static partial void Listening(ILogger logger, string backend, Uri address);

    [LoggerMessage(EventId = 4501, EventName = "RequestRejected", Level = LogLevel.Warning, Message = "Backend {Backend} rejected a request from Kannel with {Status}: {Reason}")]
    public static partial void RequestRejected(ILogger logger, string backend, int status, string reason);

    [LoggerMessage(EventId = 4502, EventName = "RouterClosed", Level = LogLevel.Information, Message = "Backend {Backend} answered Kannel with 503: the router is shutting down (set http-request-retry in Kannel's smsbox group so it tries again)")]
    public static partial void RouterClosed(ILogger logger, string backend);

    [LoggerMessage(EventId = 4503, EventName = "ReceiveFailed", Level = LogLevel.Error, Message = "Backend {Backend} failed to hand a message or delivery report from Kannel to the router")]
    public static partial void ReceiveFailed(ILogger logger, string backend, Exception exception);

    [LoggerMessage(EventId = 4504, EventName = "DeliveryReportReceived", Level = LogLevel.Debug, Message = "Backend {Backend} received a delivery report for message {MessageId} to {Identity}: type {Type} ({Status})")]
    public static partial void DeliveryReportReceived(ILogger logger, string backend, string? messageId, string identity, int type, DeliveryStatus status);

    [LoggerMessage(EventId = 4510, EventName = "Sent", Level = LogLevel.Debug, Message = "Backend {Backend} handed message {MessageId} for {Identity} to Kannel: HTTP {Status} {Answer}")]
    public static partial void Sent(ILogger logger, string backend, string messageId, string identity, int status, string answer);

    [LoggerMessage(EventId = 4511, EventName = "SendFailed", Level = LogLevel.Warning, Message = "Backend {Backend} could not hand message {MessageId} for {Identity} to Kannel (transient: {IsTransient}): {Reason}")]
    public static partial void SendFailed(ILogger logger, string backend, string messageId, string identity, bool isTransient, string reason);

    [LoggerMessage(EventId = 4512, EventName = "NoDeliveryReportUrl", Level = LogLevel.Warning, Message = "Backend {Backend} asks Kannel for no delivery reports: set DeliveryReportUrl (or ListenUrl) so Kannel knows where to send them")]
    public static partial void NoDeliveryReportUrl(ILogger logger, string backend);
}

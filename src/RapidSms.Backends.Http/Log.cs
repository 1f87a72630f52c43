using Microsoft.Extensions.Logging;

namespace RapidSms.Backends.Http;

/// <summary>Log events of the HTTP backend (4000–4049) and of MapRapidSmsHttp (4050–4099). Ids and names are frozen once shipped.</summary>
internal static partial class Log
{
    [LoggerMessage(EventId = 4000, EventName = "Listening", Level = LogLevel.Information, Message = "Backend {Backend} listens for webhooks on {Address}")]
    public static partial void Listening(ILogger logger, string backend, Uri address);

    [LoggerMessage(EventId = 4001, EventName = "RequestRejected", Level = LogLevel.Warning, Message = "Backend {Backend} rejected a webhook request with {Status}: {Reason}")]
    public static partial void RequestRejected(ILogger logger, string backend, int status, string reason);

    [LoggerMessage(EventId = 4002, EventName = "RouterClosed", Level = LogLevel.Information, Message = "Backend {Backend} answered a webhook request with 503: the router is shutting down, the gateway should retry")]
    public static partial void RouterClosed(ILogger logger, string backend);

    [LoggerMessage(EventId = 4003, EventName = "ReceiveFailed", Level = LogLevel.Error, Message = "Backend {Backend} failed to hand a webhook message from {Identity} to the router")]
    public static partial void ReceiveFailed(ILogger logger, string backend, string identity, Exception exception);

    [LoggerMessage(EventId = 4010, EventName = "Sent", Level = LogLevel.Debug, Message = "Backend {Backend} sent message {MessageId} to {Identity}: HTTP {Status}, gateway id {BackendMessageId}")]
    public static partial void Sent(ILogger logger, string backend, string messageId, string identity, int status, string? backendMessageId);

    [LoggerMessage(EventId = 4011, EventName = "SendFailed", Level = LogLevel.Warning, Message = "Backend {Backend} could not send message {MessageId} to {Identity} (transient: {IsTransient}): {Reason}")]
    public static partial void SendFailed(ILogger logger, string backend, string messageId, string identity, bool isTransient, string reason);

    [LoggerMessage(EventId = 4012, EventName = "NoSendUrl", Level = LogLevel.Warning, Message = "Backend {Backend} has no SendSmsUrl: message {MessageId} cannot be sent through it")]
    public static partial void NoSendUrl(ILogger logger, string backend, string messageId);

    [LoggerMessage(EventId = 4050, EventName = "EndpointMisconfigured", Level = LogLevel.Error, Message = "MapRapidSmsHttp: backend {Backend} cannot take webhook requests: {Reason}")]
    public static partial void EndpointMisconfigured(ILogger logger, string backend, string reason);
}

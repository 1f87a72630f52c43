using Microsoft.Extensions.Logging;

namespace RapidSms.Samples.Kannel;

/// <summary>Logs every delivery report Kannel sends back: which message, which phone, what happened.</summary>
internal sealed partial class DeliveryLog(ILogger<DeliveryLog> logger) : IDeliveryReportObserver
{
    public ValueTask OnDeliveryReportAsync(DeliveryReport report, CancellationToken cancellationToken)
    {
        LogReport(logger, report.MessageId, report.Identity, report.Status, report.Detail);
        return ValueTask.CompletedTask;
    }

    [LoggerMessage(EventId = 1, Level = LogLevel.Information, Message = "Message {MessageId} to {Identity}: {Status} ({Detail})")]
    private static partial void LogReport(ILogger logger, string? messageId, string identity, DeliveryStatus status, string? detail);
}

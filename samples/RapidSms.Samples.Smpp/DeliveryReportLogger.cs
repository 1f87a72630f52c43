using Microsoft.Extensions.Logging;
using RapidSms;

namespace RapidSms.Samples.Smpp;

/// <summary>Logs each delivery report the SMSC sends for a message this host sent.</summary>
internal sealed partial class DeliveryReportLogger(ILogger<DeliveryReportLogger> logger) : IDeliveryReportObserver
{
    public ValueTask OnDeliveryReportAsync(DeliveryReport report, CancellationToken cancellationToken)
    {
        Reported(logger, report.MessageId ?? "(unknown)", report.Identity, report.Status, report.BackendMessageId ?? "-");
        return ValueTask.CompletedTask;
    }

    [LoggerMessage(1, LogLevel.Information, "Message {MessageId} to {Identity}: {Status} (SMSC id {SmscId}).")]
    private static partial void Reported(ILogger logger, string messageId, string identity, DeliveryStatus status, string smscId);
}

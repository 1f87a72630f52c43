namespace RapidSms;

/// <summary>
/// Receives delivery reports. Apps that implement it are called too; others register with
/// <c>AddDeliveryReportObserver&lt;T&gt;()</c>.
/// </summary>
public interface IDeliveryReportObserver
{
    /// <summary>Called once per delivery report, in the order the backend reported them.</summary>
    /// <param name="report">The report.</param>
    /// <param name="cancellationToken">Cancelled when the host stops.</param>
    ValueTask OnDeliveryReportAsync(DeliveryReport report, CancellationToken cancellationToken);
}

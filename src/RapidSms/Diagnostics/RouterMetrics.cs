using System.Diagnostics;
using System.Diagnostics.Metrics;

namespace RapidSms;

internal sealed class RouterMetrics : IDisposable
{
    private readonly Meter _meter;
    private readonly bool _ownsMeter;

    public RouterMetrics(IMeterFactory? meterFactory)
    {
        if (meterFactory is null)
        {
            _meter = new Meter(RapidSmsTelemetry.Name);
            _ownsMeter = true;
        }
        else
        {
            _meter = meterFactory.Create(RapidSmsTelemetry.Name);
        }

        Received = _meter.CreateCounter<long>(RapidSmsTelemetry.MessagesReceived, "{message}", "Incoming messages accepted by the router.");
        Sent = _meter.CreateCounter<long>(RapidSmsTelemetry.MessagesSent, "{message}", "Recipients a message was sent to.");
        Failed = _meter.CreateCounter<long>(RapidSmsTelemetry.MessagesFailed, "{message}", "Recipients a send failed for, after retries.");
        Filtered = _meter.CreateCounter<long>(RapidSmsTelemetry.MessagesFiltered, "{message}", "Incoming messages dropped by a filter.");
        Cancelled = _meter.CreateCounter<long>(RapidSmsTelemetry.MessagesCancelled, "{message}", "Outgoing messages cancelled by an outgoing phase.");
        AppErrors = _meter.CreateCounter<long>(RapidSmsTelemetry.AppErrors, "{error}", "Exceptions thrown by apps.");
        PhaseDuration = _meter.CreateHistogram<double>(RapidSmsTelemetry.PhaseDuration, "s", "Time one phase took for one message.");
        SendDuration = _meter.CreateHistogram<double>(RapidSmsTelemetry.SendDuration, "s", "Time one backend send call took.");
        DeliveryReports = _meter.CreateCounter<long>(RapidSmsTelemetry.DeliveryReports, "{report}", "Delivery reports received.");
        BackendRestarts = _meter.CreateCounter<long>(RapidSmsTelemetry.BackendRestarts, "{restart}", "Backend receive-loop restarts after a failure.");
        InFlight = _meter.CreateUpDownCounter<long>(RapidSmsTelemetry.MessagesInFlight, "{message}", "Incoming messages in the router.");
    }

    public Counter<long> Received { get; }

    public Counter<long> Sent { get; }

    public Counter<long> Failed { get; }

    public Counter<long> Filtered { get; }

    public Counter<long> Cancelled { get; }

    public Counter<long> AppErrors { get; }

    public Histogram<double> PhaseDuration { get; }

    public Histogram<double> SendDuration { get; }

    public Counter<long> DeliveryReports { get; }

    public Counter<long> BackendRestarts { get; }

    public UpDownCounter<long> InFlight { get; }

    public static KeyValuePair<string, object?> Backend(string name) => new(RapidSmsTelemetry.BackendTag, name);

    public void Dispose()
    {
        if (_ownsMeter)
        {
            _meter.Dispose();
        }
    }
}

internal static class RapidSmsActivity
{
    public static readonly ActivitySource Source = new(RapidSmsTelemetry.Name);
}

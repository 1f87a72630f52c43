using System.Collections.Concurrent;
using System.Diagnostics.Metrics;
using RapidSms.Backends.Smpp.Protocol;

namespace RapidSms.Backends.Smpp;

/// <summary>The SMPP backend's instruments on the <c>RapidSms</c> meter, each measurement tagged with the backend's name.</summary>
internal sealed class SmppMetrics
{
    private static readonly ConcurrentDictionary<SmppCommandStatus, string> StatusNames = new();

    private readonly KeyValuePair<string, object?> _backend;
    private readonly Counter<long> _submits;
    private readonly Histogram<double> _submitDuration;
    private readonly Counter<long> _timeouts;
    private readonly Counter<long> _reconnects;

    public SmppMetrics(Meter meter, string backend, Func<IEnumerable<Measurement<int>>> bound, Func<int> outstanding)
    {
        _backend = new KeyValuePair<string, object?>(RapidSmsTelemetry.BackendTag, backend);
        _submits = meter.CreateCounter<long>(SmppTelemetry.Submits, "{pdu}", "submit_sm and submit_multi PDUs the SMSC answered, by command status.");
        _submitDuration = meter.CreateHistogram<double>(SmppTelemetry.SubmitDuration, "s", "Time from writing a submit_sm or submit_multi to the SMSC's answer.");
        _timeouts = meter.CreateCounter<long>(SmppTelemetry.RequestTimeouts, "{request}", "Requests the SMSC did not answer within the request timeout.");
        _reconnects = meter.CreateCounter<long>(SmppTelemetry.Reconnects, "{reconnect}", "Times a link was lost or could not bind, before the next attempt.");
        meter.CreateObservableGauge(SmppTelemetry.LinksBound, bound, "{link}", "1 for each bound link, 0 for a link that is down.");
        meter.CreateObservableGauge(SmppTelemetry.RequestsOutstanding, () => new Measurement<int>(outstanding(), _backend), "{request}", "Requests sent and not answered yet.");
    }

    public KeyValuePair<string, object?> BackendTag => _backend;

    /// <summary>Whether a submit's round trip is measured, so the caller reads the clock only then.</summary>
    public bool TimesSubmits => _submitDuration.Enabled;

    public void Answered(SmppCommandStatus status, TimeSpan? roundTrip)
    {
        if (_submits.Enabled)
        {
            _submits.Add(1, _backend, new KeyValuePair<string, object?>(SmppTelemetry.CommandStatusTag, StatusName(status)));
        }

        if (roundTrip is { } elapsed)
        {
            _submitDuration.Record(elapsed.TotalSeconds, _backend);
        }
    }

    public void TimedOut() => _timeouts.Add(1, _backend);

    public void Reconnecting(string role) => _reconnects.Add(1, _backend, new KeyValuePair<string, object?>(SmppTelemetry.BindTag, role));

    // The enum's name for the statuses SMPP 3.4 defines; the hexadecimal value for an SMSC's own.
    private static string StatusName(SmppCommandStatus status) =>
        StatusNames.GetOrAdd(status, static s => Enum.IsDefined(s) ? s.ToString() : $"0x{(uint)s:X8}");
}

using System.Diagnostics.Metrics;

namespace RapidSms.Backends.Irc.Diagnostics;

/// <summary>The IRC backend's instruments on the <c>RapidSms</c> meter, each measurement tagged with the backend's name.</summary>
internal sealed class IrcMetrics
{
    private readonly KeyValuePair<string, object?> _backend;
    private readonly Counter<long> _reconnects;

    public IrcMetrics(Meter meter, string backend, Func<bool> connected, Func<int> queuedLines)
    {
        _backend = new KeyValuePair<string, object?>(RapidSmsTelemetry.BackendTag, backend);
        _reconnects = meter.CreateCounter<long>(IrcTelemetry.Reconnects, "{reconnect}", "Times the link was lost or could not register, before the next attempt.");
        meter.CreateObservableGauge(IrcTelemetry.Connected, () => new Measurement<int>(connected() ? 1 : 0, _backend), "{state}", "1 while the bot is registered with the server, else 0.");
        meter.CreateObservableGauge(IrcTelemetry.SendQueue, () => new Measurement<int>(queuedLines(), _backend), "{line}", "Lines of outgoing messages not written yet.");
    }

    public void Reconnecting() => _reconnects.Add(1, _backend);
}

namespace RapidSms.Backends.Gsm;

/// <summary>Names of the GSM backend's instruments on the <c>RapidSms</c> meter; each measurement carries the <c>rapidsms.backend</c> tag.</summary>
public static class GsmTelemetry
{
    /// <summary>Gauge: the modem's signal strength in dBm (absent while unknown).</summary>
    public const string SignalStrength = "rapidsms.gsm.signal.strength";

    /// <summary>Gauge: 1 while the modem is registered on a network (home or roaming), else 0.</summary>
    public const string Registered = "rapidsms.gsm.network.registered";

    /// <summary>Gauge: 1 while the link is ready, else 0.</summary>
    public const string Ready = "rapidsms.gsm.ready";

    /// <summary>Counter: messages read from the modem and handed to the router.</summary>
    public const string MessagesReceived = "rapidsms.gsm.messages.received";

    /// <summary>Counter: parts the modem accepted for sending.</summary>
    public const string PartsSent = "rapidsms.gsm.parts.sent";

    /// <summary>Counter: sends that failed after retries (tag <c>error.type</c>).</summary>
    public const string SendFailures = "rapidsms.gsm.send.failures";

    /// <summary>Counter: status reports received.</summary>
    public const string StatusReports = "rapidsms.gsm.status_reports";

    /// <summary>Counter: times the link was reopened.</summary>
    public const string Reconnects = "rapidsms.gsm.reconnects";

    /// <summary>Gauge: stored messages that cannot be decoded and are left on the SIM.</summary>
    public const string ParkedMessages = "rapidsms.gsm.messages.parked";
}

namespace RapidSms.Backends.Irc;

/// <summary>
/// Names of the IRC backend's instruments on the <c>RapidSms</c> meter; each measurement carries the
/// <c>rapidsms.backend</c> tag. Listed in docs/telemetry.md.
/// </summary>
public static class IrcTelemetry
{
    /// <summary>Gauge: 1 while the bot is registered with the server, else 0 (<c>{state}</c>).</summary>
    public const string Connected = "rapidsms.irc.connected";

    /// <summary>Counter: times the link was lost or could not register, before the next attempt (<c>{reconnect}</c>).</summary>
    public const string Reconnects = "rapidsms.irc.reconnects";

    /// <summary>Gauge: lines of outgoing messages waiting for flood control or for the link, not written yet (<c>{line}</c>).</summary>
    public const string SendQueue = "rapidsms.irc.send_queue";
}

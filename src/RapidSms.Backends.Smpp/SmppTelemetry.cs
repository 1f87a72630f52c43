namespace RapidSms.Backends.Smpp;

/// <summary>
/// Names of the SMPP backend's instruments on the <c>RapidSms</c> meter, and of their tags; each measurement also
/// carries the <c>rapidsms.backend</c> tag. Listed in docs/telemetry.md.
/// </summary>
public static class SmppTelemetry
{
    /// <summary>Gauge: 1 for each bound link and 0 for a link that is down (<c>{link}</c>; tag <see cref="BindTag"/>).</summary>
    public const string LinksBound = "rapidsms.smpp.links.bound";

    /// <summary>Gauge: requests sent on the backend's links and not answered yet (<c>{request}</c>).</summary>
    public const string RequestsOutstanding = "rapidsms.smpp.requests.outstanding";

    /// <summary>Counter: submit_sm and submit_multi PDUs the SMSC answered, each part and each resend counted (<c>{pdu}</c>; tag <see cref="CommandStatusTag"/>).</summary>
    public const string Submits = "rapidsms.smpp.submits";

    /// <summary>Histogram: time from writing a submit_sm or submit_multi to the SMSC's answer (<c>s</c>).</summary>
    public const string SubmitDuration = "rapidsms.smpp.submit.duration";

    /// <summary>Counter: requests the SMSC did not answer within the request timeout (<c>{request}</c>).</summary>
    public const string RequestTimeouts = "rapidsms.smpp.request.timeouts";

    /// <summary>Counter: times a link was lost or could not bind, before the next attempt (<c>{reconnect}</c>; tag <see cref="BindTag"/>).</summary>
    public const string Reconnects = "rapidsms.smpp.reconnects";

    /// <summary>Tag: the link's bind type, <c>transceiver</c>, <c>transmitter</c> or <c>receiver</c>.</summary>
    public const string BindTag = "rapidsms.smpp.bind";

    /// <summary>Tag: the answer's command status, as its <see cref="Protocol.SmppCommandStatus"/> name (<c>Ok</c>, <c>Throttled</c>, …) or, for a status SMPP 3.4 does not define, its value in hexadecimal (<c>0x00000400</c>).</summary>
    public const string CommandStatusTag = "rapidsms.smpp.command_status";
}

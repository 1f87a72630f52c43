namespace RapidSms;

/// <summary>
/// The names RapidSms publishes telemetry under: one <see cref="System.Diagnostics.Metrics.Meter"/> and one
/// <see cref="System.Diagnostics.ActivitySource"/>, both named <see cref="Name"/>. Listed in docs/telemetry.md.
/// </summary>
public static class RapidSmsTelemetry
{
    /// <summary>The meter and activity source name: <c>RapidSms</c>.</summary>
    public const string Name = "RapidSms";

    /// <summary>Counter of incoming messages accepted by the router (<c>{message}</c>; tag <c>rapidsms.backend</c>).</summary>
    public const string MessagesReceived = "rapidsms.messages.received";

    /// <summary>Counter of recipients a message was sent to (<c>{message}</c>; tag <c>rapidsms.backend</c>).</summary>
    public const string MessagesSent = "rapidsms.messages.sent";

    /// <summary>Counter of recipients a send failed for, after retries (<c>{message}</c>; tags <c>rapidsms.backend</c>, <c>error.type</c>).</summary>
    public const string MessagesFailed = "rapidsms.messages.failed";

    /// <summary>Counter of incoming messages dropped by a filter (<c>{message}</c>; tag <c>rapidsms.app</c>).</summary>
    public const string MessagesFiltered = "rapidsms.messages.filtered";

    /// <summary>Counter of outgoing messages cancelled by an outgoing phase (<c>{message}</c>; tag <c>rapidsms.app</c>).</summary>
    public const string MessagesCancelled = "rapidsms.messages.cancelled";

    /// <summary>Counter of exceptions thrown by apps (<c>{error}</c>; tags <c>rapidsms.app</c>, <c>rapidsms.phase</c>, <c>error.type</c>).</summary>
    public const string AppErrors = "rapidsms.app.errors";

    /// <summary>Histogram of the time one phase took for one message across all apps (<c>s</c>; tag <c>rapidsms.phase</c>).</summary>
    public const string PhaseDuration = "rapidsms.router.phase.duration";

    /// <summary>Histogram of the time one backend send call took (<c>s</c>; tags <c>rapidsms.backend</c>, <c>error.type</c> on failure).</summary>
    public const string SendDuration = "rapidsms.backend.send.duration";

    /// <summary>Counter of delivery reports (<c>{report}</c>; tags <c>rapidsms.backend</c>, <c>rapidsms.delivery.status</c>).</summary>
    public const string DeliveryReports = "rapidsms.delivery_reports";

    /// <summary>Counter of backend receive-loop restarts after a failure (<c>{restart}</c>; tag <c>rapidsms.backend</c>).</summary>
    public const string BackendRestarts = "rapidsms.backend.restarts";

    /// <summary>Up-down counter of incoming messages in the router, waiting or processing (<c>{message}</c>).</summary>
    public const string MessagesInFlight = "rapidsms.router.messages.in_flight";

    /// <summary>Tag: the backend's registered name.</summary>
    public const string BackendTag = "rapidsms.backend";

    /// <summary>Tag: the app's name.</summary>
    public const string AppTag = "rapidsms.app";

    /// <summary>Tag: the phase (filter, parse, handle, default, cleanup, outgoing).</summary>
    public const string PhaseTag = "rapidsms.phase";

    /// <summary>Tag: the delivery status.</summary>
    public const string DeliveryStatusTag = "rapidsms.delivery.status";

    /// <summary>Tag: the message id (on activities only).</summary>
    public const string MessageIdTag = "rapidsms.message.id";

    /// <summary>Tag (OpenTelemetry): the kind of error.</summary>
    public const string ErrorTypeTag = "error.type";

    /// <summary>Activity for one incoming message through the phases and its responses.</summary>
    public const string ReceiveActivity = "rapidsms.receive";

    /// <summary>Activity for one outgoing message through the outgoing phase and the backends.</summary>
    public const string SendActivity = "rapidsms.send";
}

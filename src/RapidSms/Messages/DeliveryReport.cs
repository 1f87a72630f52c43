namespace RapidSms;

/// <summary>Where an outgoing message is on its way to a handset, as a backend last heard.</summary>
public enum DeliveryStatus
{
    /// <summary>The backend reported a state it could not map.</summary>
    Unknown = 0,

    /// <summary>Accepted and waiting to be sent (buffered at a gateway or SMSC).</summary>
    Queued,

    /// <summary>Handed to the network (SMSC acknowledgement).</summary>
    Sent,

    /// <summary>Delivered to the handset or mailbox.</summary>
    Delivered,

    /// <summary>Could not be delivered.</summary>
    Failed,

    /// <summary>Its validity period ran out before delivery.</summary>
    Expired,

    /// <summary>Refused by the gateway, SMSC or network.</summary>
    Rejected,
}

/// <summary>
/// A delivery report for one recipient of an outgoing message, correlated to the message where
/// the backend knows it.
/// </summary>
/// <param name="Backend">The name of the backend that reported it.</param>
/// <param name="Identity">The recipient the report is about.</param>
/// <param name="Status">The reported state.</param>
/// <param name="Timestamp">When the state was reached, as reported, or when the report arrived.</param>
public sealed record DeliveryReport(string Backend, string Identity, DeliveryStatus Status, DateTimeOffset Timestamp)
{
    /// <summary>The id of our <see cref="OutgoingMessage"/>, when the backend could correlate it.</summary>
    public string? MessageId { get; init; }

    /// <summary>The id the gateway or SMSC gave the message (SMPP message_id, Kannel's id, modem reference).</summary>
    public string? BackendMessageId { get; init; }

    /// <summary>A protocol error code where one was given (an SMPP <c>err:</c> value, a CMS error).</summary>
    public string? ErrorCode { get; init; }

    /// <summary>The report as received, for diagnostics (a receipt text, a status line).</summary>
    public string? Detail { get; init; }

    /// <summary>Whether the status is final: nothing more will be reported for this recipient.</summary>
    public bool IsFinal => Status is DeliveryStatus.Delivered or DeliveryStatus.Failed or DeliveryStatus.Expired or DeliveryStatus.Rejected;
}

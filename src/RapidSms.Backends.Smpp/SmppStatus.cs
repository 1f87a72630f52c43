using RapidSms.Backends.Smpp.Protocol;

namespace RapidSms.Backends.Smpp;

/// <summary>The one place that decides what an SMSC status means for a send: throttling, temporary (retry) or permanent.</summary>
internal static class SmppStatus
{
    /// <summary>ESME_RTHROTTLED and ESME_RMSGQFUL: pause the bind and send the same PDU again first.</summary>
    public static bool IsThrottling(SmppCommandStatus status) =>
        status is SmppCommandStatus.Throttled or SmppCommandStatus.MessageQueueFull;

    /// <summary>Statuses that may succeed when the same PDU is sent again a little later.</summary>
    public static bool IsTemporary(SmppCommandStatus status) =>
        IsThrottling(status) || status is SmppCommandStatus.SystemError or SmppCommandStatus.InvalidBindStatus
            or SmppCommandStatus.ReceiverTemporaryAppError or SmppCommandStatus.UnknownError;

    /// <summary>The delivery status a permanent submit failure is reported with.</summary>
    public static DeliveryStatus ToDeliveryStatus(SmppCommandStatus status) =>
        IsTemporary(status) ? DeliveryStatus.Failed : DeliveryStatus.Rejected;

    /// <summary>The status named for people: <c>ESME_RINVDSTADR (0x0B)</c> style, by enum name.</summary>
    public static string Describe(SmppCommandStatus status) => $"{status} (0x{(uint)status:X2})";

    /// <summary>Maps a receipt's <c>stat:</c> text to a delivery status, and whether it is final.</summary>
    public static (DeliveryStatus Status, bool IsFinal) FromReceiptState(string state) => state.Trim().ToUpperInvariant() switch
    {
        "DELIVRD" or "DELIVERED" => (DeliveryStatus.Delivered, true),
        "EXPIRED" => (DeliveryStatus.Expired, true),
        "DELETED" => (DeliveryStatus.Failed, true),
        "UNDELIV" or "UNDELIVERABLE" => (DeliveryStatus.Failed, true),
        "REJECTD" or "REJECTED" => (DeliveryStatus.Rejected, true),
        "ACCEPTD" or "ACCEPTED" => (DeliveryStatus.Sent, false),
        "ENROUTE" => (DeliveryStatus.Sent, false),
        _ => (DeliveryStatus.Unknown, true),
    };

    /// <summary>Maps the message_state optional parameter to a delivery status, and whether it is final.</summary>
    public static (DeliveryStatus Status, bool IsFinal) FromMessageState(uint state) => state switch
    {
        1 => (DeliveryStatus.Sent, false),
        2 => (DeliveryStatus.Delivered, true),
        3 => (DeliveryStatus.Expired, true),
        4 => (DeliveryStatus.Failed, true),
        5 => (DeliveryStatus.Failed, true),
        6 => (DeliveryStatus.Sent, false),
        8 => (DeliveryStatus.Rejected, true),
        _ => (DeliveryStatus.Unknown, true),
    };
}

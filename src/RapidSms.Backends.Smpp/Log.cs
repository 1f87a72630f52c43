using Microsoft.Extensions.Logging;
using RapidSms.Backends.Smpp.Protocol;

namespace RapidSms.Backends.Smpp;

/// <summary>The SMPP backend's log messages; event ids 5000–5099, frozen once shipped.</summary>
internal static partial class Log
{
    [LoggerMessage(5000, LogLevel.Information, "SMPP backend {Backend}: connecting the {Role} to {Host}:{Port}.", EventName = "SmppConnecting")]
    public static partial void Connecting(ILogger logger, string backend, string role, string host, int port);

    [LoggerMessage(5001, LogLevel.Information, "SMPP backend {Backend}: {Role} bound as system_id '{SystemId}' (SMSC '{SmscSystemId}').", EventName = "SmppBound")]
    public static partial void Bound(ILogger logger, string backend, string role, string systemId, string smscSystemId);

    [LoggerMessage(5002, LogLevel.Warning, "SMPP backend {Backend}: the {Role} could not connect or bind: {Reason}", EventName = "SmppBindFailed")]
    public static partial void BindFailed(ILogger logger, string backend, string role, string reason);

    [LoggerMessage(5003, LogLevel.Warning, "SMPP backend {Backend}: the {Role} link closed: {Reason}", EventName = "SmppConnectionLost")]
    public static partial void ConnectionLost(ILogger logger, string backend, string role, string reason);

    [LoggerMessage(5004, LogLevel.Information, "SMPP backend {Backend}: reconnecting the {Role} in {Delay} (attempt {Attempt}).", EventName = "SmppReconnecting")]
    public static partial void Reconnecting(ILogger logger, string backend, string role, TimeSpan delay, int attempt);

    [LoggerMessage(5005, LogLevel.Information, "SMPP backend {Backend}: unbinding the {Role}.", EventName = "SmppUnbinding")]
    public static partial void Unbinding(ILogger logger, string backend, string role);

    [LoggerMessage(5006, LogLevel.Debug, "SMPP backend {Backend}: the {Role}'s unbind was not answered: {Reason}", EventName = "SmppUnbindNotAnswered")]
    public static partial void UnbindNotAnswered(ILogger logger, string backend, string role, string reason);

    [LoggerMessage(5007, LogLevel.Information, "SMPP backend {Backend}: the SMSC unbound the {Role}; answered and closing.", EventName = "SmppUnbindBySmsc")]
    public static partial void UnbindBySmsc(ILogger logger, string backend, string role);

    [LoggerMessage(5008, LogLevel.Warning, "SMPP backend {Backend}: the SMSC did not answer the {Role}'s enquire_link within {Timeout}; closing the dead link.", EventName = "SmppDeadLink")]
    public static partial void DeadLink(ILogger logger, string backend, string role, TimeSpan timeout);

    [LoggerMessage(5009, LogLevel.Warning, "SMPP backend {Backend}: the SMSC sent the {Role} a PDU with command_length {Length} (allowed 16 to {Max}); closing the link.", EventName = "SmppBadFrame")]
    public static partial void BadFrame(ILogger logger, string backend, string role, uint length, int max);

    [LoggerMessage(5010, LogLevel.Warning, "SMPP backend {Backend}: malformed PDU on the {Role}, answered with generic_nack: {Reason}", EventName = "SmppMalformedPdu")]
    public static partial void MalformedPdu(ILogger logger, string backend, string role, string reason);

    [LoggerMessage(5011, LogLevel.Warning, "SMPP backend {Backend}: the SMSC sent the {Role} command 0x{CommandId:X8} (seq {Sequence}) an ESME does not accept; answered with generic_nack.", EventName = "SmppUnexpectedCommand")]
    public static partial void UnexpectedCommand(ILogger logger, string backend, string role, uint commandId, uint sequence);

    [LoggerMessage(5012, LogLevel.Warning, "SMPP backend {Backend}: the SMSC answered the {Role}'s request seq {Sequence} with generic_nack {Status}.", EventName = "SmppGenericNack")]
    public static partial void GenericNackReceived(ILogger logger, string backend, string role, SmppCommandStatus status, uint sequence);

    [LoggerMessage(5013, LogLevel.Debug, "SMPP backend {Backend}: response 0x{CommandId:X8} seq {Sequence} on the {Role} matches no request (it may have timed out).", EventName = "SmppUnmatchedResponse")]
    public static partial void UnmatchedResponse(ILogger logger, string backend, string role, uint commandId, uint sequence);

    [LoggerMessage(5014, LogLevel.Information, "SMPP backend {Backend}: the SMSC answered {Status}; pausing the bind for {Pause} and resending the same PDU first.", EventName = "SmppThrottled")]
    public static partial void Throttled(ILogger logger, string backend, SmppCommandStatus status, TimeSpan pause);

    [LoggerMessage(5015, LogLevel.Warning, "SMPP backend {Backend}: submit to {Identity} failed: {Error}", EventName = "SmppSubmitFailed")]
    public static partial void SubmitFailed(ILogger logger, string backend, string identity, string error);

    [LoggerMessage(5016, LogLevel.Information, "SMPP backend {Backend}: resending a part to {Identity} (attempt {Attempt}): {Reason}", EventName = "SmppSubmitRetry")]
    public static partial void SubmitRetry(ILogger logger, string backend, string identity, int attempt, string reason);

    [LoggerMessage(5017, LogLevel.Warning, "SMPP backend {Backend}: a message from {Identity} was not accepted ({Reason}); answered {Status} so the SMSC delivers it again.", EventName = "SmppIncomingRejected")]
    public static partial void IncomingRejected(ILogger logger, string backend, string identity, string reason, SmppCommandStatus status);

    [LoggerMessage(5018, LogLevel.Debug, "SMPP backend {Backend}: receipt for SMSC id {MessageId} matches no message sent by this backend.", EventName = "SmppReceiptUncorrelated")]
    public static partial void ReceiptUncorrelated(ILogger logger, string backend, string messageId);

    [LoggerMessage(5019, LogLevel.Warning, "SMPP backend {Backend}: only {Received} of {Total} parts of message {Reference} from {Identity} arrived within {Timeout}; delivering what arrived.", EventName = "SmppReassemblyTimedOut")]
    public static partial void ReassemblyTimedOut(ILogger logger, string backend, string identity, int reference, int received, int total, TimeSpan timeout);

    [LoggerMessage(5020, LogLevel.Information, "SMPP backend {Backend}: alert_notification: {Identity} is available.", EventName = "SmppAlertNotification")]
    public static partial void AlertNotification(ILogger logger, string backend, string identity);

    [LoggerMessage(5021, LogLevel.Warning, "SMPP backend {Backend}: the SMSC sent outbind; this backend connects by itself, so it is ignored.", EventName = "SmppOutbindIgnored")]
    public static partial void OutbindIgnored(ILogger logger, string backend);

    [LoggerMessage(5022, LogLevel.Warning, "SMPP backend {Backend}: the SMSC's {Command} had a malformed user data header; delivering the octets after it as text.", EventName = "SmppMalformedUdh")]
    public static partial void MalformedUdh(ILogger logger, string backend, SmppCommandId command);

    [LoggerMessage(5023, LogLevel.Warning, "SMPP backend {Backend}: could not report delivery of SMSC id {MessageId}: {Reason}", EventName = "SmppReceiptNotReported")]
    public static partial void ReceiptNotReported(ILogger logger, string backend, string messageId, string reason);

    [LoggerMessage(5024, LogLevel.Information, "SMPP backend {Backend}: stopping; answered {Count} request(s) from the SMSC with {Status} so it delivers them again later.", EventName = "SmppRefusedWhileStopping")]
    public static partial void RefusedWhileStopping(ILogger logger, string backend, int count, SmppCommandStatus status);

    [LoggerMessage(5025, LogLevel.Debug, "SMPP backend {Backend}: {Command} seq {Sequence} from the SMSC queued on the {Role}.", EventName = "SmppRequestQueued")]
    public static partial void RequestQueued(ILogger logger, string backend, SmppCommandId command, uint sequence, string role);

    [LoggerMessage(5026, LogLevel.Debug, "SMPP backend {Backend}: answered {Count} part(s) of incomplete incoming message(s) after {Timeout} without a further part; they are kept in memory until the rest arrives.", EventName = "SmppPartsAnsweredEarly")]
    public static partial void PartsAnsweredEarly(ILogger logger, string backend, int count, TimeSpan timeout);
}

using Microsoft.Extensions.Logging;

namespace RapidSms.Backends.Gsm;

/// <summary>The GSM backend's log messages. Event ids 6000–6099; names are frozen once shipped.</summary>
internal static partial class Log
{
    [LoggerMessage(6000, LogLevel.Trace, "{Backend} > {Command}", EventName = "GsmAtCommandSent")]
    public static partial void AtCommandSent(ILogger logger, string backend, string command);

    [LoggerMessage(6001, LogLevel.Trace, "{Backend} < {Line}", EventName = "GsmAtLineReceived")]
    public static partial void AtLineReceived(ILogger logger, string backend, string line);

    [LoggerMessage(6002, LogLevel.Debug, "{Backend}: {Command} ended with {Result}", EventName = "GsmAtCommandCompleted")]
    public static partial void AtCommandCompleted(ILogger logger, string backend, string command, string result);

    [LoggerMessage(6003, LogLevel.Warning, "{Backend}: dropped {Length} bytes from the modem that never ended a line", EventName = "GsmOversizedLine")]
    public static partial void OversizedLine(ILogger logger, string backend, long length);

    [LoggerMessage(6004, LogLevel.Debug, "{Backend}: ignored a final result no command was waiting for: {Line}", EventName = "GsmStrayFinalResult")]
    public static partial void StrayFinalResult(ILogger logger, string backend, string line);

    [LoggerMessage(6010, LogLevel.Information, "{Backend}: opening the modem at {Port}", EventName = "GsmOpening")]
    public static partial void Opening(ILogger logger, string backend, string port);

    [LoggerMessage(6011, LogLevel.Information, "{Backend}: modem ready ({Manufacturer} {Model}, {Mode} mode, registration {Registration}, operator {Operator}, signal {Signal})", EventName = "GsmReady")]
    public static partial void Ready(ILogger logger, string backend, string? manufacturer, string? model, string mode, string registration, string? @operator, string signal);

    [LoggerMessage(6012, LogLevel.Warning, "{Backend}: the modem link failed; reopening in {Delay}", EventName = "GsmLinkFailed")]
    public static partial void LinkFailed(ILogger logger, string backend, TimeSpan delay, Exception exception);

    [LoggerMessage(6013, LogLevel.Warning, "{Backend}: {Command} is not supported by this modem; continuing without it: {Reason}", EventName = "GsmOptionalCommandFailed")]
    public static partial void OptionalCommandFailed(ILogger logger, string backend, string command, string reason);

    [LoggerMessage(6014, LogLevel.Warning, "{Backend}: not registered on a network after {Timeout} (status {Registration}); continuing, sends will be retried", EventName = "GsmNotRegistered")]
    public static partial void NotRegistered(ILogger logger, string backend, TimeSpan timeout, string registration);

    [LoggerMessage(6015, LogLevel.Warning, "{Backend}: {Command} failed with a transient error, attempt {Attempt} of {Attempts}: {Reason}", EventName = "GsmCommandRetry")]
    public static partial void CommandRetry(ILogger logger, string backend, string command, int attempt, int attempts, string reason);

    [LoggerMessage(6016, LogLevel.Information, "{Backend}: switched to text mode because the modem refused PDU mode", EventName = "GsmTextModeFallback")]
    public static partial void TextModeFallback(ILogger logger, string backend);

    [LoggerMessage(6017, LogLevel.Debug, "{Backend}: unsolicited {Line}", EventName = "GsmUnsolicited")]
    public static partial void Unsolicited(ILogger logger, string backend, string line);

    [LoggerMessage(6020, LogLevel.Debug, "{Backend}: received a message from {Sender} at index {Index} ({Parts} part(s))", EventName = "GsmMessageReceived")]
    public static partial void MessageReceived(ILogger logger, string backend, string sender, int index, int parts);

    [LoggerMessage(6021, LogLevel.Error, "{Backend}: the message at index {Index} cannot be decoded and stays on the SIM: {Reason}. PDU: {Pdu}", EventName = "GsmUndecodablePdu")]
    public static partial void UndecodablePdu(ILogger logger, string backend, int index, string reason, string pdu);

    [LoggerMessage(6022, LogLevel.Debug, "{Backend}: the message at index {Index} was already routed; deleting it", EventName = "GsmDuplicateMessage")]
    public static partial void DuplicateMessage(ILogger logger, string backend, int index);

    [LoggerMessage(6023, LogLevel.Warning, "{Backend}: deleting index {Index} from the SIM failed; it stays there and will not be routed again", EventName = "GsmDeleteFailed")]
    public static partial void DeleteFailed(ILogger logger, string backend, int index, Exception exception);

    [LoggerMessage(6024, LogLevel.Debug, "{Backend}: holding part {Sequence} of {Total} (reference {Reference}) from {Sender} until the rest arrives", EventName = "GsmPartHeld")]
    public static partial void PartHeld(ILogger logger, string backend, int sequence, int total, int reference, string sender);

    [LoggerMessage(6025, LogLevel.Warning, "{Backend}: the router did not take the message at index {Index}; it stays on the SIM for the next sweep", EventName = "GsmRouteFailed")]
    public static partial void RouteFailed(ILogger logger, string backend, int index, Exception exception);

    [LoggerMessage(6026, LogLevel.Debug, "{Backend}: sweep found {Count} stored message(s) in {Storage}", EventName = "GsmSweep")]
    public static partial void Sweep(ILogger logger, string backend, int count, string storage);

    [LoggerMessage(6027, LogLevel.Debug, "{Backend}: status report for reference {Reference} ({Status}) matches no message sent by this backend", EventName = "GsmUnmatchedStatusReport")]
    public static partial void UnmatchedStatusReport(ILogger logger, string backend, int reference, string status);

    [LoggerMessage(6028, LogLevel.Warning, "{Backend}: a PDU the modem delivered directly (+CMT, +CDS) could not be decoded and is lost: {Reason}. PDU: {Pdu}", EventName = "GsmUndecodableDirectPdu")]
    public static partial void UndecodableDirectPdu(ILogger logger, string backend, string reason, string pdu);

    [LoggerMessage(6029, LogLevel.Warning, "{Backend}: reading stored messages (index {Index}, -1 for a listing) failed; they stay on the SIM for the next sweep", EventName = "GsmReadFailed")]
    public static partial void ReadFailed(ILogger logger, string backend, int index, Exception exception);

    [LoggerMessage(6030, LogLevel.Debug, "{Backend}: sent part {Part} of {Parts} to {Recipient}, reference {Reference}", EventName = "GsmPartSent")]
    public static partial void PartSent(ILogger logger, string backend, int part, int parts, string recipient, int reference);

    [LoggerMessage(6031, LogLevel.Warning, "{Backend}: sending to {Recipient} failed: {Reason}", EventName = "GsmSendFailed")]
    public static partial void SendFailed(ILogger logger, string backend, string recipient, string reason);

    [LoggerMessage(6032, LogLevel.Warning, "{Backend}: parts {Missing} of {Total} (reference {Reference}) from {Sender} did not arrive within {Timeout}; routing the {Present} part(s) that did as an incomplete message", EventName = "GsmIncompleteMessage")]
    public static partial void IncompleteMessage(ILogger logger, string backend, string missing, int total, int reference, string sender, TimeSpan timeout, int present);

    [LoggerMessage(6033, LogLevel.Error, "{Backend}: the router did not take a message from {Sender} that the modem handed over directly (+CMT); it was not stored on the SIM and is lost", EventName = "GsmDirectRouteFailed")]
    public static partial void DirectRouteFailed(ILogger logger, string backend, string sender, Exception exception);
}

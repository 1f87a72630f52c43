using RapidSms.Backends.Smpp.Protocol;

namespace RapidSms.Backends.Smpp.Session;

/// <summary>The answer to a request: its status, the message id of a submit response, or the whole PDU for other commands.</summary>
internal readonly record struct SmppResponse(SmppCommandStatus Status, string? MessageId, SmppPdu? Pdu);

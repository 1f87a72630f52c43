namespace RapidSms.Backends.Smpp.Protocol;

/// <summary>Why a PDU could not be decoded, and the status to answer it with (in a generic_nack).</summary>
/// <param name="Status">The status for the generic_nack: <see cref="SmppCommandStatus.InvalidCommandLength"/> for a malformed or
/// truncated body, <see cref="SmppCommandStatus.InvalidCommandId"/> for an unknown command.</param>
/// <param name="Reason">What was wrong, for the log.</param>
public readonly record struct SmppDecodeError(SmppCommandStatus Status, string Reason);

namespace RapidSms.Backends.Smpp.Protocol;

/// <summary>The 16-octet header every PDU starts with.</summary>
/// <param name="Length">command_length: the whole PDU, header included.</param>
/// <param name="CommandId">command_id.</param>
/// <param name="Status">command_status.</param>
/// <param name="SequenceNumber">sequence_number.</param>
public readonly record struct SmppHeader(uint Length, SmppCommandId CommandId, SmppCommandStatus Status, uint SequenceNumber);

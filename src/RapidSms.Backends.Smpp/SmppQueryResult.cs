namespace RapidSms.Backends.Smpp;

/// <summary>The SMSC's answer to <see cref="SmppBackend.QueryAsync"/>: where a message it accepted stands now.</summary>
/// <param name="MessageId">The SMSC message id that was queried.</param>
/// <param name="MessageState">The SMPP message_state: 1 ENROUTE, 2 DELIVERED, 3 EXPIRED, 4 DELETED, 5 UNDELIVERABLE, 6 ACCEPTED, 7 UNKNOWN, 8 REJECTED.</param>
/// <param name="Status">The message state as a <see cref="DeliveryStatus"/>.</param>
/// <param name="IsFinal">Whether the state can no longer change.</param>
/// <param name="FinalDate">When the message reached its final state, in SMPP time format (YYMMDDhhmmsstnnp), or empty while it has not.</param>
/// <param name="ErrorCode">The network error code the SMSC gives for a failed message, or 0.</param>
public sealed record SmppQueryResult(string MessageId, byte MessageState, DeliveryStatus Status, bool IsFinal, string FinalDate, byte ErrorCode);

namespace RapidSms.Backends.Gsm.Protocol;

/// <summary>One part of a concatenated (long) message, from its user data header (3GPP TS 23.040 §9.2.3.24.1 and .8).</summary>
/// <param name="Reference">The reference number shared by every part of the message.</param>
/// <param name="Total">How many parts the message has.</param>
/// <param name="Sequence">This part's number, from 1.</param>
/// <param name="Is16BitReference">Whether the reference is 16-bit (element 0x08) rather than 8-bit (element 0x00).</param>
public sealed record ConcatenationInfo(int Reference, int Total, int Sequence, bool Is16BitReference);

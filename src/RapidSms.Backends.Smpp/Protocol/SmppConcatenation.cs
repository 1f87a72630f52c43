namespace RapidSms.Backends.Smpp.Protocol;

/// <summary>Where one part of a concatenated message belongs.</summary>
/// <param name="Reference">The reference shared by all parts (8- or 16-bit).</param>
/// <param name="Total">How many parts the message has.</param>
/// <param name="Sequence">This part's number, from 1.</param>
public readonly record struct SmppConcatenation(ushort Reference, byte Total, byte Sequence);

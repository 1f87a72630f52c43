namespace RapidSms.Testing;

/// <summary>A message a backend transmitted to the outside world, as the peer saw it.</summary>
/// <param name="Identity">The recipient.</param>
/// <param name="Text">The text, decoded.</param>
public sealed record PeerMessage(string Identity, string Text);

namespace RapidSms.Backends.Gsm.Session;

/// <summary>A message read from the modem's storage: a PDU (PDU mode) or a sender, time and body (text mode).</summary>
internal sealed record StoredMessage(int Index, string? Pdu, TextModeMessage? Text);

/// <summary>A message as text mode shows it.</summary>
internal sealed record TextModeMessage(string Sender, DateTimeOffset? Timestamp, string Body);

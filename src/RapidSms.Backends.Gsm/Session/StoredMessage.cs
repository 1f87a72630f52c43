namespace RapidSms.Backends.Gsm.Session;

/// <summary>A message read from the modem's storage: a PDU (PDU mode) or a sender, time and body (text mode).</summary>
internal sealed record StoredMessage(int Index, string? Pdu, TextModeMessage? Text)
{
    /// <summary>Whether the slot holds a message the modem itself stored for sending (<c>STO UNSENT</c>/<c>STO SENT</c>, stat 2 or 3), not one received.</summary>
    public bool IsOutgoing { get; init; }

    /// <summary>The storage it was read from (<c>SM</c>, <c>ME</c>…), or <see langword="null"/> when the modem did not say.</summary>
    public string? Storage { get; init; }
}

/// <summary>A message as text mode shows it.</summary>
internal sealed record TextModeMessage(string Sender, DateTimeOffset? Timestamp, string Body);

namespace RapidSms.Backends.Gsm.Session;

/// <summary>A line the modem sent on its own (<c>+CMTI</c>, <c>+CDS</c>, <c>RING</c>, vendor noise), with the PDU line that followed it when it has one.</summary>
internal sealed record AtUnsolicited(string Line, string? Data);

namespace RapidSms.Backends.Gsm.Session;

/// <summary>One AT command: what to send, which response lines belong to it, and how long to wait.</summary>
internal sealed record AtCommand(string Text, string? ResponsePrefix, TimeSpan Timeout)
{
    /// <summary>What to send after the <c>&gt; </c> prompt (a PDU or a text body); Ctrl-Z is appended.</summary>
    public string? Payload { get; init; }

    /// <summary>How long to wait for the prompt.</summary>
    public TimeSpan PromptTimeout { get; init; } = TimeSpan.FromSeconds(10);

    /// <summary>Whether a data line after a <c>+CMGR:</c>/<c>+CMGL:</c> header is free text (text mode), so that "OK" there is data.</summary>
    public bool TextBodies { get; init; }

    /// <summary>How the command appears in logs and errors (a PIN masked).</summary>
    public string LogText { get; init; } = Text;
}

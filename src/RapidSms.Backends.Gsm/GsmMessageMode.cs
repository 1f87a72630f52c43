namespace RapidSms.Backends.Gsm;

/// <summary>How messages cross the AT interface (<c>AT+CMGF</c>).</summary>
public enum GsmMessageMode
{
    /// <summary>PDU mode (<c>AT+CMGF=0</c>): every alphabet, long messages, status reports. The default.</summary>
    Pdu = 0,

    /// <summary>Text mode (<c>AT+CMGF=1</c>): for modems without PDU mode; single-part GSM text, no status reports.</summary>
    Text = 1,
}

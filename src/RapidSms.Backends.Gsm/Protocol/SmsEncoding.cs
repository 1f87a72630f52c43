namespace RapidSms.Backends.Gsm.Protocol;

/// <summary>The alphabet of a message's user data (3GPP TS 23.038 §4).</summary>
public enum SmsEncoding
{
    /// <summary>The GSM 7-bit default alphabet with its extension table.</summary>
    Gsm7 = 0,

    /// <summary>8-bit data.</summary>
    EightBit = 1,

    /// <summary>UCS-2 (UTF-16 big-endian; surrogate pairs pass through).</summary>
    Ucs2 = 2,
}

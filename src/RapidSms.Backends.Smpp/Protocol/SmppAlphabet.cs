namespace RapidSms.Backends.Smpp.Protocol;

/// <summary>A character set a short message can be written in.</summary>
public enum SmppAlphabet
{
    /// <summary>The GSM 03.38 default alphabet with its extension table (7-bit).</summary>
    Gsm7 = 0,

    /// <summary>ISO-8859-1 (data_coding 3).</summary>
    Latin1,

    /// <summary>IA5 / ASCII (data_coding 1).</summary>
    Ascii,

    /// <summary>UCS-2, big-endian; characters beyond the BMP as UTF-16 surrogate pairs (data_coding 8).</summary>
    Ucs2,

    /// <summary>8-bit binary data (data_coding 2 or 4); decoded as Latin-1 so no octet is lost.</summary>
    Binary,
}

namespace RapidSms.Backends.Smpp;

/// <summary>Which alphabet outgoing text is sent in.</summary>
public enum SmppTextEncoding
{
    /// <summary>
    /// The SMSC's default alphabet (<see cref="SmppOptions.DefaultAlphabet"/>, data_coding 0) when every character
    /// fits it, else UCS2 (data_coding 8). Nothing is ever dropped.
    /// </summary>
    Auto = 0,

    /// <summary>The GSM 03.38 default alphabet with its extension table, data_coding 0; text that does not fit fails the message.</summary>
    Gsm7,

    /// <summary>Latin-1, data_coding 3; text that does not fit fails the message.</summary>
    Latin1,

    /// <summary>UCS2, data_coding 8: every character, 70 per single message.</summary>
    Ucs2,
}

namespace RapidSms.Backends.Gsm.Protocol;

/// <summary>How <see cref="SmsPduEncoder"/> encodes a message.</summary>
public sealed class SmsEncodingOptions
{
    /// <summary>The service centre to write into the PDU; <see langword="null"/> writes <c>00</c> (use the modem's). Defaults to <see langword="null"/>.</summary>
    public string? ServiceCenter { get; set; }

    /// <summary>Forces an alphabet; <see langword="null"/> picks GSM 7-bit when every character fits, UCS-2 otherwise. Defaults to <see langword="null"/>.</summary>
    public SmsEncoding? Encoding { get; set; }

    /// <summary>The reference shared by the parts of a long message. Defaults to 0.</summary>
    public int ConcatenationReference { get; set; }

    /// <summary>Whether long messages use the 16-bit reference element (one character less per part). Defaults to <see langword="false"/>.</summary>
    public bool Use16BitReference { get; set; }

    /// <summary>SMS-SUBMIT: whether to request a status report. SMS-DELIVER: the status report indication. Defaults to <see langword="false"/>.</summary>
    public bool StatusReportRequest { get; set; }

    /// <summary>SMS-SUBMIT: the relative validity period; <see langword="null"/> for none. Defaults to <see langword="null"/>.</summary>
    public TimeSpan? ValidityPeriod { get; set; }

    /// <summary>SMS-SUBMIT: the message reference (modems usually replace it). Defaults to 0.</summary>
    public byte MessageReference { get; set; }

    /// <summary>The most parts a message may be split into; a longer text is rejected. Defaults to 255.</summary>
    public int MaxParts { get; set; } = 255;
}

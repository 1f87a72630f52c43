namespace RapidSms.Backends.Gsm;

/// <summary>How an AT command ended.</summary>
public enum AtResultKind
{
    /// <summary><c>OK</c>.</summary>
    Ok = 0,

    /// <summary><c>ERROR</c> (or a vendor's final error line such as <c>COMMAND NOT SUPPORT</c>).</summary>
    Error,

    /// <summary><c>+CMS ERROR: n</c>, a message service error (3GPP TS 27.005).</summary>
    CmsError,

    /// <summary><c>+CME ERROR: n</c>, an equipment error (3GPP TS 27.007).</summary>
    CmeError,

    /// <summary>The modem did not answer in time.</summary>
    Timeout,
}

namespace RapidSms.Backends.Gsm;

/// <summary>Network registration as <c>AT+CREG?</c> reports it (3GPP TS 27.007 §7.2).</summary>
public enum GsmRegistration
{
    /// <summary>Not asked yet, or an unknown answer.</summary>
    Unknown = -1,

    /// <summary>0: not registered and not searching.</summary>
    NotRegistered = 0,

    /// <summary>1: registered on the home network.</summary>
    Home = 1,

    /// <summary>2: not registered, searching.</summary>
    Searching = 2,

    /// <summary>3: registration denied.</summary>
    Denied = 3,

    /// <summary>4: unknown (out of coverage, say).</summary>
    OutOfCoverage = 4,

    /// <summary>5: registered, roaming.</summary>
    Roaming = 5,
}

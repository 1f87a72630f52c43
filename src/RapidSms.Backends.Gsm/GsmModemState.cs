namespace RapidSms.Backends.Gsm;

/// <summary>Where a GSM backend's link to its modem stands.</summary>
public enum GsmModemState
{
    /// <summary>Not started, or stopped.</summary>
    Stopped = 0,

    /// <summary>Opening the port and initialising the modem.</summary>
    Connecting,

    /// <summary>Initialised: sending and receiving.</summary>
    Ready,

    /// <summary>The link failed; waiting before reopening it.</summary>
    Reconnecting,
}
